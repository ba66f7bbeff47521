"""The facade's store of arrays: checked on every call, or (a server) in the background."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mixtape.catalog import Catalog, open_catalog
from mixtape.features import build
from mixtape.service import ArrayStore
from tests.factories.catalogs import add_track, write_small_catalog


@pytest.fixture
def catalog(sqlite_url: str) -> Iterator[Catalog]:
    catalog = open_catalog(sqlite_url)
    write_small_catalog(catalog)
    yield catalog
    catalog.dispose()


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fingerprints computed so far (each one a check of the catalog)."""
    seen: list[str] = []
    real = build.fingerprint

    def counted(catalog: Catalog) -> str:
        seen.append(real(catalog))
        return seen[-1]

    monkeypatch.setattr(build, "fingerprint", counted)
    return seen


def test_without_recheck_every_call_checks(catalog: Catalog, checks: list[str]) -> None:
    store = ArrayStore()
    first = store.arrays(catalog)
    assert store.arrays(catalog) is first and len(checks) == 2
    add_track(catalog, 1)
    assert store.arrays(catalog).n_tracks == first.n_tracks + 1


def test_a_server_store_checks_in_the_background(catalog: Catalog, checks: list[str]) -> None:
    now = [0.0]
    store = ArrayStore(recheck=2.0, clock=lambda: now[0])
    first = store.arrays(catalog)
    add_track(catalog, 1)
    assert store.arrays(catalog) is first and len(checks) == 1  # trusted for 2 s
    now[0] = 5.0
    assert store.arrays(catalog) is first  # answered at once; the check runs meanwhile
    store.settle()
    assert len(checks) == 2 and checks[1] != first.fingerprint
    changed = store.arrays(catalog)  # the check saw the change: this call rebuilds
    assert changed.n_tracks == first.n_tracks + 1 and len(checks) == 3


def test_an_unchanged_catalog_is_trusted_again(catalog: Catalog, checks: list[str]) -> None:
    now = [0.0]
    store = ArrayStore(recheck=2.0, clock=lambda: now[0])
    first = store.arrays(catalog)
    now[0] = 5.0
    store.arrays(catalog)
    store.settle()
    assert store.arrays(catalog) is first and len(checks) == 2  # no third check


def test_a_write_during_a_check_is_not_missed(
    catalog: Catalog, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [0.0]
    store = ArrayStore(recheck=2.0, clock=lambda: now[0])
    first = store.arrays(catalog)
    counted = build.fingerprint

    def write_meanwhile(c: Catalog) -> str:
        fp = counted(c)  # the check reads the old state ...
        add_track(c, 2)  # ... then this process writes and says so
        store.expire()
        return fp

    monkeypatch.setattr(build, "fingerprint", write_meanwhile)
    now[0] = 5.0
    store.arrays(catalog)
    store.settle()
    monkeypatch.setattr(build, "fingerprint", counted)
    assert store.arrays(catalog).n_tracks == first.n_tracks + 1

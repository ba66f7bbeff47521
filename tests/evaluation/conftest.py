"""The demo catalog the harness and tuning tests read (built once for the package; never
modify it)."""

from __future__ import annotations

import pytest

from mixtape.catalog import Catalog, open_catalog
from mixtape.demo import generate, load_demo
from mixtape.features.arrays import TrackArrays
from mixtape.service import ArrayStore


@pytest.fixture(scope="package")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("eval")
    url = f"sqlite:///{folder / 'demo.db'}"
    catalog = open_catalog(url)
    load_demo(catalog, generate(seed=3, tracks=1_500, playlists=300))
    catalog.dispose()
    return url


@pytest.fixture(scope="package")
def catalog(demo_db: str) -> Catalog:
    return open_catalog(demo_db)


@pytest.fixture(scope="package")
def data(catalog: Catalog) -> TrackArrays:
    return ArrayStore().arrays(catalog)

"""Local audio in the arrays: measured features fill only what the catalog lacks, with
their provenance; one analyser's sonic embeddings; and the cache notices every change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mixtape.catalog import Catalog, open_catalog
from mixtape.features import build, cache, fetch
from mixtape.features.arrays import AUDIO_COLUMNS, FEATURE_SOURCES, TrackArrays
from mixtape.keys import local_key
from tests.factories.catalogs import write_small_catalog
from tests.factories.local_audio import add_audio_files, add_embeddings, add_local_features
from tests.factories.mpd import fake_id

ONE, TWO, LIVE = fake_id("track", 0), fake_id("track", 1), fake_id("track", 2)
QUIET = local_key("Delta", "Quiet")


def col(name: str) -> int:
    return AUDIO_COLUMNS.index(name)


def sources(data: TrackArrays) -> list[str]:
    return [FEATURE_SOURCES[c] for c in data.feature_source]


def test_local_features_fill_gaps_only_and_say_where_values_came_from(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    try:
        write_small_catalog(catalog)
        # Song One has every catalog feature; Song Two only energy 0.3; Quiet none.
        local = {"energy": 0.95, "tempo": 97.0, "key": 6, "mode": 0, "danceability": 0.4}
        add_local_features(catalog, {ONE: local, TWO: local, QUIET: local})
        add_embeddings(catalog, {ONE: [1.0, 0.0, -2.5], QUIET: [0.25, 0.5, 0.75]})
        data = build.build_arrays(catalog)
    finally:
        catalog.dispose()
    one, two, quiet = 0, 1, 3
    assert data.audio[one, col("energy")] == pytest.approx(0.8)  # the catalog's value wins
    assert data.audio[one, col("tempo")] == pytest.approx(120.0)
    assert data.audio[two, col("energy")] == pytest.approx(0.3)
    assert data.audio[two, col("tempo")] == pytest.approx(97.0)  # filled from local analysis
    assert data.audio[quiet, col("key")] == 6 and data.audio[quiet, col("mode")] == 0
    assert np.isnan(data.audio[quiet, col("acousticness")])  # never measured locally
    assert np.isnan(data.audio[quiet, col("valence")])
    assert sources(data) == ["catalog", "mixed", "none", "local", "none"]
    assert data.has_audio[quiet] and not data.has_mood[quiet]

    assert data.sonic_analyser == "test-1"
    assert data.sonic.dtype == np.float32 and data.sonic.shape == (5, 3)
    np.testing.assert_array_equal(data.sonic[one], [1.0, 0.0, -2.5])
    np.testing.assert_array_equal(data.sonic[quiet], [0.25, 0.5, 0.75])
    assert np.isnan(data.sonic[[1, 2, 4]]).all()
    assert data.has_sonic.tolist() == [True, False, False, True, False]


def test_without_embeddings_the_sonic_array_takes_no_memory(tmp_path: Path) -> None:
    catalog = open_catalog(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        write_small_catalog(catalog)
        data = build.build_arrays(catalog)
    finally:
        catalog.dispose()
    assert data.sonic.shape == (5, 0) and data.sonic_analyser == ""
    assert not data.has_sonic.any()
    assert sources(data) == ["catalog", "catalog", "none", "none", "none"]


def test_the_most_common_analyser_wins_and_odd_lengths_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "FETCH_CHUNK", 1)  # vectors read one per chunk
    catalog = open_catalog(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        write_small_catalog(catalog)
        add_embeddings(catalog, {ONE: [1, 2], TWO: [3, 4], QUIET: [5, 6, 7]}, analyser="v2")
        add_embeddings(catalog, {LIVE: [9, 9, 9, 9]}, analyser="v1")
        data = build.build_arrays(catalog)
    finally:
        catalog.dispose()
    assert data.sonic_analyser == "v2"
    assert data.sonic.shape == (5, 2)
    assert data.has_sonic.tolist() == [True, True, False, False, False]
    np.testing.assert_array_equal(data.sonic[:2], [[1, 2], [3, 4]])


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    c = open_catalog(f"sqlite:///{tmp_path / 'c.db'}")
    write_small_catalog(c)
    return c


def test_every_local_audio_table_changes_the_fingerprint(catalog: Catalog) -> None:
    try:
        seen = {build.fingerprint(catalog)}
        add_local_features(catalog, {ONE: {"tempo": 90.0}})
        seen.add(build.fingerprint(catalog))
        add_embeddings(catalog, {ONE: [1.0]})
        seen.add(build.fingerprint(catalog))
        add_audio_files(catalog, "/music", {ONE: "a/one.flac"})
        seen.add(build.fingerprint(catalog))
    finally:
        catalog.dispose()
    assert len(seen) == 4


def test_the_cache_round_trips_embeddings_and_sources(catalog: Catalog, tmp_path: Path) -> None:
    try:
        add_local_features(catalog, {QUIET: {"energy": 0.5, "danceability": 0.5}})
        add_embeddings(catalog, {QUIET: [0.5, -0.5]})
        built = cache.cached_arrays(catalog, tmp_path / "cache")
        again = cache.cached_arrays(catalog, tmp_path / "cache")
    finally:
        catalog.dispose()
    assert again is not built
    np.testing.assert_array_equal(again.sonic, built.sonic)
    np.testing.assert_array_equal(again.feature_source, built.feature_source)
    assert again.sonic_analyser == built.sonic_analyser == "test-1"
    assert again.sonic.dtype == np.float32 and again.feature_source.dtype == np.uint8

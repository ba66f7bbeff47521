"""Read queries on a hand-built catalog whose every count is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mixtape.catalog import open_catalog
from mixtape.catalog.reads import NO_FEATURES, CatalogStats, catalog_stats, feature_frame
from mixtape.catalog.writes import BatchWriter
from mixtape.errors import CatalogError, InputError
from mixtape.records import (
    ArtistRef,
    TrackRecord,
)
from tests.factories.catalogs import write_counted_catalog


def read_stats(url: str, **kw: int) -> CatalogStats:
    catalog = open_catalog(url)
    try:
        with catalog.connect() as conn:
            return catalog_stats(conn, **kw)
    finally:
        catalog.dispose()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('reads') / 'catalog.db'}"
    write_counted_catalog(url)
    return url


def check_counts(url: str) -> None:
    st = read_stats(url)
    d = st.as_dict()
    assert {k: d[k] for k in ("playlists", "playlist_tracks", "tracks", "artists", "albums")} == {
        "playlists": 3,
        "playlist_tracks": 7,
        "tracks": 5,
        "artists": 3,
        "albums": 1,
    }
    assert d["tracks_with_features"] == 3  # t4's all-null row does not count
    assert d["genres"] == 3  # pop, dance pop, rock
    assert d["playlist_summary"] == {
        "unique_tracks": 4,
        "unique_titles": 3,
        "unique_normalized_titles": 2,
        "playlists_with_descriptions": 1,
        "avg_playlist_length": round(7 / 3, 6),
    }
    assert [(c.name, c.count) for c in st.top_titles] == [("chill", 2), ("rock", 1)]
    assert [(t.name, t.artist, t.count) for t in st.top_tracks] == [
        ("One", "Alpha", 3),
        ("Two", "Beta", 2),
        ("Three", "Gamma, Beta", 1),
        ("Four", "Gamma, Alpha", 1),
    ]
    # Alpha: t1 ×3 + t4; Beta: t2 ×2 + t3; Gamma: t3 + t4.
    assert [(a.name, a.count) for a in st.top_artists] == [("Alpha", 4), ("Beta", 3), ("Gamma", 2)]
    cov = d["coverage"]
    assert cov["features"]["valence"] == 3
    assert cov["features"]["energy"] == 3
    assert cov["features"]["danceability"] == 1
    assert cov["features"]["time_signature"] == 0
    assert (cov["tracks_with_release_year"], cov["tracks_with_popularity"]) == (2, 1)
    assert (cov["artists_with_genres"], cov["tracks_with_genres"]) == (1, 1)
    ingests = d["ingests"]
    assert (ingests["total"], ingests["failed"]) == (2, 1)
    assert [(i["kind"], i["status"]) for i in ingests["recent"]] == [
        ("mpd", "failed"),
        ("tracks", "ok"),
    ]


def test_exact_counts_top_lists_and_coverage(built: str) -> None:
    check_counts(built)


def test_stats_on_every_engine(any_db_url: str) -> None:
    write_counted_catalog(any_db_url)
    check_counts(any_db_url)
    catalog = open_catalog(any_db_url)
    try:
        with catalog.connect() as conn:
            # Exercises the sampling SQL (integer modulo arithmetic) on each engine.
            data = feature_frame(conn, ("valence", "energy"), sample=2, require=("valence",))
    finally:
        catalog.dispose()
    assert data.eligible == 3
    assert len(data.frame) <= 2
    assert set(data.frame.columns) == {"valence", "energy"}


def test_top_limits_are_honoured(built: str) -> None:
    st = read_stats(built, top=1, recent=1)
    assert [t.name for t in st.top_tracks] == ["One"]
    assert [a.name for a in st.top_artists] == ["Alpha"]
    assert len(st.top_titles) == len(st.recent_ingests) == 1


def test_empty_catalog_is_all_zeros(tmp_path: Path) -> None:
    d = read_stats(f"sqlite:///{tmp_path / 'empty.db'}").as_dict()
    for key in ("playlists", "playlist_tracks", "tracks", "artists", "albums", "genres"):
        assert d[key] == 0
    assert d["tracks_with_features"] == 0
    assert d["playlist_summary"]["avg_playlist_length"] == 0
    assert d["top_titles"] == d["top_tracks"] == d["top_artists"] == []
    assert d["ingests"] == {"total": 0, "failed": 0, "recent": []}


def test_feature_frame_reads_tracks_with_features(built: str) -> None:
    catalog = open_catalog(built)
    try:
        with catalog.connect() as conn:
            data = feature_frame(conn)
            mood = feature_frame(conn, ("valence", "energy"), require=("valence", "energy"))
    finally:
        catalog.dispose()
    assert data.eligible == len(data.frame) == 3
    assert not data.sampled
    frame = data.frame
    assert frame["release_year"].notna().sum() == 1  # t5 has a year but no features
    assert frame["popularity"].notna().sum() == 1
    assert frame["danceability"].notna().sum() == 1
    assert sorted(zip(mood.frame["valence"], mood.frame["energy"], strict=True)) == [
        (0.1, 0.1),
        (0.2, 0.9),
        (0.9, 0.8),
    ]


def test_feature_frame_on_a_catalog_without_features(tmp_path: Path) -> None:
    catalog = open_catalog(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with catalog.connect() as conn, pytest.raises(CatalogError) as caught:
            feature_frame(conn)
    finally:
        catalog.dispose()
    assert str(caught.value) == NO_FEATURES
    assert "mixtape demo-data" in str(caught.value)


def test_feature_frame_names_missing_required_columns(built: str) -> None:
    catalog = open_catalog(built)
    try:
        with catalog.connect() as conn:
            with pytest.raises(CatalogError, match="no tracks with liveness"):
                feature_frame(conn, ("liveness",), require=("liveness",))
            with pytest.raises(InputError, match="unknown feature"):
                feature_frame(conn, ("loudness_db",))
    finally:
        catalog.dispose()


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> str:
    """2,000 tracks with valence and energy, for sampling."""
    url = f"sqlite:///{tmp_path_factory.mktemp('many') / 'catalog.db'}"
    rng = np.random.default_rng(7)
    records = [
        TrackRecord(f"Song {i}", artists=(ArtistRef(f"Artist {i % 50}"),), features=f)
        for i, f in enumerate(
            {"valence": float(v), "energy": float(e)} for v, e in rng.random((2000, 2))
        )
    ]
    catalog = open_catalog(url)
    try:
        with catalog.begin() as conn:
            BatchWriter(conn).upsert_tracks(records)
    finally:
        catalog.dispose()
    return url


def test_sampling_is_exact_seeded_and_spread(many: str) -> None:
    catalog = open_catalog(many)
    try:
        with catalog.connect() as conn:

            def ids(seed: int) -> np.ndarray:
                data = feature_frame(conn, ("valence",), sample=300, seed=seed)
                assert data.eligible == 2000 and data.sampled
                return data.frame.index.to_numpy()

            first, again, other = ids(1), ids(1), ids(2)
            everything = feature_frame(conn, ("valence",), sample=5000)
    finally:
        catalog.dispose()
    assert len(first) == 300
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert len(everything.frame) == 2000 and not everything.sampled
    assert set(first) <= set(everything.frame.index)
    # Spread over the whole id range, not the first 300 ids.
    assert first.min() < 200 and first.max() > 1800


def test_bad_arguments_are_input_errors(built: str) -> None:
    catalog = open_catalog(built)
    try:
        with catalog.connect() as conn:
            with pytest.raises(InputError):
                feature_frame(conn, sample=0)
            with pytest.raises(InputError):
                catalog_stats(conn, top=-1)
    finally:
        catalog.dispose()

"""Catalog → TrackArrays: exact values on a tiny catalog (on every engine), and the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from mixtape.catalog import Catalog, open_catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.features import build, cache
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.keys import local_key
from mixtape.records import PlaylistRecord
from tests.factories.catalogs import FULL, SMALL_TRACKS, add_track, write_small_catalog
from tests.factories.mpd import fake_id


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    """A read-only SQLite catalog shared by this module's tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('small') / 'catalog.db'}"
    catalog = open_catalog(url)
    write_small_catalog(catalog)
    yield catalog
    catalog.dispose()


def genres_of(data: TrackArrays, row: int) -> set[str]:
    m = data.track_genres
    return {str(data.genre_names[c]) for c in m.indices[m.indptr[row] : m.indptr[row + 1]]}


def artists_of(data: TrackArrays, row: int) -> set[str]:
    m = data.track_artists
    return {str(data.artist_names[c]) for c in m.indices[m.indptr[row] : m.indptr[row + 1]]}


def assert_small_arrays(data: TrackArrays) -> None:
    assert data.n_tracks == 5
    assert list(data.keys) == [
        fake_id("track", 0),
        fake_id("track", 1),
        fake_id("track", 2),
        local_key("Delta", "Quiet"),
        fake_id("track", 4),
    ]
    assert list(data.names) == ["Song One", "Song Two", "Hello - Live", "Quiet", "Song One"]

    assert data.audio.dtype == np.float32
    assert data.audio.shape == (5, len(AUDIO_COLUMNS))
    np.testing.assert_allclose(data.audio[0], [FULL[c] for c in AUDIO_COLUMNS], rtol=1e-6)
    energy = AUDIO_COLUMNS.index("energy")
    assert data.audio[1, energy] == pytest.approx(0.3)
    assert np.isnan(np.delete(data.audio[1], energy)).all()
    assert np.isnan(data.audio[2:]).all()

    assert data.year.dtype == np.float32
    np.testing.assert_array_equal(data.year, [1999, 2005, np.nan, np.nan, np.nan])  # album's year
    assert data.popularity.dtype == np.float32
    np.testing.assert_array_equal(data.popularity, [50, np.nan, 10, np.nan, 70])

    assert sorted(data.artist_names) == ["Alpha", "Beta", "Delta", "Gamma"]
    assert data.track_artists.shape == (5, 4)
    assert [artists_of(data, r) for r in range(5)] == [
        {"Alpha"},
        {"Alpha", "Beta"},
        {"Gamma"},
        {"Delta"},
        {"Gamma"},
    ]
    assert data.primary_artist.dtype == np.int32
    primary = [str(data.artist_names[a]) for a in data.primary_artist]
    assert primary == ["Alpha", "Beta", "Gamma", "Delta", "Gamma"]  # position 0

    assert sorted(data.genre_names) == ["garage", "indie", "pop", "rock"]
    assert data.track_genres.dtype == np.float32
    assert set(data.track_genres.data) == {1.0}
    assert [genres_of(data, r) for r in range(5)] == [
        {"garage", "rock", "indie"},  # its own ∪ its artist's
        {"pop", "rock", "indie"},  # both artists'
        set(),
        set(),
        set(),
    ]

    assert list(data.playlist_keys) == ["mpd:0", "mpd:1", "mpd:2"]
    assert list(data.playlist_names) == ["first", "second", "third"]
    assert data.playlists.dtype == np.float32
    np.testing.assert_array_equal(
        data.playlists.toarray(),
        [[1, 1, 0, 0, 0], [0, 0, 1, 1, 0], [0, 1, 0, 0, 1]],  # a repeat counts once
    )
    assert data.fingerprint


def test_build_gives_exact_arrays_on_every_engine(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    try:
        write_small_catalog(catalog)
        data = build.build_arrays(catalog)
    finally:
        catalog.dispose()
    assert_small_arrays(data)


def test_build_reads_in_chunks(small: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "FETCH_CHUNK", 2)
    assert_small_arrays(build.build_arrays(small))


def test_empty_catalog_gives_empty_arrays(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    data = build.build_arrays(catalog)
    catalog.dispose()
    assert data.n_tracks == 0
    assert data.audio.shape == (0, len(AUDIO_COLUMNS))
    assert data.playlists.shape == (0, 0)


def test_fingerprint_is_stable_and_follows_changes(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    write_small_catalog(catalog)
    first = build.fingerprint(catalog)
    assert build.fingerprint(catalog) == first
    assert build.build_arrays(catalog).fingerprint == first
    add_track(catalog, 1)
    assert build.fingerprint(catalog) != first
    catalog.dispose()


def test_cache_hit_returns_equal_arrays(
    small: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = cache.cached_arrays(small, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f"arrays-{built.fingerprint}.npz"]

    def no_build(*_a: object, **_k: object) -> TrackArrays:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(cache, "build_arrays", no_build)
    loaded = cache.cached_arrays(small, tmp_path)
    assert loaded is not built
    assert_small_arrays(loaded)
    assert loaded.keys.dtype == object and loaded.names.dtype == object
    assert loaded.fingerprint == built.fingerprint
    for name in ("audio", "year", "popularity", "primary_artist"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(built, name))
    for name in ("track_artists", "track_genres", "playlists"):
        assert (getattr(loaded, name) != getattr(built, name)).nnz == 0


def test_catalog_change_invalidates_the_cache(sqlite_url: str, tmp_path: Path) -> None:
    catalog = open_catalog(sqlite_url)
    write_small_catalog(catalog)
    folder = tmp_path / "cache"
    before = cache.cached_arrays(catalog, folder)
    add_track(catalog, 2)
    after = cache.cached_arrays(catalog, folder)
    catalog.dispose()
    assert after.n_tracks == before.n_tracks + 1
    assert after.names[-1] == "Extra 2"
    # the stale file is gone, the new one is there
    assert [p.name for p in folder.iterdir()] == [f"arrays-{after.fingerprint}.npz"]


def test_damaged_cache_file_is_rebuilt(small: Catalog, tmp_path: Path) -> None:
    path = cache.cache_path(tmp_path, build.fingerprint(small))
    path.write_bytes(b"not a zip file")
    assert_small_arrays(cache.cached_arrays(small, tmp_path))
    assert cache.load_arrays(path).n_tracks == 5


def test_strings_round_trip_without_pickle(small: Catalog, tmp_path: Path) -> None:
    data = build.build_arrays(small)
    data.names[0] = "Çà et là ♫"
    data.names[1] = ""
    data.artist_names[0] = "nul\x00inside"  # stored fixed-width instead of joined
    data.playlist_names[1] = "Été ☀️ hits"
    cache.save_arrays(data, tmp_path / "a.npz")
    with np.load(tmp_path / "a.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)
    loaded = cache.load_arrays(tmp_path / "a.npz")
    assert list(loaded.names) == list(data.names)
    assert list(loaded.artist_names) == list(data.artist_names)
    assert list(loaded.playlist_keys) == ["mpd:0", "mpd:1", "mpd:2"]
    assert list(loaded.playlist_names) == ["first", "Été ☀️ hits", "third"]


def test_a_playlist_without_a_name_has_an_empty_title(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    try:
        with catalog.begin() as conn:
            BatchWriter(conn).replace_playlists([PlaylistRecord("mpd:9", None, SMALL_TRACKS[:1])])
        data = build.build_arrays(catalog)
    finally:
        catalog.dispose()
    assert list(data.playlist_names) == [""]

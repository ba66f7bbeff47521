from __future__ import annotations

import csv
import re
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from mixtape.catalog.schema import AUDIO_FEATURES
from mixtape.demo import DEFAULT_SEED, DEFAULT_TRACKS, DemoCatalog, generate
from mixtape.demo.generate import build_catalog, n_artists_for, select_genres
from mixtape.demo.taxonomy import FAMILIES, GENRES, PROFILES, REGIONAL
from mixtape.errors import InputError
from mixtape.features.families import family_of
from tests.factories.demo import SMALL_PLAYLISTS, SMALL_TRACKS

UNIT = ("danceability", "energy", "speechiness", "acousticness", "instrumentalness")
UNIT += ("liveness", "valence")


def same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def test_same_seed_gives_the_same_catalog(small: DemoCatalog) -> None:
    again = generate(seed=11, tracks=SMALL_TRACKS, playlists=SMALL_PLAYLISTS)
    for f in fields(DemoCatalog):
        if f.name != "playlists":
            assert same(getattr(small, f.name), getattr(again, f.name)), f.name
    assert small.playlists is not None and again.playlists is not None
    for f in fields(small.playlists):
        assert same(getattr(small.playlists, f.name), getattr(again.playlists, f.name)), f.name


def test_another_seed_gives_another_catalog(small: DemoCatalog) -> None:
    other = generate(seed=12, tracks=SMALL_TRACKS, playlists=SMALL_PLAYLISTS)
    assert not np.array_equal(small.track_ids, other.track_ids)
    assert small.track_names != other.track_names
    assert not np.array_equal(small.audio["energy"], other.audio["energy"])


def test_ids_look_like_spotify_ids_and_never_equal_real_ones(small: DemoCatalog) -> None:
    ids = [*small.track_ids.tolist(), *small.artist_ids.tolist(), *small.album_ids.tolist()]
    assert len(set(ids)) == len(ids)
    # real ids encode 128 bits, so they start with 0-7; demo ids start with a letter
    assert all(re.fullmatch(r"[A-Za-z][0-9A-Za-z]{21}", i) for i in ids)


def test_sizes_scale_with_tracks(small: DemoCatalog) -> None:
    assert small.n_tracks == SMALL_TRACKS
    assert len(small.artist_ids) == n_artists_for(SMALL_TRACKS) == 200
    assert SMALL_TRACKS / 10 < len(small.album_ids) < SMALL_TRACKS / 2
    with pytest.raises(InputError, match="at least"):
        generate(tracks=10)


def test_taxonomy_names_are_unique_and_every_family_has_a_profile() -> None:
    names = [g.name for g in GENRES] + [name for name, _ in REGIONAL]
    assert len(names) == len(set(names))
    assert set(PROFILES) == set(FAMILIES) == {g.family for g in GENRES}
    assert len(FAMILIES) == 15


def test_default_size_uses_120_plus_genres_in_all_15_families() -> None:
    assert len(select_genres(n_artists_for(DEFAULT_TRACKS))) >= 120
    cat = build_catalog(DEFAULT_SEED, DEFAULT_TRACKS)  # no playlists: fast
    assert len(cat.genres) >= 120  # every genre listed is some artist's
    used = np.unique(cat.artist_genres[cat.artist_genres >= 0])
    assert len(used) == len(cat.genres)
    assert {g.family for g in cat.genres} == set(FAMILIES)


def test_small_catalog_still_has_every_family(small: DemoCatalog) -> None:
    assert set(np.unique(small.genre_family)) == set(range(len(FAMILIES)))
    assert set(np.unique(small.artist_family)) == set(range(len(FAMILIES)))


def test_values_are_in_range(small: DemoCatalog) -> None:
    a = small.audio
    assert list(a) == list(AUDIO_FEATURES)
    for name in UNIT:
        assert a[name].min() >= 0 and a[name].max() <= 1, name
    assert a["loudness"].min() >= -60 and a["loudness"].max() <= 0
    assert a["tempo"].min() > 40 and a["tempo"].max() < 230
    assert set(np.unique(a["key"])) <= set(range(12))
    assert set(np.unique(a["mode"])) == {0, 1}
    assert set(np.unique(a["time_signature"])) <= {1, 3, 4, 5}
    assert a["duration_ms"].min() >= 30_000 and a["duration_ms"].max() <= 1_800_000
    assert small.popularity.min() >= 0 and small.popularity.max() <= 100
    assert small.artist_popularity.min() >= 0 and small.artist_popularity.max() <= 100
    assert small.album_year.min() >= 1950 and small.album_year.max() <= 2024
    for date, year in zip(small.album_dates, small.album_year.tolist(), strict=True):
        assert re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", date) and date[:4] == str(year)


def test_features_correlate_like_real_ones(small: DemoCatalog) -> None:
    a = small.audio

    def corr(x: str, y: str) -> float:
        return float(np.corrcoef(a[x], a[y])[0, 1])

    assert corr("energy", "loudness") > 0.5
    assert corr("energy", "acousticness") < -0.4
    assert corr("valence", "danceability") > 0.2


def test_features_depend_on_genre(small: DemoCatalog) -> None:
    fam = small.track_family
    a = small.audio

    def mean(name: str, family: str) -> float:
        return float(a[name][fam == FAMILIES.index(family)].mean())

    assert mean("speechiness", "hip hop") > 2 * mean("speechiness", "jazz")
    assert mean("energy", "metal") > mean("energy", "folk") + 0.3
    assert mean("instrumentalness", "EDM") > 3 * mean("instrumentalness", "pop")
    assert mean("instrumentalness", "jazz") > 3 * mean("instrumentalness", "country")
    assert mean("acousticness", "folk") > mean("acousticness", "metal") + 0.4
    year = small.track_year
    assert (
        year[fam == FAMILIES.index("blues")].mean()
        < year[fam == FAMILIES.index("hip hop")].mean() - 20
    )


def test_artists_have_one_to_three_genres_mostly_in_one_family(small: DemoCatalog) -> None:
    genres = small.artist_genres
    count = (genres >= 0).sum(axis=1)
    assert count.min() == 1 and count.max() == 3
    assert (genres[:, 0] >= 0).all()  # known genres come first
    extra = genres[:, 1:]
    same_family = small.genre_family[extra[extra >= 0]]
    owners = np.repeat(small.artist_family[:, None], 2, axis=1)[extra >= 0]
    assert (same_family == owners).mean() > 0.7


def test_popularity_has_a_long_tail_and_tracks_follow_their_artist(small: DemoCatalog) -> None:
    followers = small.artist_followers
    assert followers.max() > 100 * np.median(followers)
    artist_pop = small.artist_popularity[small.track_artist]
    assert np.corrcoef(artist_pop, small.popularity)[0, 1] > 0.6


def test_some_tracks_have_featured_artists(small: DemoCatalog) -> None:
    share = (small.track_featured[:, 0] >= 0).mean()
    assert 0.02 < share < 0.1
    assert not (small.track_featured[:, 0] == small.track_artist).any()


def test_families_agree_with_the_project_mapping() -> None:
    by_name = {g.name: g.family for g in GENRES}
    by_name.update({name: by_name[base] for name, base in REGIONAL})
    wrong = {name: (family, family_of(name)) for name, family in by_name.items()}
    assert {k: v for k, v in wrong.items() if v[0] != v[1]} == {}


@pytest.mark.shared_data
def test_genre_names_are_real_spotify_genres(shared_data: Path) -> None:
    with (shared_data / "catalogs" / "genres_summary.csv").open(encoding="utf-8") as f:
        real = {row["genres"] for row in csv.DictReader(f)}
    names = [g.name for g in GENRES] + [name for name, _ in REGIONAL]
    # "americana" and "rocksteady" are Spotify genres too, absent from that older list
    assert [n for n in names if n not in real] == ["americana", "rocksteady"]

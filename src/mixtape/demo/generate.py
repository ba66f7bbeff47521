"""The demo catalog as arrays: artists, albums and tracks (playlists in ``playlists.py``).

Everything is drawn in bulk with numpy from streams derived from one seed,
so the same seed always gives the same catalog and a million tracks take
seconds.  Row ``i`` of every ``track_*`` array is the same track; tracks are
stored album by album, albums artist by artist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from mixtape.demo import names
from mixtape.demo.audio import audio_features
from mixtape.demo.sampling import demo_ids, segments, stream, weighted_in_segments
from mixtape.demo.taxonomy import FAMILIES, GENRES, PROFILES, REGIONAL, RELATED, Genre
from mixtape.errors import InputError

DEFAULT_SEED = 1
DEFAULT_TRACKS = 20_000
DEFAULT_PLAYLISTS = 5_000
MIN_TRACKS = 100
LAST_YEAR = 2024
FIRST_YEAR = 1950
FAMILY_INDEX = {name: i for i, name in enumerate(FAMILIES)}

#: Share of tracks with featured artists, by family (about 5% overall).
FEATURE_RATE = {"hip hop": 0.13, "latin": 0.12, "EDM": 0.10, "dance": 0.06, "pop": 0.05}
#: Popularity shift by family: pop and hip hop stream more than jazz and blues.
POPULARITY_SHIFT = {"pop": 8, "hip hop": 8, "latin": 4, "dance": 3, "jazz": -8, "blues": -8}


@dataclass(eq=False)
class DemoPlaylists:
    """Playlists as flat arrays: playlist ``p`` holds ``entries[offsets[p]:offsets[p+1]]``."""

    names: list[str]
    descriptions: list[str | None]
    offsets: np.ndarray  # (P+1,) int64
    entries: np.ndarray  # track rows, int32
    collaborative: np.ndarray  # bool
    modified_at: np.ndarray  # unix seconds, int64
    num_followers: np.ndarray
    num_edits: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def tracks_of(self, p: int) -> np.ndarray:
        return self.entries[self.offsets[p] : self.offsets[p + 1]]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)


@dataclass(eq=False)
class DemoCatalog:
    seed: int
    genres: list[Genre]
    genre_family: np.ndarray  # family row of each genre
    artist_ids: np.ndarray  # <U22
    artist_names: list[str]
    artist_genres: np.ndarray  # (A, 3) genre rows, -1 padded; column 0 is the main genre
    artist_family: np.ndarray  # family of the main genre
    artist_popularity: np.ndarray
    artist_followers: np.ndarray
    album_ids: np.ndarray
    album_names: list[str]
    album_artist: np.ndarray
    album_year: np.ndarray
    album_dates: list[str]
    track_ids: np.ndarray
    track_names: list[str]
    track_album: np.ndarray
    track_artist: np.ndarray  # main artist
    track_featured: np.ndarray  # (T, 2) featured artists, -1 padded
    track_genre: np.ndarray  # the genre the track sounds like (one of its artist's)
    track_number: np.ndarray
    explicit: np.ndarray
    popularity: np.ndarray
    audio: dict[str, np.ndarray]
    playlists: DemoPlaylists | None = field(default=None)

    @property
    def genre_names(self) -> list[str]:
        return [g.name for g in self.genres]

    @property
    def n_tracks(self) -> int:
        return len(self.track_ids)

    @property
    def track_year(self) -> np.ndarray:
        return self.album_year[self.track_album]

    @property
    def track_family(self) -> np.ndarray:
        """Family of each track's main artist."""
        return self.artist_family[self.track_artist]


def n_artists_for(n_tracks: int) -> int:
    return max(20, round(n_tracks / 10))


def select_genres(n_artists: int) -> list[Genre]:
    """The fine genres a catalog of this size uses: at least 3 per family, more as it grows.

    Genres are taken family by family in turns, biggest first, so every family
    is present; regional variants ("german pop") join only for big catalogs.
    """
    wanted = int(np.clip(n_artists // 12, 3 * len(FAMILIES), len(GENRES) + len(REGIONAL)))
    by_family = {
        f: sorted((g for g in GENRES if g.family == f), key=lambda g: -g.weight) for f in FAMILIES
    }
    ordered: list[Genre] = []
    depth = max(len(v) for v in by_family.values())
    for level in range(depth):
        ordered.extend(by_family[f][level] for f in FAMILIES if level < len(by_family[f]))
    base = {g.name: g for g in GENRES}
    ordered.extend(
        replace(base[of], name=name, weight=base[of].weight / 4) for name, of in REGIONAL
    )
    return ordered[:wanted]


@dataclass(eq=False)
class _Artists:
    ids: np.ndarray
    names: list[str]
    genres: np.ndarray
    family: np.ndarray
    popularity: np.ndarray
    followers: np.ndarray
    fame: np.ndarray  # latent: drives popularity, followers and number of tracks
    start: np.ndarray  # first release year


@dataclass(eq=False)
class _Albums:
    ids: np.ndarray
    names: list[str]
    artist: np.ndarray
    year: np.ndarray
    dates: list[str]
    sizes: np.ndarray
    genre: np.ndarray


def build_catalog(
    seed: int = DEFAULT_SEED,
    n_tracks: int = DEFAULT_TRACKS,
    on_step: Callable[[str], None] | None = None,
) -> DemoCatalog:
    """Artists, albums and tracks with audio features (no playlists)."""
    if n_tracks < MIN_TRACKS:
        raise InputError(f"a demo catalog needs at least {MIN_TRACKS} tracks, not {n_tracks}")
    step = on_step or (lambda _name: None)
    n_artists = n_artists_for(n_tracks)
    genres = select_genres(n_artists)
    genre_family = np.array([FAMILY_INDEX[g.family] for g in genres], dtype=np.int8)
    ar = _artists(seed, n_artists, genres, genre_family)
    used = np.unique(ar.genres[ar.genres >= 0])  # small catalogs leave some genres unused
    renumber = np.full(len(genres), -1, dtype=np.int16)
    renumber[used] = np.arange(len(used))
    ar.genres = np.where(ar.genres >= 0, renumber[ar.genres], -1).astype(np.int16)
    genres, genre_family = [genres[g] for g in used], genre_family[used]
    step("artists")
    al = _albums(seed, n_tracks, ar)
    step("albums")
    cat = DemoCatalog(
        seed=seed,
        genres=genres,
        genre_family=genre_family,
        artist_ids=ar.ids,
        artist_names=ar.names,
        artist_genres=ar.genres,
        artist_family=ar.family,
        artist_popularity=ar.popularity,
        artist_followers=ar.followers,
        album_ids=al.ids,
        album_names=al.names,
        album_artist=al.artist,
        album_year=al.year,
        album_dates=al.dates,
        **_tracks(seed, genres, genre_family, ar, al),
    )
    step("tracks")
    return cat


def _artists(seed: int, n: int, genres: list[Genre], genre_family: np.ndarray) -> _Artists:
    rng = stream(seed, "artists")
    weight = np.array([g.weight for g in genres])
    family_total = np.bincount(genre_family, weights=weight, minlength=len(FAMILIES))
    share = np.array([PROFILES[f].weight for f in FAMILIES])
    p = share[genre_family] * weight / family_total[genre_family]
    main = rng.choice(len(genres), size=n, p=p / p.sum())
    order, starts, ends = segments(genre_family.astype(np.int64), len(FAMILIES))
    cdf = np.cumsum(weight[order])
    # one artist per family first, so that even the smallest catalog has all 15
    every = np.arange(len(FAMILIES))
    main[every] = order[weighted_in_segments(rng, cdf, starts, ends, every)]
    family = genre_family[main]

    # 1-3 genres, extra ones mostly from the same family, else from a related one.
    related = np.array([([FAMILY_INDEX[r] for r in RELATED[f]] * 12)[:12] for f in FAMILIES])
    n_related = np.array([len(RELATED[f]) for f in FAMILIES])
    n_extra = rng.choice(3, size=n, p=[0.35, 0.40, 0.25])
    chosen = np.full((n, 3), -1, dtype=np.int16)
    chosen[:, 0] = main
    for slot in (1, 2):
        other = related[family, rng.integers(0, 12, n) % n_related[family]]
        target = np.where(rng.random(n) < 0.85, family, other)
        g = order[weighted_in_segments(rng, cdf, starts, ends, target)]
        dup = (g[:, None] == chosen).any(axis=1)
        chosen[:, slot] = np.where((slot <= n_extra) & ~dup, g, -1)
    # keep the known genres first: (main, x, -1) rather than (main, -1, x)
    chosen = np.take_along_axis(chosen, np.argsort(chosen < 0, axis=1, kind="stable"), axis=1)

    fame = rng.standard_normal(n)
    shift = np.array([POPULARITY_SHIFT.get(f, 0) for f in FAMILIES])[family]
    popularity = 25 + 14 * fame + 3 * np.maximum(fame, 0) ** 2 + shift + rng.normal(0, 3, n)
    followers = np.exp(5.5 + 2.6 * fame + rng.normal(0, 0.6, n))
    year_mean = np.array([PROFILES[g.family].year + g.year for g in genres])
    year_sd = np.array([g.year_sd or PROFILES[g.family].year_sd for g in genres])
    start = rng.normal(year_mean[main], year_sd[main])
    return _Artists(
        ids=demo_ids(seed, "artist", n),
        names=names.artist_names(rng, family),
        genres=chosen,
        family=family,
        popularity=np.clip(np.round(popularity), 0, 100).astype(np.int16),
        followers=np.round(followers).astype(np.int64),
        fame=fame,
        start=np.clip(np.round(start), FIRST_YEAR, LAST_YEAR - 1).astype(np.int16),
    )


def _albums(seed: int, n_tracks: int, ar: _Artists) -> _Albums:
    rng = stream(seed, "albums")
    n_artists = len(ar.fame)
    # Tracks per artist: everyone has one; famous artists have many more (long tail).
    weight = np.exp(0.7 * ar.fame + rng.normal(0, 0.5, n_artists))
    counts = 1 + rng.multinomial(n_tracks - n_artists, weight / weight.sum())
    # Album sizes: singles, EPs and LPs; an artist's last album takes what is left.
    kind = rng.random(n_tracks)
    ep, lp = rng.integers(3, 7, n_tracks), rng.integers(8, 17, n_tracks)
    pool = np.where(kind < 0.3, 1, np.where(kind < 0.5, ep, lp)).tolist()
    album_artist: list[int] = []
    album_size: list[int] = []
    k = 0
    for artist, count in enumerate(counts.tolist()):
        left = count
        while left > 0:
            size = min(pool[k], left)
            k += 1
            album_artist.append(artist)
            album_size.append(size)
            left -= size
    artist_of = np.array(album_artist, dtype=np.int32)
    n_albums = len(album_size)
    # Release years: a career begins at the artist's start year, then gaps of 0-4 years.
    gaps = rng.geometric(0.45, n_albums) - 1
    first = np.r_[True, artist_of[1:] != artist_of[:-1]]
    gaps[first] = 0
    run = np.cumsum(gaps)
    run -= np.maximum.accumulate(np.where(first, run, 0))
    year = np.minimum(ar.start[artist_of] + run, LAST_YEAR).astype(np.int16)
    month = rng.integers(1, 13, n_albums).tolist()
    day = rng.integers(1, 29, n_albums).tolist()
    year_only = (rng.random(n_albums) < np.where(year < 1980, 0.35, 0.02)).tolist()
    dates = [
        f"{y}" if yo else f"{y}-{m:02d}-{d:02d}"
        for y, m, d, yo in zip(year.tolist(), month, day, year_only, strict=True)
    ]
    # Each album sounds like one of its artist's genres, mostly the main one.
    known = (ar.genres[artist_of] >= 0).sum(axis=1)
    slot = np.where(rng.random(n_albums) < 0.65, 0, rng.integers(0, 3, n_albums) % known)
    return _Albums(
        ids=demo_ids(seed, "album", n_albums),
        names=names.album_names(rng, n_albums, [ar.names[i] for i in album_artist]),
        artist=artist_of,
        year=year,
        dates=dates,
        sizes=np.array(album_size, dtype=np.int32),
        genre=ar.genres[artist_of, slot].astype(np.int16),
    )


def _tracks(
    seed: int, genres: list[Genre], genre_family: np.ndarray, ar: _Artists, al: _Albums
) -> dict[str, Any]:
    rng = stream(seed, "tracks")
    n_artists = len(ar.ids)
    album = np.repeat(np.arange(len(al.sizes), dtype=np.int32), al.sizes)
    n = len(album)
    number = np.arange(n) - np.repeat(np.cumsum(al.sizes) - al.sizes, al.sizes) + 1
    artist = al.artist[album]
    genre = al.genre[album]
    year = al.year[album].astype(float)
    family = genre_family[genre]

    # Featured artists: from the main artist's family, famous ones more often.
    rate = np.array([FEATURE_RATE.get(f, 0.02) for f in FAMILIES])[ar.family[artist]]
    featured = np.full((n, 2), -1, dtype=np.int32)
    order, f_starts, f_ends = segments(ar.family.astype(np.int64), len(FAMILIES))
    cdf = np.cumsum(np.exp(ar.fame)[order])
    has = rng.random(n) < rate
    for slot, share in ((0, 1.0), (1, 0.2)):
        rows = np.flatnonzero(has & (rng.random(n) < share))
        guest = order[weighted_in_segments(rng, cdf, f_starts, f_ends, ar.family[artist[rows]])]
        ok = (guest != artist[rows]) & (guest != featured[rows, 0])
        featured[rows[ok], slot] = guest[ok]

    single = (al.sizes == 1)[album]
    popularity = (
        0.9 * ar.popularity[artist]
        + rng.normal(-2, 9, n)
        + 6 * single
        + 12 * (rng.random(n) < 0.08)
        - np.clip((2000 - year) * 0.25, 0, 12)
    )
    p_explicit = np.array([PROFILES[f].explicit for f in FAMILIES])[family]
    p_explicit = p_explicit * np.where(year >= 1990, 1.0, 0.15)
    p_explicit *= np.exp(rng.normal(0, 0.5, n_artists))[artist]
    titles = names.track_names(rng, n)
    tag = np.flatnonzero((featured[:, 0] >= 0) & (rng.random(n) < 0.4))
    for i in tag.tolist():
        titles[i] = f"{titles[i]} (feat. {ar.names[featured[i, 0]]})"
    # Singles are named after their song, as on Spotify.
    for i in np.flatnonzero(single).tolist():
        al.names[album[i]] = titles[i]
    return {
        "track_ids": demo_ids(seed, "track", n),
        "track_names": titles,
        "track_album": album,
        "track_artist": artist,
        "track_featured": featured,
        "track_genre": genre,
        "track_number": number.astype(np.int16),
        "explicit": rng.random(n) < np.minimum(p_explicit, 0.95),
        "popularity": np.clip(np.round(popularity), 0, 100).astype(np.int16),
        "audio": audio_features(rng, genres, genre, artist, n_artists, year),
    }

"""A tiny synthetic catalog whose right answers are known, shared read-only by the tests.

300 tracks in four obvious groups, one per quadrant of the mood plane, each
with its own genres (one genre family each), artists, era and audio profile:

====  ==========  =====================================  =================  =========
rows  group       genres                                 valence, energy    years
====  ==========  =====================================  =================  =========
0–74  dance pop   dance pop, electropop, pop             0.8, 0.8 (happy)   2010s
75–   metal       metal, thrash metal, speed metal       0.2, 0.85 (angry)  1985–1994
150–  folk        indie folk, chamber folk, folk         0.2, 0.2 (sad)     2000s
225–  ambient     ambient, dark ambient, space ambient   0.75, 0.2 (calm)   1975–1984
====  ==========  =====================================  =================  =========

Special rows (see :class:`Tiny`): the last five of each group have no audio
features (genres, year and playlists only); row 299 has nothing but a name,
an artist and playlists; rows 60–64 lack tempo and loudness; row 10 is in no
playlist; rows 0, 1 and 2 are together in eight playlists, all titled like
"Summer Hits" (``TOGETHER_TITLE``).  Sonic embeddings (16 dimensions, one centre per
group plus noise) exist exactly for the rows with audio features.  Playlists stay inside
a group, except six that mix dance pop with metal and six that mix folk with ambient.
Titles: each group's playlists are named after it in two spellings (``GROUP_TITLES``), the
mixed ones "pop and metal" / "folk & ambient", and the last playlist has no title.
Nothing in a test may modify these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from tests.factories.arrays import track_arrays

#: Constructor parameters the contract suite uses for a model on the tiny catalog
#: (models not listed here are built with their defaults).  Add yours.
CONTRACT_PARAMS: dict[str, dict[str, Any]] = {
    "audio": {"index": "exact"},
    "sonic": {"index": "exact"},
    "content": {"index": "exact"},
    "content-equal": {"index": "exact"},
    "mood": {},
    "clusters": {"n_clusters": 4},
    "genre-clusters": {"min_cluster_size": 5},
    "hybrid": {"content_params": {"index": "exact"}},
    "ease": {"min_count": 1, "l2": 10.0},
    "als": {"factors": 8, "iterations": 5, "threads": 1},
    "rerank": {
        "generator_params": {
            "hybrid": {"content_params": {"index": "exact"}},
            "ease": {"l2": 10.0},
        },
        "depth": 60,
        "rounds": 20,
        "threads": 1,
    },
}

GROUPS = ("dance pop", "metal", "folk", "ambient")
GROUP_GENRES: tuple[tuple[str, str, str], ...] = (
    ("dance pop", "electropop", "pop"),
    ("metal", "thrash metal", "speed metal"),
    ("indie folk", "chamber folk", "folk"),
    ("ambient", "dark ambient", "space ambient"),
)
#: (valence, energy) of each group's centre.
GROUP_MOOD = ((0.8, 0.8), (0.2, 0.85), (0.2, 0.2), (0.75, 0.2))
GROUP_SIZE = 75
#: Each group's playlist titles, alternating (the eight "together" ones are TOGETHER_TITLES').
GROUP_TITLES = (
    ("Dance Pop", "dance pop party!"),
    ("Metal", "METAL 🤘"),
    ("Folk", "sad folk"),
    ("Ambient", "ambient sleep"),
)
TOGETHER_TITLE = "summer hits"
TOGETHER_TITLES = ("Summer Hits ☀️", "summer hits!!")
N_TRACKS = 4 * GROUP_SIZE
ARTISTS_PER_GROUP = 10
SONIC_DIM = 16

# danceability, energy, key, loudness, mode, speechiness, acousticness,
# instrumentalness, liveness, valence, tempo, duration_ms, time_signature
_CENTRES = np.array(
    [
        [0.80, 0.80, 5, -5.0, 1, 0.08, 0.10, 0.00, 0.15, 0.80, 122, 200_000, 4],
        [0.40, 0.85, 5, -4.0, 1, 0.10, 0.02, 0.20, 0.30, 0.20, 150, 280_000, 4],
        [0.35, 0.20, 5, -14.0, 1, 0.04, 0.80, 0.10, 0.10, 0.20, 80, 240_000, 4],
        [0.30, 0.20, 5, -18.0, 1, 0.03, 0.90, 0.85, 0.10, 0.75, 95, 330_000, 4],
    ]
)
_SPREAD = np.array([0.05, 0.05, 0, 1.5, 0, 0.02, 0.05, 0.05, 0.04, 0.05, 6, 20_000, 0])
_YEARS = ((2010, 2019), (1985, 1994), (2000, 2009), (1975, 1984))
_POPULARITY = ((60, 90), (30, 60), (20, 50), (10, 40))


@dataclass(frozen=True)
class Tiny:
    """The tiny catalog and the facts about it that tests check against."""

    data: TrackArrays
    group: np.ndarray  # (n,) 0..3, the group of each track
    no_features: np.ndarray  # rows without audio features (genres, year, playlists only)
    bare: int  # the row with no features, genres, year or popularity at all
    no_history: int  # the row in no playlist (it has features)
    together: tuple[int, ...]  # rows planted together in eight playlists
    partial: np.ndarray  # rows with tempo and loudness unknown (otherwise complete)

    def rows_of(self, group: int) -> np.ndarray:
        return np.flatnonzero(self.group == group)

    def with_features(self, group: int) -> np.ndarray:
        """Rows of ``group`` with full audio features."""
        rows = self.rows_of(group)
        return rows[self.data.has_audio[rows]]


def make_tiny(seed: int = 0) -> Tiny:
    """Build the tiny catalog (deterministic for a given ``seed``)."""
    rng = np.random.default_rng(seed)
    n = N_TRACKS
    group = np.repeat(np.arange(4), GROUP_SIZE)

    audio = _CENTRES[group] + rng.standard_normal((n, len(AUDIO_COLUMNS))) * _SPREAD
    audio[:, 2] = rng.integers(0, 12, n)  # key
    audio[:, 4] = rng.integers(0, 2, n)  # mode
    for col in ("danceability", "energy", "speechiness", "acousticness"):
        j = AUDIO_COLUMNS.index(col)
        audio[:, j] = np.clip(audio[:, j], 0.0, 1.0)
    for col in ("instrumentalness", "liveness", "valence"):
        j = AUDIO_COLUMNS.index(col)
        audio[:, j] = np.clip(audio[:, j], 0.0, 1.0)
    audio = audio.astype(np.float32)
    no_features = np.concatenate(
        [np.arange(g * GROUP_SIZE + 70, (g + 1) * GROUP_SIZE) for g in range(4)]
    )
    audio[no_features] = np.nan
    partial = np.arange(60, 65)
    audio[partial, AUDIO_COLUMNS.index("tempo")] = np.nan
    audio[partial, AUDIO_COLUMNS.index("loudness")] = np.nan

    year = np.array([rng.integers(*_YEARS[g], endpoint=True) for g in group], dtype=np.float32)
    popularity = np.array(
        [rng.integers(*_POPULARITY[g], endpoint=True) for g in group], dtype=np.float32
    )
    year[[5, 80, 155]] = np.nan
    popularity[[6, 81, 230]] = np.nan

    # Artists: ten per group, track i of a group by artist i % 10; every seventh
    # track also features the next artist of its group.
    local = np.arange(n) % GROUP_SIZE
    primary = group * ARTISTS_PER_GROUP + local % ARTISTS_PER_GROUP
    artists = [[int(a)] for a in primary]
    for i in range(0, n, 7):
        artists[i].append(int(group[i] * ARTISTS_PER_GROUP + (local[i] + 1) % ARTISTS_PER_GROUP))
    artist_names = [
        f"{GROUPS[a // ARTISTS_PER_GROUP].title()} Artist {a % ARTISTS_PER_GROUP}"
        for a in range(4 * ARTISTS_PER_GROUP)
    ]

    # Genres: every track has its group's first genre and one or two of the others.
    genre_names = [g for names in GROUP_GENRES for g in names]
    genres: list[list[int]] = []
    for i in range(n):
        base = 3 * int(group[i])
        picks = {base} | {
            base + int(j) for j in rng.choice([1, 2], rng.integers(1, 3), replace=False)
        }
        genres.append(sorted(picks))

    bare = n - 1
    year[bare] = np.nan
    popularity[bare] = np.nan
    genres[bare] = []

    no_history = 10
    together = (0, 1, 2)
    baskets: list[list[int]] = []
    titles: list[str] = []
    for g in range(4):
        pool = rng.permutation(np.setdiff1d(np.flatnonzero(group == g), [no_history, *together]))
        for p in range(12):
            size = int(rng.integers(8, 16))
            picks = list(rng.choice(pool, size, replace=False))
            if g == 0 and p < 8:
                picks += list(together)
            baskets.append(picks)
            titles.append((TOGETHER_TITLES if g == 0 and p < 8 else GROUP_TITLES[g])[p % 2])
    for a, b in ((0, 1), (2, 3)):
        for _ in range(6):
            titles.append("pop and metal" if a == 0 else "folk & ambient")
            pool_a = np.setdiff1d(np.flatnonzero(group == a), [no_history])
            pool_b = np.flatnonzero(group == b)
            baskets.append(
                list(rng.choice(pool_a, 6, replace=False))
                + list(rng.choice(pool_b, 6, replace=False))
            )
    sonic = rng.standard_normal((4, SONIC_DIM))[group] + 0.5 * rng.standard_normal((n, SONIC_DIM))
    sonic[no_features] = np.nan
    sonic[bare] = np.nan
    baskets[-1].append(bare)  # the bare track has history in two playlists
    titles[-1] = ""
    baskets[12].append(bare)
    data = track_arrays(
        n,
        keys=[f"tiny{i:03d}" for i in range(n)],
        names=[f"{GROUPS[group[i]].title()} Song {i}" for i in range(n)],
        audio=audio,
        year=year,
        popularity=popularity,
        artists=artists,
        artist_names=artist_names,
        genres=genres,
        genre_names=genre_names,
        playlists=baskets,
        playlist_keys=[f"pl{p}" for p in range(len(baskets))],
        playlist_names=titles,
        fingerprint=f"tiny-{seed}",
        sonic=sonic,
    )
    return Tiny(
        data=data,
        group=group,
        no_features=np.union1d(no_features, [bare]),
        bare=bare,
        no_history=no_history,
        together=together,
        partial=partial,
    )

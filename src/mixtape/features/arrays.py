"""The catalog as arrays: what every model is fitted on.

:class:`TrackArrays` is a plain container, built from the catalog by
``mixtape.features.build`` (and by tests from hand-made arrays).  Row ``i``
of every per-track array is the same track; ``keys[i]`` is its natural key
(Spotify id or ``local:`` key).  Missing values are NaN.

Audio features come from the catalog's ``audio_features`` (a feature file,
Spotify or the demo) and, where that has no value for a column, from
``local_features`` (measured from the track's own audio file);
``feature_source`` records which, per track (:data:`FEATURE_SOURCES`).  The
``sonic`` embedding (one analyser's vectors) is ``(n, d)`` float32 with NaN
rows where a track has none, and ``(n, 0)`` when no track has one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from mixtape.features.songs import SongIds
from mixtape.vocab import AUDIO_FEATURES

#: Column order of ``TrackArrays.audio``: Spotify's audio features.
AUDIO_COLUMNS: tuple[str, ...] = AUDIO_FEATURES
#: The columns a track needs to take part in the audio models; the others are imputed.
#: Every source has these two (local analysis estimates them; it never measures
#: acousticness, valence, speechiness, instrumentalness or liveness).
AUDIO_REQUIRED: tuple[str, ...] = ("danceability", "energy")
#: What ``TrackArrays.feature_source`` codes mean: where a track's audio features came
#: from.  "mixed": a catalog, Spotify or demo row with columns filled by local analysis.
FEATURE_SOURCES: tuple[str, ...] = ("none", "catalog", "spotify", "demo", "local", "mixed")
SOURCE_NONE, SOURCE_CATALOG, SOURCE_SPOTIFY, SOURCE_DEMO, SOURCE_LOCAL, SOURCE_MIXED = range(6)


def _no_sonic() -> np.ndarray:
    return np.empty((0, 0), dtype=np.float32)


def _no_source() -> np.ndarray:
    return np.empty(0, dtype=np.uint8)


def _no_files() -> np.ndarray:
    return np.empty(0, dtype=bool)


@dataclass(eq=False)
class TrackArrays:
    keys: np.ndarray  # (n,) object: track keys
    names: np.ndarray  # (n,) object: track names ("" when unknown)
    audio: np.ndarray  # (n, 13) float32, NaN where missing, columns AUDIO_COLUMNS
    year: np.ndarray  # (n,) float32, NaN where unknown
    popularity: np.ndarray  # (n,) float32 0..100, NaN where unknown
    track_artists: sp.csr_matrix  # (n, n_artists) 1 where the artist is on the track
    artist_names: np.ndarray  # (n_artists,) object
    primary_artist: np.ndarray  # (n,) int32 row of the first artist, -1 if none
    track_genres: sp.csr_matrix  # (n, n_genres) float32: a track's own + its artists' genres
    genre_names: np.ndarray  # (n_genres,) object
    playlists: sp.csr_matrix  # (n_playlists, n) float32: 1 where the track is in the playlist
    playlist_keys: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    #: (n_playlists,) object: each playlist's title as given ("" when it has none); left
    #: empty by a caller, it becomes "" for every playlist.
    playlist_names: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    fingerprint: str = ""  # identifies the catalog state the arrays were built from
    sonic: np.ndarray = field(default_factory=_no_sonic)  # (n, d) float32, NaN rows: none
    sonic_analyser: str = ""  # the analyser whose embeddings ``sonic`` holds ("" if none)
    feature_source: np.ndarray = field(default_factory=_no_source)  # (n,) uint8 codes
    #: (n,) bool: the track has an audio file found ok (its path: the catalog's audio_files)
    has_file: np.ndarray = field(default_factory=_no_files)
    #: Which tracks are versions of one song (ids worked out per track on first need).
    songs: SongIds = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.keys)
        if self.sonic.size == 0 and self.sonic.shape[0] != n:
            self.sonic = np.empty((n, 0), dtype=np.float32)  # no embeddings: no memory
        if self.sonic.ndim != 2 or self.sonic.shape[0] != n:
            raise ValueError(f"sonic must have {n} rows, got {self.sonic.shape}")
        if len(self.feature_source) == 0 and n:  # hand-made arrays: audio from a catalog
            known = ~np.isnan(self.audio).all(axis=1)
            self.feature_source = np.where(known, SOURCE_CATALOG, SOURCE_NONE).astype(np.uint8)
        if len(self.feature_source) != n:
            raise ValueError(f"feature_source must have {n} rows")
        if len(self.has_file) == 0 and n:
            self.has_file = np.zeros(n, dtype=bool)
        if len(self.has_file) != n:
            raise ValueError(f"has_file must have {n} rows")
        if self.audio.shape != (n, len(AUDIO_COLUMNS)):
            raise ValueError(f"audio must be ({n}, {len(AUDIO_COLUMNS)}), got {self.audio.shape}")
        for name in ("names", "year", "popularity", "primary_artist"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} must have {n} rows")
        if self.track_artists.shape[0] != n or self.track_genres.shape[0] != n:
            raise ValueError("track_artists and track_genres must have one row per track")
        if self.playlists.shape[1] != n:
            raise ValueError("playlists must have one column per track")
        n_playlists = self.playlists.shape[0]
        if not len(self.playlist_names):
            self.playlist_names = np.full(n_playlists, "", dtype=object)
        elif len(self.playlist_names) != n_playlists:
            raise ValueError(f"playlist_names must have {n_playlists} rows")
        self.songs = SongIds(self.primary_artist, self.names)

    @property
    def n_tracks(self) -> int:
        return len(self.keys)

    def column(self, name: str) -> np.ndarray:
        """One audio feature (or ``year``/``popularity``) as a float array."""
        if name == "year":
            return self.year
        if name == "popularity":
            return self.popularity
        return self.audio[:, AUDIO_COLUMNS.index(name)]

    @property
    def has_audio(self) -> np.ndarray:
        """Tracks with an audio description: danceability and energy known
        (:data:`AUDIO_REQUIRED`, which feature files, Spotify and local analysis all give).

        Audio models use these; other missing columns are imputed with the catalog's
        mean (a standardized 0), so a locally analysed track is compared on what was
        measured (tempo, key, mode, loudness, duration, the estimates of energy and
        danceability) and is neutral on acousticness, valence and the rest.
        """
        cols = [AUDIO_COLUMNS.index(c) for c in AUDIO_REQUIRED]
        return ~np.isnan(self.audio[:, cols]).any(axis=1)

    @functools.cached_property
    def any_files(self) -> bool:
        """Whether any track has an audio file (computed once)."""
        return bool(self.has_file.any())

    @functools.cached_property
    def has_sonic(self) -> np.ndarray:
        """Tracks with a sonic embedding, (n,) bool (computed once)."""
        if self.sonic.shape[1] == 0:
            return np.zeros(self.n_tracks, dtype=bool)
        return ~np.isnan(self.sonic).any(axis=1)

    @property
    def has_mood(self) -> np.ndarray:
        """Tracks with valence and energy known."""
        return ~np.isnan(self.column("valence")) & ~np.isnan(self.column("energy"))

    @functools.cached_property
    def _by_artist(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.primary_artist, kind="stable")
        counts = np.bincount(self.primary_artist + 1, minlength=len(self.artist_names) + 1)
        return order, np.concatenate([[0], np.cumsum(counts)])

    @functools.cached_property
    def playlist_counts(self) -> np.ndarray:
        """How many playlists each track is in, (n,) int64: one count over the playlist
        matrix on first use (a column slice per track costs ~0.1 s at the MPD's 66M entries)."""
        m = self.playlists.tocsr()
        return np.bincount(m.indices[m.data != 0], minlength=self.n_tracks)

    def artist_rows(self, artist: int) -> np.ndarray:
        """Rows whose primary artist is ``artist`` (an index built once, on first use)."""
        order, starts = self._by_artist
        return order[starts[artist + 1] : starts[artist + 2]]

    def row_of(self) -> dict[str, int]:
        """key → row (build once; O(n))."""
        return {str(k): i for i, k in enumerate(self.keys)}

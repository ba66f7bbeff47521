"""TrackArrays built by hand: one builder with plain defaults, and one from named tracks.

Every test that needs arrays without a database builds them here (or takes
the tiny catalog of :mod:`tests.factories.tiny`), so a change to
:class:`~mixtape.features.arrays.TrackArrays` is made in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays

#: Per track: one artist (its column), or a list of artist columns, the first one primary.
Artists = Sequence[int] | np.ndarray | Sequence[Sequence[int]]
#: Per track a list of columns, or a dense ``(n, columns)`` matrix.
Members = Sequence[Sequence[int]] | np.ndarray


def track_arrays(
    n: int,
    *,
    keys: Sequence[str] | None = None,
    key_prefix: str = "t",
    names: Sequence[str] | None = None,
    audio: float | np.ndarray = 0.5,
    year: float | Sequence[float] | np.ndarray = 2000,
    popularity: float | Sequence[float] | np.ndarray = 50,
    artists: Artists | None = None,
    artist_names: Sequence[str] | None = None,
    genres: Members | None = None,
    genre_names: Sequence[str] | None = None,
    playlists: Members = (),
    playlist_keys: Sequence[str] | None = None,
    playlist_names: Sequence[str] | None = None,
    fingerprint: str = "",
) -> TrackArrays:
    """``n`` tracks with everything a test does not give set to a plain default.

    Defaults: keys ``t0, t1, ...`` (``key_prefix``), names ``Song 0, ...``, every
    audio feature 0.5 (``audio`` may give all 13 columns, or only the first few:
    the rest stay 0.5; NaN means unknown), year 2000, popularity 50, one artist of
    its own per track (``A0, ...``), no genres, no playlists.  ``genres`` are
    per-track column lists or a dense matrix (names ``genre 0, ...`` unless
    given); ``playlists`` are member-row lists or a dense ``(playlists, n)``
    matrix (kept as 0/1), ``playlist_names`` their titles ("" each unless given).
    """
    full = np.full((n, len(AUDIO_COLUMNS)), 0.5, dtype=np.float32)
    if np.isscalar(audio):
        full[:] = audio
    else:
        given = np.asarray(audio, dtype=np.float32)
        full[:, : given.shape[1]] = given

    lists = _artist_lists(n, artists)
    if artist_names is None:
        artist_names = [f"A{a}" for a in range(_width(lists))]
    track_artists = _rows_matrix(lists, (n, len(artist_names)))

    if genres is None:
        genre_matrix = sp.csr_matrix((n, len(genre_names or ())), dtype=np.float32)
    elif isinstance(genres, np.ndarray):
        genre_matrix = sp.csr_matrix(genres.astype(np.float32))
    else:
        width = len(genre_names) if genre_names is not None else _width(genres)
        genre_matrix = _rows_matrix(genres, (n, width))
    if genre_names is None:
        genre_names = [f"genre {g}" for g in range(genre_matrix.shape[1])]

    if isinstance(playlists, np.ndarray):
        playlist_matrix = sp.csr_matrix((playlists != 0).astype(np.float32))
    else:
        playlist_matrix = _rows_matrix(playlists, (len(playlists), n))

    return TrackArrays(
        keys=np.array(keys if keys is not None else [f"{key_prefix}{i}" for i in range(n)], object),
        names=np.array(names if names is not None else [f"Song {i}" for i in range(n)], object),
        audio=full,
        year=_column(year, n),
        popularity=_column(popularity, n),
        track_artists=track_artists,
        artist_names=np.array(artist_names, dtype=object),
        primary_artist=np.array([row[0] if len(row) else -1 for row in lists], dtype=np.int32),
        track_genres=genre_matrix,
        genre_names=np.array(genre_names, dtype=object),
        playlists=playlist_matrix,
        playlist_keys=np.array(playlist_keys if playlist_keys is not None else [], dtype=object),
        playlist_names=np.array(playlist_names if playlist_names is not None else [], dtype=object),
        fingerprint=fingerprint,
    )


def hand_arrays(
    tracks: Sequence[tuple[str, str, Sequence[str]]],
    playlists: Sequence[tuple[str, Sequence[int]]] = (),
    *,
    audio: np.ndarray | None = None,
    popularity: Sequence[float] | None = None,
) -> TrackArrays:
    """Arrays from (key, name, artist names) triples and (key, member rows) playlists.

    The first artist of a track is its primary one; audio, year and popularity
    are unknown (NaN) unless given; there are no genres.
    """
    artists = list(dict.fromkeys(a for _, _, names in tracks for a in names))
    column = {a: i for i, a in enumerate(artists)}
    return track_arrays(
        len(tracks),
        keys=[key for key, _, _ in tracks],
        names=[name for _, name, _ in tracks],
        audio=audio if audio is not None else np.nan,
        year=np.nan,
        popularity=popularity if popularity is not None else np.nan,
        artists=[[column[a] for a in names] for _, _, names in tracks],
        artist_names=artists,
        playlists=[members for _, members in playlists],
        playlist_keys=[key for key, _ in playlists],
    )


def _artist_lists(n: int, artists: Artists | None) -> list[list[int]]:
    if artists is None:
        return [[i] for i in range(n)]
    return [[int(a)] if isinstance(a, int | np.integer) else [int(x) for x in a] for a in artists]


def _width(lists: Sequence[Sequence[int]]) -> int:
    """Columns enough for the largest one listed."""
    return max((int(c) for row in lists for c in row), default=-1) + 1


def _rows_matrix(lists: Sequence[Sequence[int]], shape: tuple[int, int]) -> sp.csr_matrix:
    """A 0/1 float32 matrix with ones at ``lists[row]`` (duplicates count once)."""
    rows = [r for r, cols in enumerate(lists) for _ in cols]
    cols = [int(c) for row in lists for c in row]
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape, dtype=np.float32
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _column(value: float | Sequence[float] | np.ndarray, n: int) -> np.ndarray:
    if np.isscalar(value):
        return np.full(n, value, dtype=np.float32)
    return np.asarray(value, dtype=np.float32)

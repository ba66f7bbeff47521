"""Controls shared by every model: exclusions, per-artist caps, attribute filters and targets.

What Spotify's old recommendations endpoint offered (``min_*``, ``max_*``,
``target_*`` for energy, valence, tempo, danceability, acousticness,
popularity, year) applied after scoring, identically for every model.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.features.songs import NO_SONG
from mixtape.keys import song_title_key

#: A song as recommendations de-duplicate it: (primary artist row, title key).
Song = tuple[int, str]

#: Attributes that take min/max/target, with their natural spread (for targets).
ATTRIBUTES: dict[str, float] = {
    "energy": 1.0,
    "valence": 1.0,
    "danceability": 1.0,
    "acousticness": 1.0,
    "tempo": 100.0,
    "popularity": 100.0,
    "year": 50.0,
}


@dataclass(frozen=True)
class Bound:
    min: float | None = None
    max: float | None = None
    target: float | None = None


@dataclass(frozen=True)
class Controls:
    """How to filter and shape a list of recommendations.

    ``exclude`` holds track rows never to recommend (e.g. the user's library);
    the seeds are excluded too unless ``exclude_seeds`` is False.  With
    ``one_per_song`` (the default) a list holds one version of each song (same
    primary artist and title, see :func:`mixtape.keys.song_title_key`), and
    other releases of an excluded track or a seed are excluded with it.
    ``target_weight``: how strongly a target pulls (score -= weight * |x - target|
    / spread).
    """

    exclude: frozenset[int] = frozenset()
    exclude_seeds: bool = True
    max_per_artist: int | None = None
    one_per_song: bool = True
    bounds: Mapping[str, Bound] = field(default_factory=dict)
    target_weight: float = 0.5

    def __post_init__(self) -> None:
        for name in self.bounds:
            if name not in ATTRIBUTES:
                raise InputError(
                    f"unknown attribute {name!r} for min/max/target",
                    hint="use one of " + ", ".join(ATTRIBUTES),
                )
        if self.max_per_artist is not None and self.max_per_artist < 1:
            raise InputError(
                f"at most {self.max_per_artist} per artist: give at least 1",
                field="max_per_artist",
            )

    @property
    def has_targets(self) -> bool:
        return any(b.target is not None for b in self.bounds.values())


def allowed_mask(
    data: TrackArrays,
    controls: Controls,
    seeds: Iterable[int] = (),
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of rows that may be recommended (filters and exclusions).

    With ``rows``, the mask of those rows only (``mask[i]`` for ``rows[i]``):
    cheaper than the whole catalog when a search returned a few candidates.
    """
    mask = within_bounds(data, controls, rows)
    excluded = excluded_rows(controls, seeds)
    if excluded:
        gone = np.fromiter(excluded, dtype=np.int64)
        if rows is None:
            mask[gone] = False
        else:
            mask &= ~_among(rows, gone)
        if controls.one_per_song:
            _exclude_same_songs(data, excluded, mask, rows)
    return mask


def within_bounds(data: TrackArrays, controls: Controls, rows: np.ndarray | None) -> np.ndarray:
    """Boolean mask of the rows (all, or ``rows``) within the min/max filters."""
    mask = np.ones(data.n_tracks if rows is None else len(rows), dtype=bool)
    for name, bound in controls.bounds.items():
        col = data.column(name) if rows is None else data.column(name)[rows]
        if bound.min is not None:
            mask &= col >= bound.min  # NaN compares False: unknown values are filtered out
        if bound.max is not None:
            mask &= col <= bound.max
    return mask


def excluded_rows(controls: Controls, seeds: Iterable[int]) -> set[int]:
    """The rows never to recommend: ``exclude``, and the seeds unless ``exclude_seeds`` is False."""
    excluded = set(controls.exclude)
    if controls.exclude_seeds:
        excluded.update(seeds)
    return excluded


def _among(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``np.isin(values, wanted)``; for a few wanted values (a seed or two) as comparisons,
    which cost a tenth of ``isin``'s sort on a search's few dozen candidates."""
    if not 0 < len(wanted) <= 16:
        return np.isin(values, wanted)
    found = values == wanted[0]
    for value in wanted[1:].tolist():
        found |= values == value
    return found


def for_parts(controls: Controls, seeds: Iterable[int]) -> Controls:
    """What the parts of a combined model (hybrid, rerank) are asked under: the exclusions
    (the seeds named, when they are excluded) and the min/max filters; the per-artist cap
    and the targets apply once, to the combined list."""
    excluded = set(controls.exclude)
    if controls.exclude_seeds:
        excluded.update(int(s) for s in seeds)
    return Controls(
        exclude=frozenset(excluded),
        exclude_seeds=controls.exclude_seeds,
        one_per_song=controls.one_per_song,
        bounds={k: Bound(min=b.min, max=b.max) for k, b in controls.bounds.items()},
    )


def song_of(data: TrackArrays, row: int) -> Song | None:
    """The song a row is a version of; None without a primary artist or a name.

    Two rows have the same song here exactly when ``data.songs`` gives them the same id
    (:class:`mixtape.features.songs.SongIds`, what the controls compare)."""
    artist = int(data.primary_artist[row])
    name = data.names[row]
    if artist < 0 or not name:
        return None
    return artist, song_title_key(str(name))


def _songs_of(data: TrackArrays, rows: Collection[int]) -> set[int]:
    """The song ids of ``rows``, without :data:`NO_SONG`."""
    songs = set(data.songs.of_rows(rows))
    songs.discard(NO_SONG)
    return songs


def _exclude_same_songs(
    data: TrackArrays, excluded: Collection[int], mask: np.ndarray, rows: np.ndarray | None
) -> None:
    """Clear ``mask`` where a row is another version of an excluded row's song."""
    songs = _songs_of(data, excluded)
    if not songs:
        return
    if rows is None:
        artists = {int(data.primary_artist[r]) for r in excluded if data.songs.of(r) != NO_SONG}
        for artist in artists:
            same = data.artist_rows(artist).tolist()
            for row, song in zip(same, data.songs.of_rows(same), strict=True):
                if song in songs:
                    mask[row] = False
        return
    for i, song in enumerate(data.songs.of_rows(rows.tolist())):
        if song in songs:
            mask[i] = False


class Picker:
    """Admits candidate rows in rank order: one version of each song (with
    ``one_per_song``) and at most ``max_per_artist`` tracks per artist.

    With ``one_per_song``, the songs of ``excluded`` rows count as taken: their other
    versions are never admitted (:func:`allowed_mask`'s rule, for candidates not
    checked against it).
    """

    def __init__(
        self, data: TrackArrays, controls: Controls, excluded: Collection[int] = ()
    ) -> None:
        self.data = data
        self.cap = controls.max_per_artist
        self.one_per_song = controls.one_per_song
        self.per_artist: dict[int, int] = {}
        #: Song ids taken (:attr:`TrackArrays.songs`), never :data:`NO_SONG`.
        self.songs = _songs_of(data, excluded) if self.one_per_song and excluded else set()

    def admit(self, row: int) -> bool:
        song = self.data.songs.of(row) if self.one_per_song else NO_SONG
        artist = -1 if self.cap is None else int(self.data.primary_artist[row])
        return self._admit(song, artist)

    def _admit(self, song: int, artist: int) -> bool:
        """Admit a row by its song id and primary artist (-1: none, or none to count)."""
        if song in self.songs:
            return False
        if artist >= 0 and self.cap is not None:
            count = self.per_artist.get(artist, 0)
            if count >= self.cap:
                return False
            self.per_artist[artist] = count + 1
        if song != NO_SONG:
            self.songs.add(song)
        return True

    def take(
        self, rows: np.ndarray, scores: np.ndarray, n: int, skip: Container[int] = ()
    ) -> list[tuple[int, float]]:
        """The best ``n`` of ``rows`` not in ``skip`` that the picker admits, by score
        (descending), ties to the lower row.

        Each row's song id is looked up only when the row is reached (assigning one
        costs a title's folding); the artists come as one list (a numpy scalar per row
        costs more).
        """
        out: list[tuple[int, float]] = []
        if len(rows) == 0 or n <= 0:
            return out
        order = np.lexsort((rows, -scores))
        rows, scores = rows[order], scores[order]
        songs = self.data.songs
        known = songs.known
        artists = None if self.cap is None else self.data.primary_artist[rows].tolist()
        for i, (row, score) in enumerate(zip(rows.tolist(), scores.tolist(), strict=True)):
            if row in skip:
                continue
            song = NO_SONG
            if self.one_per_song:
                song = known[row]
                if song is None:
                    song = songs.of(row)
            if not self._admit(song, -1 if artists is None else artists[i]):
                continue
            out.append((row, score))
            if len(out) == n:
                break
        return out


def target_penalty(data: TrackArrays, controls: Controls) -> np.ndarray | None:
    """Per-row penalty for distance to the targets (None when there are none)."""
    if not controls.has_targets:
        return None
    penalty = np.zeros(data.n_tracks, dtype=np.float32)
    for name, bound in controls.bounds.items():
        if bound.target is None:
            continue
        col = data.column(name)
        dist = np.abs(col - bound.target) / ATTRIBUTES[name]
        penalty += np.nan_to_num(dist, nan=1.0).astype(np.float32)
    return controls.target_weight * penalty


def apply_targets(
    rows: np.ndarray, scores: np.ndarray, data: TrackArrays, controls: Controls
) -> np.ndarray:
    """Scores of ``rows`` after target penalties (unchanged without targets)."""
    penalty = target_penalty(data, controls)
    if penalty is None:
        return scores
    return scores - penalty[rows]


def select(
    rows: np.ndarray,
    scores: np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
    mask: np.ndarray,
) -> list[tuple[int, float]]:
    """The best ``n`` allowed rows by score (descending), one version of a song each,
    honouring the per-artist cap (:class:`Picker`).

    ``rows``/``scores`` are candidates in any order; ties break by row for
    reproducibility.
    """
    keep = mask[rows]
    return Picker(data, controls).take(rows[keep], scores[keep], n)

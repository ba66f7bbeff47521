"""Controls shared by every model: exclusions, per-artist caps, attribute filters and targets.

What Spotify's old recommendations endpoint offered (``min_*``, ``max_*``,
``target_*`` for energy, valence, tempo, danceability, acousticness,
popularity, year) applied after scoring, identically for every model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
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
    mask = np.ones(data.n_tracks if rows is None else len(rows), dtype=bool)
    for name, bound in controls.bounds.items():
        col = data.column(name) if rows is None else data.column(name)[rows]
        if bound.min is not None:
            mask &= col >= bound.min  # NaN compares False: unknown values are filtered out
        if bound.max is not None:
            mask &= col <= bound.max
    excluded = set(controls.exclude)
    if controls.exclude_seeds:
        excluded.update(seeds)
    if excluded:
        gone = np.fromiter(excluded, dtype=np.int64)
        if rows is None:
            mask[gone] = False
        else:
            mask &= ~_among(rows, gone)
        if controls.one_per_song:
            _exclude_same_songs(data, excluded, mask, rows)
    return mask


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
    """The song a row is a version of; None without a primary artist or a name."""
    artist = int(data.primary_artist[row])
    name = data.names[row]
    if artist < 0 or not name:
        return None
    return artist, song_title_key(str(name))


def _exclude_same_songs(
    data: TrackArrays, excluded: Iterable[int], mask: np.ndarray, rows: np.ndarray | None
) -> None:
    """Clear ``mask`` where a row is another version of an excluded row's song."""
    songs = {song for r in excluded if (song := song_of(data, r)) is not None}
    if not songs:
        return
    if rows is None:
        for artist in {a for a, _ in songs}:
            for row in data.artist_rows(artist).tolist():
                if mask[row] and song_of(data, row) in songs:
                    mask[row] = False
        return
    artists = np.fromiter({a for a, _ in songs}, dtype=np.int64)
    for i in np.flatnonzero(mask & _among(data.primary_artist[rows], artists)).tolist():
        if song_of(data, int(rows[i])) in songs:
            mask[i] = False


class Picker:
    """Admits candidate rows in rank order: one version of each song (with
    ``one_per_song``) and at most ``max_per_artist`` tracks per artist."""

    def __init__(self, data: TrackArrays, controls: Controls) -> None:
        self.data = data
        self.cap = controls.max_per_artist
        self.one_per_song = controls.one_per_song
        self.per_artist: dict[int, int] = {}
        self.songs: set[Song] = set()

    def admit(self, row: int) -> bool:
        song = song_of(self.data, row) if self.one_per_song else None
        if song is not None and song in self.songs:
            return False
        if self.cap is not None:
            artist = int(self.data.primary_artist[row])
            if artist >= 0:
                if self.per_artist.get(artist, 0) >= self.cap:
                    return False
                self.per_artist[artist] = self.per_artist.get(artist, 0) + 1
        if song is not None:
            self.songs.add(song)
        return True


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
    rows, scores = rows[keep], scores[keep]
    if len(rows) == 0 or n <= 0:
        return []
    order = np.lexsort((rows, -scores))
    picker = Picker(data, controls)
    out: list[tuple[int, float]] = []
    # As Python numbers: a numpy scalar per element costs more than the list.
    for row, score in zip(rows[order].tolist(), scores[order].tolist(), strict=True):
        if not picker.admit(row):
            continue
        out.append((row, score))
        if len(out) == n:
            break
    return out

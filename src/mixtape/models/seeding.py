"""How models name tracks and refuse seeds they cannot use.

One way to label a track in reasons and messages (:func:`track_label`), and
one seed check that names the seeds a model cannot use (:func:`refuse_unservable`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mixtape.errors import SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender, Seeds


def track_label(data: TrackArrays, row: int) -> str:
    """``'Name'`` for reasons and messages (the key when the name is unknown)."""
    name = str(data.names[row]) if data.names[row] else ""
    return f"'{name}'" if name else str(data.keys[row])


def unique_rows(rows: Sequence[int]) -> list[int]:
    """Rows without repeats, first occurrence first."""
    return list(dict.fromkeys(int(r) for r in rows))


def refuse_unservable(
    model: Recommender,
    seeds: Seeds,
    data: TrackArrays,
    one: str,
    many: str,
    hint: str,
) -> None:
    """SeedError naming the seed(s) when the model can use none of them.

    The base class's message only knows how many seeds there were; this one
    names them: ``track 'Song A' {one}`` or ``none of the 3 seeds ('Song A',
    'Song B', 'Song C') {many}``.
    """
    if seeds.point is not None:
        return  # a point on the mood plane: the model or the base class judges it
    rows = unique_rows(seeds.rows)
    if not rows or not all(0 <= r < data.n_tracks for r in rows):
        return  # nothing to say, or out of range: the base class reports that
    if model.can_serve(np.asarray(rows, dtype=np.int64)).any():
        return
    if len(rows) == 1:
        raise SeedError(f"track {track_label(data, rows[0])} {one}", hint=hint)
    names = ", ".join(track_label(data, r) for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
    raise SeedError(f"none of the {len(rows)} seeds ({names}) {many}", hint=hint)


class NeedsAudioSeeds(Recommender):
    """Seed checks shared by the cluster models: a seed must have audio features."""

    def cannot_serve_reason(self, n_seeds: int) -> str:
        which = "this seed has no" if n_seeds == 1 else f"none of the {n_seeds} seeds has"
        return f"{which} audio features, so the {self.name} model cannot place it in a cluster"

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        refuse_unservable(
            self,
            seeds,
            data,
            f"has no audio features, so the {self.name} model cannot place it in a cluster",
            f"has audio features, so the {self.name} model cannot place them in clusters",
            "try the cooccurrence or hybrid model",
        )
        super()._validate(seeds, data)

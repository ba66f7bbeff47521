"""Drawing a list from ranked lists by quota: each list gives its share of the seats.

The cluster models give each seeded cluster (``clusters``) or each seed's
cluster in each of its families (``genre-clusters``) a share of the ``n``
recommendations, by largest remainder, and pass the seats of a list that runs
short on to the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

import numpy as np

from mixtape.features.arrays import TrackArrays
from mixtape.models.controls import Controls, Picker


def largest_remainder(weights: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` seats in proportion to integer ``weights`` (Hamilton's method).

    Each gets ``floor(n * w / W)``; the seats left over go to the largest
    remainders (ties: the larger weight, then the earlier entry).  Exact integer
    arithmetic, so the result always sums to ``n`` (when any weight is positive);
    an ``n`` so large that ``n * w`` leaves int64 gets Python integers (dtype object).
    """
    w = np.asarray(weights, dtype=np.int64)
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    total = int(w.sum())
    if total == 0 or n <= 0:
        return np.zeros(len(w), dtype=np.int64)
    if n > np.iinfo(np.int64).max // int(w.max()):
        seats = np.array([n * x // total for x in w.tolist()], dtype=object)
        remainder = np.array([n * x % total for x in w.tolist()], dtype=np.int64)
    else:
        seats = (n * w) // total
        remainder = (n * w) % total
    left = n - int(seats.sum())
    order = np.lexsort((np.arange(len(w)), -w, -remainder))
    seats[order[:left]] += 1
    return seats


class RankedLists(Protocol):
    """Ranked row arrays by index; a plain list of arrays, or one computed on demand."""

    def __getitem__(self, i: int, /) -> np.ndarray: ...


class Taken(NamedTuple):
    positions: list[list[int]]  # per list, the positions taken (in order)
    exhausted: list[bool]  # per list, whether it was read to the end


def draw_by_quota(
    ranked: RankedLists,
    weights: Sequence[int] | np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
) -> Taken:
    """Take ``n`` rows from ranked lists, as many from each as its share of ``weights``.

    ``ranked[i]`` holds allowed rows, best first.  A row already taken from
    another list is skipped, and so is another version of a song already taken
    or one whose artist has reached ``controls.max_per_artist`` (:class:`Picker`).
    When a list runs out before its quota, the seats it could not fill go to
    the lists that still have rows, again in
    proportion to their weights.  ``ranked[i]`` is only read once list ``i``
    gets a seat, so ``ranked`` may be a lazy sequence (many lists, few seats).
    """
    w = np.asarray(weights, dtype=np.int64)
    taken_pos: list[list[int]] = [[] for _ in range(len(w))]
    pointer = [0] * len(w)
    length: dict[int, int] = {}  # lists read so far -> their length
    active = w > 0
    taken: set[int] = set()
    picker = Picker(data, controls)
    remaining = n
    while remaining > 0 and active.any():
        quotas = largest_remainder(np.where(active, w, 0), remaining)
        for i in np.flatnonzero(quotas).tolist():
            want, rows = int(quotas[i]), ranked[i]
            length[i] = len(rows)
            while want > 0 and pointer[i] < len(rows):
                row = int(rows[pointer[i]])
                pointer[i] += 1
                if row in taken or not picker.admit(row):
                    continue
                taken.add(row)
                taken_pos[i].append(pointer[i] - 1)
                want -= 1
            if pointer[i] >= len(rows):
                active[i] = False
        remaining = n - len(taken)
    exhausted = [i in length and pointer[i] >= length[i] for i in range(len(w))]
    return Taken(taken_pos, exhausted)

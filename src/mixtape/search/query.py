"""A query of the exact index, in the index's parts (see :mod:`mixtape.search.exact`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Query:
    """A query vector split like the index's vectors: a dense part, one-hot blocks and a
    sparse part, plus what the index derives from them once per query."""

    dense: np.ndarray  # (d,) float32
    onehots: list[np.ndarray] = field(default_factory=list)  # per categorical block, (buckets,)
    sparse: tuple[np.ndarray, np.ndarray] | None = None  # (columns, values)
    table: np.ndarray | None = None  # (groups,) float32, derived from onehots
    genre: np.ndarray | None = None  # (signatures,) genre scores, derived from sparse
    genre_sigs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sharing: tuple[np.ndarray, np.ndarray] | None = None  # positions with a genre score, scores
    #: What a single track's group gives every query from it, when the index knows it: the
    #: one-hot blocks end to end (float32) and their squared length, summed as ``norm`` sums.
    onehot: np.ndarray | None = None
    onehot_norm2: float | None = None

    @functools.cached_property
    def norm(self) -> float:
        """The length of the whole vector (dense, one-hot and sparse parts; computed once:
        a query's parts do not change once built)."""
        onehots = self.onehot_norm2
        if onehots is None:
            onehots = sum(float(v @ v) for v in self.onehots)
        total = float(self.dense @ self.dense) + onehots
        if self.sparse is not None:
            total += float(self.sparse[1] @ self.sparse[1])
        return float(np.sqrt(total))

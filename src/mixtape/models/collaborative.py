"""What the playlist-trained candidate models share (``rp3beta``, ``ease``, ``als``).

* :func:`binary_baskets`: the (playlists × tracks) 0/1 matrix they learn from.
* :func:`check_format`: the saved state's format number, refused when it is another.
* :class:`ScoredItemsModel`: serving for a model that scores a set of tracks
  (``items_``) densely from the seeds, ``ease`` (the pruned catalog) and
  ``als`` (every track in a playlist).  It is the ``cooccurrence`` model's
  serving (controls, scores divided by the best, popular tracks filling a
  short list, reasons counting shared playlists) with the candidate scores,
  the usable seeds and the filling limited to ``items_``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Scored, Seeds
from mixtape.models.controls import Controls
from mixtape.models.cooccurrence import CooccurrenceModel
from mixtape.models.seeding import refuse_unservable, track_label, unique_rows


def binary_baskets(data: TrackArrays) -> sp.csr_matrix:
    """The (playlists × tracks) matrix as float64 0/1 (a basket holds a track or not)."""
    baskets = sp.csr_matrix(data.playlists, dtype=np.float64)
    baskets.data = (baskets.data != 0).astype(np.float64)
    baskets.eliminate_zeros()
    return baskets


def check_format(name: str, state: dict[str, np.ndarray], expected: int) -> None:
    """InputError unless ``state`` was saved in format ``expected`` (the model cache refits)."""
    found = int(state["format"]) if "format" in state else 0
    if found != expected:
        raise InputError(
            f"the saved {name} model has state format {found}, not {expected}",
            hint="refit the model (the model cache does this by itself)",
        )


class ScoredItemsModel(CooccurrenceModel):
    """A model that scores ``items_`` (catalog rows) from the usable seeds.

    Subclasses fit ``items_`` and whatever :meth:`item_scores` needs, then call
    ``_serve_items(data)``.
    """

    items_: np.ndarray  # (m,) int64 catalog rows the model scores and recommends
    servable_: np.ndarray  # (n,) bool: the rows of items_

    @abstractmethod
    def item_scores(self, seed_rows: list[int]) -> np.ndarray:
        """Raw scores of ``items_`` (higher is better) for usable seed rows."""

    def _serve_items(self, data: TrackArrays) -> None:
        self._index(data)
        self.servable_ = np.zeros(data.n_tracks, dtype=bool)
        self.servable_[self.items_] = True

    def _unservable(self) -> tuple[str, str, str]:
        """The refusal for one seed, for several, and the hint."""
        return (
            f"appears in no playlist, so the {self.name} model has nothing to go on",
            f"appears in a playlist, so the {self.name} model has nothing to go on",
            "try the hybrid or content model",
        )

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.servable_[rows], dtype=bool)

    def cannot_serve_reason(self, n_seeds: int) -> str:
        one, many, _ = self._unservable()
        return f"this seed {one}" if n_seeds == 1 else f"none of the {n_seeds} seeds {many}"

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        refuse_unservable(self, seeds, data, *self._unservable())
        super()._validate(seeds, data)

    def _usable(self, seeds: Seeds) -> list[int]:
        return [r for r in unique_rows(seeds.rows) if self.servable_[r]]

    def scores(self, seed_rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Candidate rows (``items_``) and their raw scores for the seeds."""
        return self.items_, self.item_scores(seed_rows)

    def _fill(self, k: int, mask: np.ndarray, taken: set[int], controls: Controls) -> list[Scored]:
        return super()._fill(k, mask & self.servable_, taken, controls)

    def _explain(self, seeds: list[int], rows: Sequence[int]) -> list[str]:
        """Per row, "in 12 playlists with 'Song A'": the seed sharing most playlists with it;
        "in playlists like those of 'Song A'" when no seed shares one (the model found it
        through other tracks)."""
        if not len(rows):
            return []
        found = self.track_playlists_[np.asarray(rows, dtype=np.int64)]
        shared = (self.track_playlists_[np.asarray(seeds, dtype=np.int64)] @ found.T).toarray()
        best = np.argmax(shared, axis=0)
        counts = shared[best, np.arange(len(rows))].astype(np.int64).tolist()
        out = []
        for count, seed in zip(counts, best.tolist(), strict=True):
            label = track_label(self.data_, seeds[seed])
            if count:
                out.append(f"in {count:,} playlist{'' if count == 1 else 's'} with {label}")
            else:
                out.append(f"in playlists like those of {label}")
        return out

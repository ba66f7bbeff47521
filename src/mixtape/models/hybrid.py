"""``hybrid``: co-occurrence blended with content similarity, content alone for cold starts.

``score = alpha · norm(cooccurrence) + (1 − alpha) · norm(content)`` where each
part is the sub-model's score divided by its best score for the query (a
track a part did not return counts 0 there).  Seeds that appear in no
playlist feed only the content part; when no seed has playlist history the
list is content alone and every reason says so.  A seed with neither
history nor content features is ignored; if no seed is usable, SeedError.

Both parts are the registered models (``cooccurrence`` and ``content``),
used through their public ``recommend``: each is asked for a deeper list
than ``n`` without the per-artist cap and targets, which are applied once,
to the blend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.clusters import refuse_unservable, unique_rows
from mixtape.models.controls import Bound, Controls, allowed_mask, apply_targets, select
from mixtape.models.cooccurrence import CooccurrenceModel

_COLD = "no playlist history for your seeds, so by sound and genre alone: "


def _normalized(recs: list[Scored]) -> dict[int, float]:
    """row -> score / best score (scores shifted to start at 0 when some are negative)."""
    if not recs:
        return {}
    scores = np.array([r.score for r in recs], dtype=np.float64)
    low = min(0.0, float(scores.min()))
    top = float(scores.max()) - low
    if top <= 0:
        return {r.row: 1.0 for r in recs}
    return {r.row: (s - low) / top for r, s in zip(recs, scores, strict=True)}


@registry.register
class HybridModel(Recommender):
    name = "hybrid"
    summary = (
        "Co-occurrence blended with content similarity; content alone for seeds "
        "in no playlist (cold start)."
    )
    score_meaning = (
        "alpha × co-occurrence + (1 - alpha) × content similarity, each divided by its "
        "best for the query (1 = best on both)"
    )

    def __init__(
        self,
        alpha: float = 0.85,
        weighting: str = "tfidf",
        K: int = 100,
        content_params: dict[str, Any] | None = None,
    ) -> None:
        self.alpha = alpha
        self.weighting = weighting
        self.K = K
        self.content_params = content_params

    # -- fitting ------------------------------------------------------------------------
    def _parts(self) -> tuple[CooccurrenceModel, Recommender]:
        if not 0.0 <= self.alpha <= 1.0:
            raise InputError(f"alpha must be between 0 and 1, got {self.alpha}")
        cooc = CooccurrenceModel(weighting=self.weighting, K=self.K, backfill=False)
        content = registry.create("content", **(self.content_params or {}))
        return cooc, content

    def _fit(self, data: TrackArrays) -> None:
        self.cooc_, self.content_ = self._parts()
        self.cooc_.fit(data)
        self.content_.fit(data)

    def _state(self) -> dict[str, np.ndarray]:
        return {
            **{f"cooc.{k}": v for k, v in self.cooc_._state().items()},
            **{f"content.{k}": v for k, v in self.content_._state().items()},
        }

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        self.cooc_, self.content_ = self._parts()
        for prefix, part in (("cooc.", self.cooc_), ("content.", self.content_)):
            part.data_ = data
            part._restore(
                {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}, data
            )

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.cooc_.can_serve(rows) | self.content_.can_serve(rows), dtype=bool)

    def cannot_serve_reason(self, n_seeds: int) -> str:
        which = "this seed has" if n_seeds == 1 else f"none of the {n_seeds} seeds has"
        return f"{which} neither playlist history nor features, so hybrid has nothing to go on"

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        refuse_unservable(
            self,
            seeds,
            data,
            "is in no playlist and has no features, so the hybrid model has nothing to go on",
            "is in a playlist or has features, so the hybrid model has nothing to go on",
            "ingest a catalog with its features (mixtape ingest tracks) or playlists that hold it",
        )
        super()._validate(seeds, data)

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        data = self.data_
        rows = np.asarray(unique_rows(seeds.rows), dtype=np.int64)
        with_history = rows[self.cooc_.can_serve(rows)].tolist()
        with_content = rows[self.content_.can_serve(rows)].tolist()
        mask = allowed_mask(data, controls, seeds.rows)
        # The parts see the exclusions and min/max filters; cap and targets apply to the blend.
        excluded = set(controls.exclude)
        if controls.exclude_seeds:
            excluded.update(rows.tolist())
        part_controls = Controls(
            exclude=frozenset(excluded),
            exclude_seeds=controls.exclude_seeds,
            bounds={k: Bound(min=b.min, max=b.max) for k, b in controls.bounds.items()},
        )
        depth = 2 * n + 100
        while True:
            cooc = self._part(self.cooc_, with_history, depth, part_controls)
            content = self._part(self.content_, with_content, depth, part_controls)
            picked, reasons = self._blend(cooc, content, bool(with_history), controls, mask, n)
            if len(picked) >= n or (len(cooc) < depth and len(content) < depth):
                break
            depth *= 4  # the artist cap threw out too many: look deeper
        return [Scored(row, score, reasons[row]) for row, score in picked]

    @staticmethod
    def _part(
        model: Recommender, rows: Sequence[int], depth: int, controls: Controls
    ) -> list[Scored]:
        return model.recommend(Seeds.tracks(rows), depth, controls) if rows else []

    def _blend(
        self,
        cooc: list[Scored],
        content: list[Scored],
        has_history: bool,
        controls: Controls,
        mask: np.ndarray,
        n: int,
    ) -> tuple[list[tuple[int, float]], dict[int, str]]:
        alpha = self.alpha if has_history else 0.0
        a, b = _normalized(cooc), _normalized(content)
        reasons: dict[int, str] = {}
        for rec in content:
            reasons[rec.row] = rec.reason if has_history else _COLD + rec.reason
        for rec in cooc:
            other = reasons.get(rec.row)
            reasons[rec.row] = f"{rec.reason}; {other}" if other else rec.reason
        if not reasons:
            return [], {}
        cand = np.fromiter(reasons, dtype=np.int64, count=len(reasons))
        blend = np.array(
            [alpha * a.get(r, 0.0) + (1.0 - alpha) * b.get(r, 0.0) for r in cand.tolist()]
        )
        blend = apply_targets(cand, blend, self.data_, controls)
        return select(cand, blend, n, self.data_, controls, mask), reasons

"""``hybrid``: co-occurrence blended with content similarity, content alone for cold starts.

``score = alpha · norm(cooccurrence) + (1 − alpha) · norm(content)`` where each
part is the sub-model's score divided by its best score for the query (a
track a part did not return counts 0 there).  Seeds that appear in no
playlist feed only the content part; when no seed has playlist history the
list is content alone and every reason says so.  A seed with neither
history nor content features is ignored; if no seed is usable, SeedError.

Both parts are the ``cooccurrence`` and ``content`` models, used through
their public ``ranked`` and ``explain``: each ranks a deeper list than ``n``
without the per-artist cap and targets, which are applied once, to the
blend, and each explains only the returned rows it found ("in 37 playlists
with 'Song A'; shares genre indie folk").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.content import ContentModel
from mixtape.models.controls import Controls, allowed_mask, apply_targets, for_parts, select
from mixtape.models.cooccurrence import CooccurrenceModel
from mixtape.models.seeding import refuse_unservable, unique_rows

_COLD = "no playlist history for your seeds, so by sound and genre alone: "


def _normalized(found: list[tuple[int, float]]) -> dict[int, float]:
    """row -> score / best score (scores shifted to start at 0 when some are negative)."""
    if not found:
        return {}
    scores = np.array([s for _, s in found], dtype=np.float64)
    low = min(0.0, float(scores.min()))
    top = float(scores.max()) - low
    if top <= 0:
        return {r: 1.0 for r, _ in found}
    return {r: (s - low) / top for (r, _), s in zip(found, scores, strict=True)}


class HybridModel(Recommender):
    name = "hybrid"
    score_meaning = "blend of co-occurrence and content scores, each divided by its best, 0..1"
    summary = (
        "Co-occurrence blended with content similarity; content alone for seeds "
        "in no playlist (cold start)."
    )
    serving_params = frozenset({"alpha"})
    score_meaning = (
        "alpha × co-occurrence + (1 - alpha) × content similarity, each divided by its "
        "best for the query (1 = best on both)"
    )

    def __init__(
        self,
        alpha: float = 0.85,
        weighting: str = "tfidf",
        neighbours: int = 400,
        content_params: dict[str, Any] | None = None,
    ) -> None:
        self.alpha = alpha
        self.weighting = weighting
        self.neighbours = neighbours
        self.content_params = content_params

    # -- fitting ------------------------------------------------------------------------
    @classmethod
    def fit_note(cls) -> str:
        return ContentModel.fit_note()

    def check_params(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise InputError(f"alpha must be between 0 and 1, got {self.alpha}")

    def _parts(self) -> tuple[CooccurrenceModel, ContentModel]:
        self.check_params()
        cooc = CooccurrenceModel(
            weighting=self.weighting, neighbours=self.neighbours, backfill=False
        )
        content = ContentModel(**(self.content_params or {}))
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
        history, sound = self._part_seeds(seeds)
        picked, cooc, content = self._search(seeds, history, sound, n, controls)
        # Reasons for the returned rows only, each part explaining the rows it found.
        kept = [row for row, _ in picked]
        together = self._explained(self.cooc_, history, kept, cooc)
        alike = self._explained(self.content_, sound, kept, content)
        out = []
        for row, score in picked:
            if row in together:
                reason = f"{together[row]}; {alike[row]}" if row in alike else together[row]
            else:
                reason = alike[row] if history is not None else _COLD + alike[row]
            out.append(Scored(row, score, reason))
        return out

    def ranked(
        self, seeds: Seeds, n: int = 10, controls: Controls | None = None
    ) -> list[tuple[int, float]]:
        """:meth:`recommend` without the reasons: (row, score) pairs, best first (for a
        model that ranks through this one and explains only what it keeps)."""
        data = self._check_fitted()
        self._validate(seeds, data)
        history, sound = self._part_seeds(seeds)
        return self._search(seeds, history, sound, n, controls or Controls())[0]

    def explain(self, seeds: Seeds, rows: Sequence[int]) -> list[str]:
        """A reason for each of ``rows`` (tracks :meth:`ranked` found): co-occurrence's
        when the track shares playlists with a seed, else content's."""
        history, sound = self._part_seeds(seeds)
        found = set(self.cooc_.scores(list(history.rows))[0].tolist()) if history else set()
        together = [r for r in rows if r in found]
        alike = [r for r in rows if r not in found]
        reasons: dict[int, str] = {}
        if together and history is not None:
            reasons.update(zip(together, self.cooc_.explain(history, together), strict=True))
        if alike and sound is not None:
            prefix = "" if history is not None else _COLD
            words = self.content_.explain(sound, alike)
            reasons.update((r, prefix + w) for r, w in zip(alike, words, strict=True))
        return [reasons.get(r, "found by the hybrid model") for r in rows]

    def _part_seeds(self, seeds: Seeds) -> tuple[Seeds | None, Seeds | None]:
        """The seeds each part can use (None when it can use none)."""
        rows = np.asarray(unique_rows(seeds.rows), dtype=np.int64)
        with_history = rows[self.cooc_.can_serve(rows)].tolist()
        with_content = rows[self.content_.can_serve(rows)].tolist()
        return (
            Seeds.tracks(with_history) if with_history else None,
            Seeds.tracks(with_content) if with_content else None,
        )

    def _search(
        self,
        seeds: Seeds,
        history: Seeds | None,
        sound: Seeds | None,
        n: int,
        controls: Controls,
    ) -> tuple[list[tuple[int, float]], list[tuple[int, float]], list[tuple[int, float]]]:
        """The blend's best ``n`` and what each part found for it."""
        data = self.data_
        mask = allowed_mask(data, controls, seeds.rows)
        part_controls = for_parts(controls, seeds.rows)
        depth = 2 * n + 100
        while True:
            cooc = self.cooc_.ranked(history, depth, part_controls) if history else []
            content = self.content_.ranked(sound, depth, part_controls) if sound else []
            picked = self._blend(cooc, content, history is not None, controls, mask, n)
            if len(picked) >= n or (len(cooc) < depth and len(content) < depth):
                return picked, cooc, content
            depth *= 4  # the artist cap threw out too many: look deeper

    @staticmethod
    def _explained(
        part: CooccurrenceModel | ContentModel,
        seeds: Seeds | None,
        kept: list[int],
        found: list[tuple[int, float]],
    ) -> dict[int, str]:
        """row -> ``part``'s reason, for the kept rows that ``part`` found."""
        mine = {r for r, _ in found}
        rows = [r for r in kept if r in mine]
        if seeds is None or not rows:
            return {}
        return dict(zip(rows, part.explain(seeds, rows), strict=True))

    def _blend(
        self,
        cooc: list[tuple[int, float]],
        content: list[tuple[int, float]],
        has_history: bool,
        controls: Controls,
        mask: np.ndarray,
        n: int,
    ) -> list[tuple[int, float]]:
        alpha = self.alpha if has_history else 0.0
        a, b = _normalized(cooc), _normalized(content)
        cand = np.array(sorted(a.keys() | b.keys()), dtype=np.int64)
        if len(cand) == 0:
            return []
        blend = np.array(
            [alpha * a.get(r, 0.0) + (1.0 - alpha) * b.get(r, 0.0) for r in cand.tolist()]
        )
        blend = apply_targets(cand, blend, self.data_, controls)
        return select(cand, blend, n, self.data_, controls, mask)

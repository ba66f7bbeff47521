"""``rerank``: candidates from several models, re-ranked by a learnt LightGBM ranker.

The two-stage design of the RecSys Challenge 2018 leaders.  Stage one: each
generator (``ease``, ``hybrid``, ``title`` and ``popular`` as a filler by
default; ``cooccurrence`` and ``rp3beta`` on request; each a registered model
fitted on the same arrays) ranks its best ``depth`` tracks for the seeds it
can use, and the candidates are their union (four times deeper, again, when
they cannot fill ``n`` under the controls).  Stage two: a
LightGBM lambdarank model scores every candidate from features of the
(playlist, track) pair (``rerank_features``: each generator's score and rank,
popularity, artist share, co-occurrence with the seeds, sound and genre
closeness, whether a title was given) and the best ``n`` under the controls
are returned.  A playlist title is a seed for the ``title`` generator; a title
alone gets that generator's own list (re-ranking it did worse, see evaluation.md).

The ranker is trained at fit time on splits of the fitted arrays' own
playlists (``rerank_training``): the generators are first fitted on the
arrays without the splits' held-out tracks, so no label reaches them; after
training they are dropped and fitted again on the whole arrays for serving
(so ease's matrix, hundreds of MB, is never held twice).  LightGBM runs on
``threads`` threads, one by default: on a small shared machine OpenMP's
spinning threads cost more than they give.

A track's reason is the one its strongest generator (the one that ranked it
highest) gives, with "ranked up from #k" when the re-ranker lifted it far.
Saved state: each generator's own state under ``gen.<name>.`` and the booster
in LightGBM's text format (UTF-8 bytes as a uint8 array): no pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.als import AlsModel
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.collaborative import check_format
from mixtape.models.controls import Controls, allowed_mask, apply_targets, for_parts, select
from mixtape.models.cooccurrence import CooccurrenceModel
from mixtape.models.ease import EaseModel
from mixtape.models.hybrid import HybridModel
from mixtape.models.popular import PopularModel
from mixtape.models.rerank_features import Candidates, TrackStats, feature_names
from mixtape.models.rerank_training import (
    TrainingSet,
    train_ranker,
    training_splits,
    without_hidden,
)
from mixtape.models.rp3beta import RP3betaModel
from mixtape.models.seeding import unique_rows
from mixtape.models.title import TitleModel

#: Version of what ``_state`` saves; a saved model of another format is refitted.
STATE_FORMAT = 1
#: The models ``rerank`` can draw candidates from (each also a registered model).
GENERATORS: dict[str, type[Recommender]] = {
    cls.name: cls
    for cls in (
        EaseModel,
        HybridModel,
        CooccurrenceModel,
        RP3betaModel,
        AlsModel,
        TitleModel,
        PopularModel,
    )
}
DEFAULT_GENERATORS = ("ease", "hybrid", "title", "popular")
#: Proposes tracks whatever the seeds: never the reason a query is servable.
FILLER = "popular"
#: Serves a title alone (the only generator that can).
TITLE = "title"
#: Models with their own ``ranked`` and ``explain`` (the others are asked ``recommend``).
_RANKING = (CooccurrenceModel, HybridModel, TitleModel)

Ranking = list[tuple[int, float]]


class RerankModel(Recommender):
    name = "rerank"
    uses_title = True
    summary = (
        "Candidates from ease, hybrid and title (popular fills), re-ranked by a LightGBM "
        "ranker trained on held-out parts of the catalog's playlists."
    )
    score_meaning = (
        "the learnt ranker's score scaled over the query's candidates (1 = the best, "
        "0 = the last), less any target penalty"
    )

    def __init__(
        self,
        generators: list[str] | str | None = None,
        generator_params: dict[str, dict[str, Any]] | None = None,
        depth: int = 300,
        train_playlists: int = 1000,
        rounds: int = 200,
        learning_rate: float = 0.05,
        leaves: int = 31,
        negatives: int = 200,
        random_state: int = 0,
        threads: int = 1,
    ) -> None:
        self.generators = generators
        self.generator_params = generator_params
        self.depth = depth
        self.train_playlists = train_playlists
        self.rounds = rounds
        self.learning_rate = learning_rate
        self.leaves = leaves
        self.negatives = negatives
        self.random_state = random_state
        self.threads = threads

    # -- fitting ------------------------------------------------------------------------
    @classmethod
    def fit_note(cls) -> str:
        return HybridModel.fit_note()

    def _names(self) -> list[str]:
        given = self.generators or DEFAULT_GENERATORS
        if isinstance(given, str):  # from the command line: "ease,hybrid,title,popular"
            given = [g.strip() for g in given.split(",") if g.strip()]
        names = list(given)
        unknown = [g for g in names if g not in GENERATORS]
        if unknown or not names or len(set(names)) != len(names):
            raise InputError(
                f"bad rerank generators {names!r}",
                hint="name each once, from: " + ", ".join(GENERATORS),
                field="param",
            )
        for what, value in (("depth", self.depth), ("train_playlists", self.train_playlists)):
            if value < 1:
                raise InputError(f"{what} must be at least 1, got {value}", field="param")
        return names

    def _new_generators(self, names: list[str]) -> list[Recommender]:
        params = self.generator_params or {}
        return [GENERATORS[g](**params.get(g, {})) for g in names]

    def _fit(self, data: TrackArrays) -> None:
        names = self._names()
        training = self._training_set(data, names)
        self.booster_ = train_ranker(
            training, feature_names(names), self._lgb_params(), self.rounds
        )
        del training
        self.generators_ = [g.fit(data) for g in self._new_generators(names)]
        self.stats_ = TrackStats(data)

    def _lgb_params(self) -> dict[str, Any]:
        return {
            "learning_rate": self.learning_rate,
            "num_leaves": self.leaves,
            "seed": self.random_state,
            "num_threads": self.threads,
            "lambdarank_truncation_level": 50,
        }

    def _training_set(self, data: TrackArrays, names: list[str]) -> TrainingSet:
        """Features and labels of seeded splits of ``data``'s playlists, from generators
        fitted without the splits' held-out tracks (dropped when this returns)."""
        rng = np.random.default_rng(self.random_state)
        splits = training_splits(data, self.train_playlists, rng, titles="title" in names)
        hidden = without_hidden(data, splits)
        generators = [g.fit(hidden) for g in self._new_generators(names)]
        stats = TrackStats(hidden)
        training = TrainingSet(negatives=self.negatives, rng=rng)
        for split in splits:
            query = Seeds(rows=split.seeds, title=split.title)
            part = for_parts(Controls(), split.seeds)
            cand, _, _ = self._candidates(generators, query, self.depth, part)
            if len(cand.rows):
                labels = np.isin(cand.rows, split.held_out)
                training.add(stats.features(split.seeds, cand, split.title is not None), labels)
        return training

    # -- persistence --------------------------------------------------------------------
    def _state(self) -> dict[str, np.ndarray]:
        text = self.booster_.model_to_string().encode("utf-8")
        state = {
            "format": np.array(STATE_FORMAT),
            "booster": np.frombuffer(text, dtype=np.uint8),
        }
        for g, model in zip(self._names(), self.generators_, strict=True):
            state.update({f"gen.{g}.{k}": v for k, v in model._state().items()})
        return state

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        import lightgbm as lgb

        check_format(self.name, state, STATE_FORMAT)
        names = self._names()
        self.booster_ = lgb.Booster(model_str=state["booster"].tobytes().decode("utf-8"))
        self.generators_ = self._new_generators(names)
        for g, model in zip(names, self.generators_, strict=True):
            prefix = f"gen.{g}."
            model.data_ = data
            model._restore(
                {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}, data
            )
        self.stats_ = TrackStats(data)

    def feature_importances(self) -> dict[str, float]:
        """Total gain of each feature's splits in the fitted ranker, largest first."""
        self._check_fitted()
        gains = self.booster_.feature_importance(importance_type="gain")
        pairs = zip(self.booster_.feature_name(), gains.tolist(), strict=True)
        return dict(sorted(pairs, key=lambda p: -p[1]))

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        usable = np.zeros(len(rows), dtype=bool)
        for g, model in zip(self._names(), self.generators_, strict=True):
            if g != FILLER:
                usable |= model.can_serve(rows)
        return usable

    def cannot_serve_reason(self, n_seeds: int) -> str:
        which = "this seed" if n_seeds == 1 else f"none of the {n_seeds} seeds"
        return f"no rerank generator can use {which} (in no playlist and without features)"

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        data = self.data_
        names = self._names()
        rows = unique_rows(seeds.rows)
        if not rows and TITLE in names:
            # A title alone: the ranker's features are about seed tracks, and on the MPD
            # subset it ranked the title generator's candidates worse than that generator
            # (R-precision 0.061 against 0.078), so its list is the answer.
            return self.generators_[names.index(TITLE)].recommend(seeds, n, controls)
        mask = allowed_mask(data, controls, seeds.rows)
        part = for_parts(controls, rows)
        depth = self.depth  # deeper only when the union cannot fill n (below)
        while True:
            cand, used, found = self._candidates(self.generators_, seeds, depth, part)
            if not len(cand.rows):
                return []
            features = self.stats_.features(rows, cand, seeds.title is not None)
            predicted = self.booster_.predict(features, num_threads=1)
            spread = float(np.ptp(predicted))
            scores = (
                (predicted - predicted.min()) / spread if spread > 0 else np.ones(len(predicted))
            )
            scores = apply_targets(cand.rows, scores, data, controls)
            picked = select(cand.rows, scores, n, data, controls, mask)
            full = any(len(f) >= depth for f in found)
            if len(picked) >= n or not full:
                break
            depth *= 4  # the artist cap threw out too many: look deeper
        return self._explained(picked, cand, used, names)

    def _candidates(
        self, generators: Sequence[Recommender], query: Seeds, depth: int, controls: Controls
    ) -> tuple[Candidates, list[Seeds | None], list[Ranking]]:
        """The union of the generators' rankings, the seeds each used (its usable seed tracks,
        and the title for a generator that uses titles), and the rankings."""
        seed_rows = np.asarray(unique_rows(query.rows), dtype=np.int64)
        used: list[Seeds | None] = []
        found: list[Ranking] = []
        for model in generators:
            usable = seed_rows[model.can_serve(seed_rows)] if len(seed_rows) else seed_rows
            title = query.title if model.uses_title else None
            seeds = Seeds.tracks(usable.tolist(), title) if len(usable) or title else None
            used.append(seeds)
            found.append(_ranking(model, seeds, depth, controls) if seeds is not None else [])
        return Candidates.union(found), used, found

    def _explained(
        self,
        picked: list[tuple[int, float]],
        cand: Candidates,
        used: list[Seeds | None],
        names: list[str],
    ) -> list[Scored]:
        """Each picked row with its strongest generator's reason."""
        at = np.searchsorted(cand.rows, [row for row, _ in picked])
        best = cand.best_generator()[at]
        first = cand.ranks[at, best]
        reasons: dict[int, str] = {}
        for g in sorted(set(best.tolist())):
            mine = [row for (row, _), b in zip(picked, best.tolist(), strict=True) if b == g]
            reasons.update(zip(mine, _explain(self.generators_[g], used[g], mine), strict=True))
        out = []
        for position, ((row, score), g, rank) in enumerate(zip(picked, best, first, strict=True)):
            reason = reasons[row]
            if rank >= 2 * position + 10:
                reason += f"; ranked up from #{int(rank) + 1} ({names[g]}) by the re-ranker"
            out.append(Scored(row, score, reason))
        return out


def _ranking(model: Recommender, seeds: Seeds, depth: int, controls: Controls) -> Ranking:
    if isinstance(model, _RANKING):
        return model.ranked(seeds, depth, controls)
    return [(r.row, r.score) for r in model.recommend(seeds, depth, controls)]


def _explain(model: Recommender, seeds: Seeds | None, rows: list[int]) -> list[str]:
    if seeds is None:  # cannot happen: a generator without seeds proposes nothing
        return ["proposed by the re-ranker's generators"] * len(rows)
    if isinstance(model, _RANKING):
        return model.explain(seeds, rows)
    if isinstance(model, PopularModel):
        return [model.reason(row) for row in rows]
    raise TypeError(f"no reasons from {type(model).__name__}")

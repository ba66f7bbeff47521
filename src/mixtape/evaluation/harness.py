"""The offline evaluation harness: fit each model, query held-out splits, score.

Only the public model interface is used (``registry.create``, ``fit``,
``recommend_batch``).  Leakage is avoided by fitting every model on a copy of
the arrays whose playlist matrix no longer holds the evaluated playlists
(their seeds are given at query time; their held-out tracks are never seen).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from mixtape.errors import MixtapeError
from mixtape.evaluation import metrics
from mixtape.evaluation.splits import Category, Split, make_splits
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Controls

DIVERSITY_COLUMNS = ("danceability", "energy", "valence", "acousticness", "speechiness")
FEATURES_NOTE = (
    "r_precision and ndcg count every held-out track; the *_with_features columns count "
    "only held-out tracks that have audio features (what content models can reach)."
)


@dataclass
class ModelResult:
    """Aggregated metrics of one model on one category (or ``all``)."""

    model: str
    category: str
    playlists: int = 0
    r_precision: float = 0.0
    artist_r_precision: float = 0.0
    ndcg: float = 0.0
    clicks: float = 0.0
    precision_at_10: float = 0.0
    recall_at_500: float = 0.0
    r_precision_with_features: float = 0.0
    ndcg_with_features: float = 0.0
    playlists_with_features: int = 0
    coverage: float = 0.0
    diversity: float = 0.0
    mean_popularity: float = 0.0
    artist_repetition: float = 0.0
    unserved: int = 0  # splits the model could not serve (counted as misses)

    def as_dict(self) -> dict[str, Any]:
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in dataclasses.asdict(self).items()
        }


@dataclass
class Evaluation:
    results: list[ModelResult]
    n_recommendations: int
    seed: int
    categories: list[str]
    models: list[str]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_recommendations": self.n_recommendations,
            "seed": self.seed,
            "categories": self.categories,
            "models": self.models,
            "results": [r.as_dict() for r in self.results],
            "notes": self.notes,
        }


def without_playlists(data: TrackArrays, drop: Sequence[int]) -> TrackArrays:
    """A copy of ``data`` whose playlist matrix lacks the rows in ``drop``."""
    if not len(drop):
        return data
    keep = np.ones(data.playlists.shape[0], dtype=bool)
    keep[np.asarray(drop, dtype=np.int64)] = False
    playlists = sp.csr_matrix(data.playlists[keep])
    keys = data.playlist_keys[keep] if len(data.playlist_keys) == len(keep) else data.playlist_keys
    return dataclasses.replace(
        data,
        playlists=playlists,
        playlist_keys=keys,
        playlist_names=data.playlist_names[keep],
        fingerprint=data.fingerprint + f"-minus{len(drop)}",
    )


@dataclass
class _MetricValues:
    """Each metric's value per evaluated split, for one model on one category."""

    values: dict[str, list[float]] = field(default_factory=dict)
    lists: list[list[int]] = field(default_factory=list)
    unserved: int = 0

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)

    def mean(self, name: str) -> float:
        v = self.values.get(name, [])
        return float(np.nanmean(v)) if v and not np.all(np.isnan(v)) else float("nan")


def _score_split(
    collected: _MetricValues,
    data: TrackArrays,
    split: Split,
    recs: list[Scored],
    artist_of: dict[int, int],
    has_features: np.ndarray,
    diversity_cols: np.ndarray,
) -> None:
    ranked = [r.row for r in recs]
    truth = set(split.held_out)
    collected.lists.append(ranked)
    collected.add("r_precision", metrics.r_precision(truth, ranked))
    collected.add("artist_r_precision", metrics.artist_r_precision(truth, ranked, artist_of))
    collected.add("ndcg", metrics.ndcg(truth, ranked))
    collected.add("clicks", metrics.clicks(truth, ranked))
    collected.add("precision_at_10", metrics.precision_at_k(truth, ranked, 10))
    collected.add("recall_at_500", metrics.recall_at_k(truth, ranked, 500))
    with_features = {t for t in truth if t >= 0 and has_features[t]}
    if with_features:
        collected.add("r_precision_with_features", metrics.r_precision(with_features, ranked))
        collected.add("ndcg_with_features", metrics.ndcg(with_features, ranked))
    if ranked:
        top = np.asarray(ranked[:50])
        collected.add("diversity", metrics.intra_list_diversity(diversity_cols[top]))
        collected.add("mean_popularity", metrics.mean_popularity(data.popularity[top]))
        collected.add(
            "artist_repetition",
            metrics.artist_repetition([artist_of.get(r, -1 - r) for r in ranked[:50]]),
        )


@dataclass
class Scorer:
    """Scores a fitted model on splits; built once per catalog (the look-ups it needs)."""

    data: TrackArrays
    artist_of: dict[int, int] = field(init=False)
    has_features: np.ndarray = field(init=False)
    diversity_cols: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        data = self.data
        self.has_features = data.has_audio
        self.artist_of = {i: int(a) for i, a in enumerate(data.primary_artist) if a >= 0}
        self.diversity_cols = np.column_stack([data.column(c) for c in DIVERSITY_COLUMNS]).astype(
            np.float64
        )

    def score(
        self,
        name: str,
        model: Recommender,
        splits: Sequence[Split],
        n: int,
        on_split: Callable[[], None] | None = None,
    ) -> list[ModelResult]:
        """One row per category met in ``splits`` and one for ``all``, labelled ``name``."""
        per_cat: dict[str, _MetricValues] = {}
        overall = _MetricValues()
        for split in splits:
            known = [r for r in split.seeds if r >= 0]  # negative: a track not in the catalog
            try:
                if not known and split.title is None:
                    raise MixtapeError("no seed track is in the catalog")
                recs = model.recommend(_seeds(known, split, model), n, Controls())
            except MixtapeError:
                recs = []
                per_cat.setdefault(split.category, _MetricValues()).unserved += 1
                overall.unserved += 1
            for collected in (per_cat.setdefault(split.category, _MetricValues()), overall):
                _score_split(
                    collected,
                    self.data,
                    split,
                    recs,
                    self.artist_of,
                    self.has_features,
                    self.diversity_cols,
                )
            if on_split:
                on_split()
        return [
            _row(name, cat_name, collected, self.data.n_tracks)
            for cat_name, collected in [*per_cat.items(), ("all", overall)]
        ]


def checked_splits(
    playlists: Sequence[Sequence[int] | np.ndarray],
    categories: Sequence[Category],
    per_category: int,
    seed: int,
    titles: Sequence[str] | None = None,
) -> list[Split]:
    """:func:`make_splits`, with a clear error when no playlist is long enough."""
    splits = make_splits(playlists, categories, per_category, seed, titles)
    if not splits:
        raise MixtapeError(
            "no playlist is long enough for the chosen categories",
            hint="use more playlists or shorter categories such as first-1",
        )
    return splits


def training_rows(splits: Sequence[Split], playlist_rows: Sequence[int] | None) -> list[int]:
    """The rows of ``data.playlists`` the splits come from (``playlist_rows[i]`` is the
    row of the i-th playlist given to the splits; None: the i-th row itself)."""
    picked = {s.playlist for s in splits}
    if playlist_rows is None:
        return sorted(picked)
    return sorted({int(playlist_rows[i]) for i in picked})


def evaluate(
    data: TrackArrays,
    playlists: Sequence[Sequence[int] | np.ndarray],
    *,
    models: Sequence[str],
    categories: Sequence[Category],
    per_category: int,
    seed: int = 0,
    n: int = 500,
    drop_from_training: Sequence[int] | None = None,
    playlist_rows: Sequence[int] | None = None,
    model_params: dict[str, dict[str, Any]] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    titles: Sequence[str] | None = None,
) -> Evaluation:
    """Evaluate ``models`` on held-out splits of ``playlists`` (lists of track rows).

    ``drop_from_training``: rows of ``data.playlists`` to remove before
    fitting (default: the evaluated playlists, found through
    ``playlist_rows``, the row of each given playlist; without it the given
    playlists are the rows of ``data.playlists`` in order).
    ``model_params``: parameters per model name (others keep their defaults).
    ``titles``: the playlists' titles, seeds in the title categories (a model that does
    not use titles is given the tracks alone, and cannot serve ``title-only``).
    """
    splits = checked_splits(playlists, categories, per_category, seed, titles)
    if drop_from_training is None:
        drop_from_training = training_rows(splits, playlist_rows)
    train = without_playlists(data, drop_from_training)
    scorer = Scorer(data)
    rows: list[ModelResult] = []
    total = len(models) * len(splits)
    done = 0
    for name in models:
        model: Recommender = registry.create(name, **(model_params or {}).get(name, {}))
        model.fit(train)

        def tick(name: str = name) -> None:
            nonlocal done
            done += 1
            if on_progress:
                on_progress(name, done, total)

        rows += scorer.score(name, model, splits, n, tick)
    return Evaluation(
        results=rows,
        n_recommendations=n,
        seed=seed,
        categories=[c.name for c in categories],
        models=list(models),
        notes=[FEATURES_NOTE],
    )


def _seeds(known: list[int], split: Split, model: Recommender) -> Seeds:
    """The query for a split: its known tracks, with its title for a model that uses one."""
    title = split.title if model.uses_title or not known else None
    return Seeds(rows=tuple(known), title=title)


def _row(model: str, category: str, collected: _MetricValues, n_tracks: int) -> ModelResult:
    return ModelResult(
        model=model,
        category=category,
        playlists=len(collected.lists),
        r_precision=collected.mean("r_precision"),
        artist_r_precision=collected.mean("artist_r_precision"),
        ndcg=collected.mean("ndcg"),
        clicks=collected.mean("clicks"),
        precision_at_10=collected.mean("precision_at_10"),
        recall_at_500=collected.mean("recall_at_500"),
        r_precision_with_features=collected.mean("r_precision_with_features"),
        ndcg_with_features=collected.mean("ndcg_with_features"),
        playlists_with_features=len(collected.values.get("r_precision_with_features", [])),
        coverage=metrics.coverage(collected.lists, n_tracks),
        diversity=collected.mean("diversity"),
        mean_popularity=collected.mean("mean_popularity"),
        artist_repetition=collected.mean("artist_repetition"),
        unserved=collected.unserved,
    )

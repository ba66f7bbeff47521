"""Grid search of one model's parameters on held-out splits (``mixtape tune``).

Every combination of the grid (scikit-learn's ``ParameterGrid``) is scored on
the same splits with the harness's :class:`~mixtape.evaluation.harness.Scorer`;
the best by the chosen metric over all categories wins (the first on a tie).
Fits are shared: the training arrays are built once, and combinations that
differ only in a model's ``serving_params`` (hybrid's ``alpha``) reuse one fit
through ``with_serving_params``.  Which playlists are scored and which are
fitted on is the caller's choice (:mod:`mixtape.evaluation.runner` takes the
validation pool and fits without the validation and test pools).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mixtape.errors import InputError, shown
from mixtape.evaluation.harness import (
    ModelResult,
    Scorer,
    checked_splits,
    training_rows,
    without_playlists,
)
from mixtape.evaluation.splits import Category
from mixtape.features.arrays import TrackArrays
from mixtape.fitting import create_model
from mixtape.models import registry
from mixtape.models.base import Recommender

#: What ``--metric`` accepts, and the result field each one reads.
METRICS = {"r-precision": "r_precision", "ndcg": "ndcg"}


@dataclass(frozen=True)
class Trial:
    """One combination of the grid and its results (one row per category, then ``all``)."""

    params: dict[str, Any]
    results: list[ModelResult]
    fit_seconds: float  # 0.0 when the fit of an earlier combination was reused

    @property
    def overall(self) -> ModelResult:
        return self.results[-1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "params": self.params,
            "fit_seconds": round(self.fit_seconds, 3),
            "results": [r.as_dict() for r in self.results],
        }


@dataclass(frozen=True)
class Tuning:
    """Every trial of a grid search and which one won."""

    model: str
    metric: str
    grid: dict[str, list[Any]]
    fixed: dict[str, Any]
    trials: list[Trial]
    best: int  # index into trials
    seed: int
    categories: list[str]
    splits: int
    fits: int

    @property
    def best_params(self) -> dict[str, Any]:
        return {**self.fixed, **self.trials[self.best].params}

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "metric": self.metric,
            "grid": self.grid,
            "fixed": self.fixed,
            "seed": self.seed,
            "categories": self.categories,
            "splits": self.splits,
            "fits": self.fits,
            "best": self.best,
            "best_params": self.best_params,
            "trials": [t.as_dict() for t in self.trials],
        }


def check_metric(metric: str) -> str:
    """The result field of ``metric``; InputError (``field="metric"``) when unknown."""
    if metric not in METRICS:
        raise InputError(
            f"unknown metric {shown(metric)}",
            hint="use one of " + ", ".join(METRICS),
            field="metric",
        )
    return METRICS[metric]


def checked_model(name: str, params: Mapping[str, Any], field: str) -> Recommender:
    """An unfitted ``name`` model with ``params`` whose values it accepts; InputError naming
    ``field`` otherwise (an unknown parameter, a value out of range or of the wrong type)."""
    try:
        model = create_model(name, params)
        model.check_params()
    except InputError as exc:
        exc.field = field
        raise
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad parameters for the {name} model: {exc}", field=field) from exc
    return model


def combinations(
    model: str, grid: Mapping[str, Sequence[Any]], fixed: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The grid's combinations in ``ParameterGrid`` order, each checked against the model."""
    both = sorted(set(grid) & set(fixed))
    if both:
        raise InputError(
            f"{shown(both[0])} is both in the grid and fixed with --param: give it once",
            field="grid",
        )
    from sklearn.model_selection import ParameterGrid  # lazy: scikit-learn is slow to import

    combos = [dict(c) for c in ParameterGrid({k: list(v) for k, v in grid.items()})]
    for combo in combos:
        checked_model(model, {**fixed, **combo}, "grid")
    return combos


def _score_of(trial: Trial, field: str) -> float:
    value = float(getattr(trial.overall, field))
    return value if math.isfinite(value) else -math.inf


def tune(
    data: TrackArrays,
    playlists: Sequence[Sequence[int] | np.ndarray],
    *,
    model: str,
    grid: Mapping[str, Sequence[Any]],
    fixed: Mapping[str, Any] | None = None,
    metric: str = "r-precision",
    categories: Sequence[Category],
    per_category: int,
    seed: int = 0,
    n: int = 500,
    drop_from_training: Sequence[int] | None = None,
    playlist_rows: Sequence[int] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    titles: Sequence[str] | None = None,
) -> Tuning:
    """Score every combination of ``grid`` (``fixed`` parameters added to each) on held-out
    splits of ``playlists``; fitted on ``data`` without ``drop_from_training`` (default:
    the scored playlists, as :func:`~mixtape.evaluation.harness.evaluate` does)."""
    field = check_metric(metric)
    fixed = dict(fixed or {})
    combos = combinations(model, grid, fixed)
    splits = checked_splits(playlists, categories, per_category, seed, titles)
    if drop_from_training is None:
        drop_from_training = training_rows(splits, playlist_rows)
    train = without_playlists(data, drop_from_training)
    scorer = Scorer(data)
    total = len(combos) * len(splits)
    done = 0
    trials: dict[int, Trial] = {}
    fits = 0
    for group in _by_fit(model, combos):
        first = combos[group[0]]
        label = ", ".join(f"{k}={v}" for k, v in first.items()) or "defaults"
        if on_progress:
            on_progress(f"fitting {model} ({label})", done, total)
        started = time.perf_counter()
        fitted = checked_model(model, {**fixed, **first}, "grid").fit(train)
        fit_seconds = time.perf_counter() - started
        fits += 1
        for index in group:
            combo = combos[index]
            serving = {k: v for k, v in combo.items() if v != first[k]}
            candidate = fitted.with_serving_params(**serving) if serving else fitted
            label = ", ".join(f"{k}={v}" for k, v in combo.items()) or "defaults"

            def tick(label: str = label) -> None:
                nonlocal done
                done += 1
                if on_progress:
                    on_progress(f"scoring {label}", done, total)

            results = scorer.score(model, candidate, splits, n, tick)
            trials[index] = Trial(combo, results, fit_seconds if index == group[0] else 0.0)
    ordered = [trials[i] for i in range(len(combos))]
    best = max(range(len(ordered)), key=lambda i: (_score_of(ordered[i], field), -i))
    return Tuning(
        model=model,
        metric=metric,
        grid={k: list(v) for k, v in grid.items()},
        fixed=fixed,
        trials=ordered,
        best=best,
        seed=seed,
        categories=[c.name for c in categories],
        splits=len(splits),
        fits=fits,
    )


def _by_fit(model: str, combos: Sequence[Mapping[str, Any]]) -> list[list[int]]:
    """Indices of ``combos`` grouped so that each group needs one fit: its members differ
    only in the model's ``serving_params``.  Groups keep the grid's order."""
    serving = registry.model_class(model).serving_params
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for i, combo in enumerate(combos):
        key = tuple(sorted((k, repr(v)) for k, v in combo.items() if k not in serving))
        groups.setdefault(key, []).append(i)
    return list(groups.values())

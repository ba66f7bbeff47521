"""Tuning: the known best of a small grid, shared fits, no leak between the pools, and the
``tune`` / ``evaluate --param`` commands (their errors are one line, exit code 2)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from mixtape.catalog import Catalog
from mixtape.errors import InputError
from mixtape.evaluation import harness, tuning
from mixtape.evaluation.playlists import catalog_playlists
from mixtape.evaluation.pools import pool
from mixtape.evaluation.runner import run_evaluation, run_tuning
from mixtape.evaluation.splits import CATEGORIES, Split
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender
from mixtape.models.cooccurrence import CooccurrenceModel
from mixtape.models.hybrid import HybridModel
from tests.factories.arrays import track_arrays
from tests.factories.cli import one_error_line, run_cli

THEMES, PER_THEME = 4, 30


@pytest.fixture(scope="module")
def themed() -> tuple[TrackArrays, list[np.ndarray]]:
    """120 playlists of 12 tracks, each from one of four themes of 30 tracks (no overlap)."""
    rng = np.random.default_rng(0)
    lists = [
        rng.choice(PER_THEME, size=12, replace=False) + (p % THEMES) * PER_THEME for p in range(120)
    ]
    data = track_arrays(
        THEMES * PER_THEME,
        playlists=[m.tolist() for m in lists],
        playlist_keys=[f"mpd:{p}" for p in range(120)],
    )
    return data, lists


def test_tune_finds_the_known_best_and_fits_once_per_fitted_parameter_set(
    themed: tuple[TrackArrays, list[np.ndarray]],
) -> None:
    """One neighbour per track finds at most one theme-mate per seed (the rest of the list
    is popular filling from every theme); 40 find the whole theme. ``backfill`` changes
    only serving, so each ``neighbours`` value is fitted once."""
    data, lists = themed
    result = tuning.tune(
        data,
        lists[:40],
        model="cooccurrence",
        grid={"neighbours": [1, 40], "backfill": [True, False]},
        categories=[CATEGORIES["first-5"]],
        per_category=40,
        n=20,
    )
    assert [t.params for t in result.trials] == [
        {"backfill": True, "neighbours": 1},
        {"backfill": True, "neighbours": 40},
        {"backfill": False, "neighbours": 1},
        {"backfill": False, "neighbours": 40},
    ]
    scores = [t.overall.r_precision for t in result.trials]
    assert scores[1] > 2 * scores[0]
    assert scores[1] == scores[3]  # a tie goes to the first in grid order
    assert result.best == 1
    assert result.best_params == {"backfill": True, "neighbours": 40}
    assert result.fits == 2
    assert [t.fit_seconds > 0 for t in result.trials] == [True, True, False, False]
    by_ndcg = tuning.tune(
        data,
        lists[:40],
        model="cooccurrence",
        grid={"neighbours": [1, 40]},
        metric="ndcg",
        categories=[CATEGORIES["first-5"]],
        per_category=40,
        n=20,
    )
    assert by_ndcg.best_params == {"neighbours": 40}


def test_serving_parameters_change_without_a_refit(
    themed: tuple[TrackArrays, list[np.ndarray]],
) -> None:
    model = CooccurrenceModel(neighbours=5).fit(themed[0])
    twin = model.with_serving_params(backfill=False)
    assert twin.similarity_ is model.similarity_
    assert (twin.backfill, model.backfill) == (False, True)
    with pytest.raises(ValueError, match="neighbours needs a new fit"):
        model.with_serving_params(neighbours=3)
    with pytest.raises(InputError, match="alpha must be between 0 and 1"):
        HybridModel(alpha=1.5).check_params()


def _spy_fits(monkeypatch: pytest.MonkeyPatch, module: Any, attribute: str) -> list[TrackArrays]:
    """Record the arrays every model made through ``module.attribute`` is fitted on."""
    fitted: list[TrackArrays] = []
    real = getattr(module, attribute)

    def spy(*args: Any, **kwargs: Any) -> Recommender:
        model: Recommender = real(*args, **kwargs)
        original = model.fit

        def fit(arrays: TrackArrays) -> Recommender:
            fitted.append(arrays)
            return original(arrays)

        model.fit = fit  # type: ignore[method-assign]
        return model

    monkeypatch.setattr(module, attribute, spy)
    return fitted


def _spy_splits(monkeypatch: pytest.MonkeyPatch) -> list[Split]:
    scored: list[Split] = []
    real = harness.Scorer.score

    def score(
        self: harness.Scorer, name: str, model: Recommender, splits: Sequence[Split], *a: Any
    ) -> Any:
        scored.extend(splits)
        return real(self, name, model, splits, *a)

    monkeypatch.setattr(harness.Scorer, "score", score)
    return scored


def _pool_sets(catalog: Catalog, data: TrackArrays, which: str) -> set[frozenset[int]]:
    every = catalog_playlists(catalog)
    return {frozenset(every[i].tolist()) for i in pool(data.playlist_keys, which)}  # type: ignore[arg-type]


def test_tune_scores_only_validation_playlists_and_fits_without_validation_or_test(
    catalog: Catalog, data: TrackArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted = _spy_fits(monkeypatch, tuning, "create_model")
    scored = _spy_splits(monkeypatch)
    result, info = run_tuning(
        catalog,
        data,
        model="cooccurrence",
        grid={"neighbours": [5, 50]},
        categories="first-5,random-25",
        playlists=10,
        seed=0,
    )
    held = {
        str(data.playlist_keys[i])
        for w in ("validation", "test")
        for i in pool(data.playlist_keys, w)
    }  # type: ignore[arg-type]
    assert len(fitted) == 2
    for arrays in fitted:
        keys = {str(k) for k in arrays.playlist_keys}
        assert not keys & held
        assert len(keys) == data.playlists.shape[0] - len(held) == info["training_playlists"]
    validation = _pool_sets(catalog, data, "validation")
    assert scored and all(frozenset(s.seeds + s.held_out) in validation for s in scored)
    assert info["validation_playlists"] == len(validation)
    assert result.splits == 20


def test_evaluate_scores_only_test_playlists(
    catalog: Catalog, data: TrackArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = _spy_splits(monkeypatch)
    _, info = run_evaluation(
        catalog, data, models=["popular"], categories="first-5", playlists=10, seed=2
    )
    test = _pool_sets(catalog, data, "test")
    assert len(scored) == 10
    assert all(frozenset(s.seeds + s.held_out) in test for s in scored)
    assert info["pool"] == "test" and info["test_playlists"] == len(test)


def test_cli_tune_prints_every_combination_and_marks_the_best(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", demo_db, "tune", "cooccurrence", "--grid", "neighbours=1,50"]
    base += ["--categories", "first-5", "--playlists", "8"]
    code, out, err = run_cli([*base, "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert [t["params"] for t in result["trials"]] == [{"neighbours": 1}, {"neighbours": 50}]
    assert result["best_params"] == {"neighbours": 50}
    assert result["metric"] == "r-precision"
    assert result["trials"][1]["results"][-1]["category"] == "all"
    code, out, err = run_cli(base, capsys)
    assert code == 0, err
    assert "best by r-precision: neighbours=50." in out
    (marked,) = [line for line in out.splitlines() if line.rstrip(" │").endswith("*")]
    assert "50" in marked


def test_cli_evaluate_param_reaches_the_model(
    demo_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[tuple[str, dict[str, Any]]] = []
    real = harness.registry.create

    def spy(name: str, **params: Any) -> Recommender:
        created.append((name, params))
        return real(name, **params)

    monkeypatch.setattr(harness.registry, "create", spy)
    args = ["--db", demo_db, "evaluate", "--models", "popular,cooccurrence", "--json"]
    args += ["--categories", "first-1", "--playlists", "3", "--param", "cooccurrence.neighbours=7"]
    code, _, err = run_cli(args, capsys)
    assert code == 0, err
    assert created == [("popular", {}), ("cooccurrence", {"neighbours": 7})]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["evaluate", "--param", "alpha=0.5"],
            "--param: bad value 'alpha=0.5': expected MODEL.KEY",
        ),
        (
            ["evaluate", "--models", "popular", "--param", "hybrid.alpha=0.5"],
            "--param: parameters given for the hybrid model, which is not evaluated",
        ),
        (["evaluate", "--param", "popular.k=3"], "--param: the popular model has no parameter 'k'"),
        (
            ["evaluate", "--models", "hybrid", "--param", "hybrid.alpha=2"],
            "--param: alpha must be between 0 and 1, got 2",
        ),
        (["tune", "cooccurrence", "--grid", "nope=1,2"], "--grid: the cooccurrence model has no"),
        (["tune", "cooccurrence", "--grid", "weighting=bm25,xx"], "--grid: unknown weighting 'xx'"),
        (["tune", "cooccurrence", "--grid", "neighbours"], "--grid: bad value 'neighbours'"),
        (["tune", "cooccurrence", "--grid", "neighbours=5,"], "--grid: bad value 'neighbours=5,'"),
        (
            ["tune", "cooccurrence", "--grid", "neighbours=5", "--param", "neighbours=3"],
            "--grid: 'neighbours' is both in the grid and fixed",
        ),
        (["tune", "ease", "--grid", "l2=100,-1"], "--grid: l2 must be above 0, got -1"),
        (
            ["tune", "hybrid", "--grid", "alpha=x,0.5"],
            "--grid: the hybrid model's alpha is a number",
        ),
        (
            ["evaluate", "--models", "hybrid", "--param", "hybrid.alpha=high"],
            "--param: the hybrid model's alpha is a number, not 'high'",
        ),
        (["tune", "cooccurrence", "--metric", "map"], "--metric: unknown metric 'map'"),
        (["tune", "nope"], "MODEL: unknown model 'nope'"),
        (["tune", "popular", "--playlists", "0"], "--playlists: the number of playlists"),
        (["tune", "popular", "--seed", "-1"], "--seed: the seed must be 0 or more, not -1"),
        (["evaluate", "--seed", "-2"], "--seed: the seed must be 0 or more, not -2"),
    ],
)
def test_cli_bad_param_or_grid_is_one_line_and_exit_2(
    demo_db: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(["--db", demo_db, *args], capsys)
    assert code == 2
    assert out == ""
    assert one_error_line(err).startswith(f"error: {message}")

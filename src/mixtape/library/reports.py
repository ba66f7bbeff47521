"""Statistics, plots and the offline evaluation: what the facade reports about a catalog."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mixtape.catalog.reads import (
    FRAME_COLUMNS,
    RECENT_INGESTS,
    TOP,
    CatalogStats,
    FeatureSample,
    catalog_stats,
    feature_frame,
)
from mixtape.errors import InputError
from mixtape.library.core import Core, Status, about, check_seed
from mixtape.library.results import EvaluationRun, PlotResult, TuningRun

#: Evaluation progress: ``(model, done, total)``.
EvalProgress = Callable[[str, int, int], None]


def _at_least_one(value: int, what: str, field: str) -> None:
    if value < 1:
        raise InputError(f"{what} must be at least 1, not {value}", field=field)


class Reports(Core):
    """Statistics, plots and evaluation."""

    def stats(self, top: int = TOP, recent: int = RECENT_INGESTS) -> CatalogStats:
        """Counts, top lists (``top`` of each), feature coverage and ``recent`` ingests."""
        for value, field in ((top, "top"), (recent, "recent")):
            if value < 0:
                raise InputError(
                    f"the number of rows to show cannot be negative ({value})", field=field
                )
        catalog = self.existing_catalog()
        with catalog.connect() as conn:
            return catalog_stats(conn, top=top, recent=recent)

    # -- plots ------------------------------------------------------------------------------
    def _sample(
        self, columns: Sequence[str], sample: int, seed: int, *, require: bool = False
    ) -> FeatureSample:
        if sample < 0:
            raise InputError(f"the sample size cannot be negative ({sample})", field="sample")
        with self.existing_catalog().connect() as conn, about("sample"):
            return feature_frame(
                conn, columns, sample=sample or None, seed=seed, require=columns if require else ()
            )

    def plot_features(self, out: Path, *, sample: int = 100_000, seed: int = 0) -> PlotResult:
        """Histograms of every audio feature, release year and popularity, written to ``out``.

        ``sample``: about that many tracks, drawn with ``seed``; 0 plots every track.
        """
        from mixtape.plots import feature_histograms

        data = self._sample(FRAME_COLUMNS, sample, seed)
        with about("out"):
            path = feature_histograms(data.frame, out, title=_title("Audio features", data))
        return PlotResult(path, len(data.frame), data.eligible)

    def plot_mood(self, out: Path, *, sample: int = 20_000, seed: int = 0) -> PlotResult:
        """The catalog on the valence–energy plane, split into four moods, written to ``out``."""
        from mixtape.plots import mood_map

        data = self._sample(("valence", "energy"), sample, seed, require=True)
        frame = data.frame
        with about("out"):
            path = mood_map(
                frame["valence"].to_numpy(),
                frame["energy"].to_numpy(),
                out,
                title=_title("Mood map", data),
            )
        return PlotResult(path, len(frame), data.eligible)

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate(
        self,
        models: Sequence[str] | None = None,
        *,
        categories: Sequence[str] | None = None,
        playlists: int = 200,
        seed: int = 0,
        n: int = 500,
        test_playlists: Sequence[Path] = (),
        params: Mapping[str, Mapping[str, Any]] | None = None,
        report: Path | None = None,
        command: str = "",
        progress: EvalProgress | None = None,
        status: Status | None = None,
    ) -> EvaluationRun:
        """Hold out the end (or a random part) of playlists and score each model on it.

        ``models``: names (default: the usual comparison set); ``categories``:
        seed categories such as ``first-5`` (default: all); ``playlists``:
        playlists evaluated per category, drawn from the catalog's test pool;
        ``n``: recommendations per playlist; ``test_playlists``: MPD slice files
        or folders to evaluate on instead of the catalog's own playlists;
        ``params``: parameters per model (``{"hybrid": {"alpha": 0.7}}``), each
        checked against the model; ``report``: a folder for report.md and a
        chart (``command`` is quoted in it).
        """
        from mixtape.evaluation.report import write_report
        from mixtape.evaluation.runner import (
            DEFAULT_MODELS,
            check_model_params,
            parse_models,
            run_evaluation,
        )

        with about("models"):
            names = parse_models(",".join(models) if models else ",".join(DEFAULT_MODELS))
        self._check_run(n, playlists, categories, test_playlists)
        check_seed(seed)
        checked = check_model_params(params or {}, names)
        catalog = self.existing_catalog()
        data = self.arrays(status)
        evaluation, info = run_evaluation(
            catalog,
            data,
            models=names,
            categories=",".join(categories) if categories else None,
            playlists=playlists,
            seed=seed,
            n=n,
            test_playlists=test_playlists,
            model_params=checked,
            on_progress=progress,
        )
        path = None
        if report is not None:
            with about("report"):
                path = write_report(evaluation, report, command)
        return EvaluationRun(evaluation=evaluation, data=info, report=path)

    def tune(
        self,
        model: str,
        grid: Mapping[str, Sequence[Any]],
        *,
        params: Mapping[str, Any] | None = None,
        metric: str = "r-precision",
        categories: Sequence[str] | None = None,
        playlists: int = 200,
        seed: int = 0,
        n: int = 500,
        test_playlists: Sequence[Path] = (),
        progress: EvalProgress | None = None,
        status: Status | None = None,
    ) -> TuningRun:
        """Grid search of ``model``'s parameters on the catalog's validation pool.

        ``grid``: the values to try per parameter (every combination is scored);
        ``params``: parameters fixed for every combination; ``metric``:
        ``r-precision`` or ``ndcg`` over all categories picks the best;
        ``playlists``: validation playlists per category.  Models are fitted
        without the validation and test pools, and without catalog playlists that
        are also in ``test_playlists`` (MPD files a later ``evaluate`` scores).
        """
        from mixtape.evaluation.runner import parse_models, run_tuning
        from mixtape.evaluation.tuning import check_metric, combinations

        with about("model"):
            if not model.strip() or "," in model:
                raise InputError(f"tune one model at a time, not {model!r}")
            (name,) = parse_models(model.strip())
        self._check_run(n, playlists, categories, test_playlists)
        check_seed(seed)
        check_metric(metric)
        combinations(name, grid, dict(params or {}))  # every combination, before any work
        catalog = self.existing_catalog()
        data = self.arrays(status)
        tuning, info = run_tuning(
            catalog,
            data,
            model=name,
            grid=grid,
            fixed=params,
            metric=metric,
            categories=",".join(categories) if categories else None,
            playlists=playlists,
            seed=seed,
            n=n,
            test_playlists=test_playlists,
            on_progress=progress,
        )
        return TuningRun(tuning=tuning, data=info)

    @staticmethod
    def _check_run(
        n: int, playlists: int, categories: Sequence[str] | None, test_playlists: Sequence[Path]
    ) -> None:
        """The checks ``evaluate`` and ``tune`` share, before any work."""
        from mixtape.evaluation.splits import parse_categories
        from mixtape.ingest.mpd import expand_paths

        _at_least_one(n, "the number of recommendations per playlist", "n")
        _at_least_one(playlists, "the number of playlists per category", "playlists")
        with about("categories"):
            parse_categories(categories or None)
        with about("test_playlists"):
            expand_paths(test_playlists)  # every path exists, before any work


def _title(what: str, data: FeatureSample) -> str:
    n = len(data.frame)
    if data.sampled:
        return f"{what}: a sample of {n:,} of {data.eligible:,} tracks"
    return f"{what}: {n:,} tracks"

"""From a catalog (and optional MPD test files) to an :class:`Evaluation` or a
:class:`Tuning`.

The glue the facade calls: loads the ordered playlists, picks the pool a run
may score (test for ``evaluate``, validation for ``tune``, see
:mod:`mixtape.evaluation.pools`) and what it may fit on, and hands everything to
the harness or the grid search.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mixtape.catalog import Catalog
from mixtape.errors import InputError
from mixtape.evaluation.harness import Evaluation, evaluate
from mixtape.evaluation.playlists import catalog_playlists, file_playlists
from mixtape.evaluation.pools import SHARES, Role, pool
from mixtape.evaluation.splits import parse_categories
from mixtape.evaluation.tuning import Tuning, checked_model, tune
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry

DEFAULT_MODELS = ("popular", "cooccurrence", "content", "audio", "mood", "clusters", "hybrid")


def parse_models(text: str | None) -> list[str]:
    names = [n.strip() for n in (text or ",".join(DEFAULT_MODELS)).split(",") if n.strip()]
    known = registry.names()
    for name in names:
        if name not in known:
            raise InputError(f"unknown model {name!r}", hint="run `mixtape models` to list them")
    return names


def check_model_params(
    params: Mapping[str, Mapping[str, Any]], models: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """``{model: {key: value}}`` for models being evaluated, each value one the model takes;
    InputError (``field="param"``) naming the model or parameter otherwise."""
    for name, values in params.items():
        if name not in models:
            raise InputError(
                f"parameters given for the {name} model, which is not evaluated",
                hint="give parameters only to the models evaluated",
                field="param",
            )
        checked_model(name, values, "param")
    return {name: dict(values) for name, values in params.items()}


def _file_test_set(
    paths: Sequence[Path], data: TrackArrays
) -> tuple[list[np.ndarray], list[int], dict[str, Any], list[str]]:
    """Playlists of MPD files, the catalog rows holding the same playlists, a summary and
    the playlists' titles ("" for none)."""
    lists, keys, missing, titles = file_playlists(paths, data)
    in_catalog = {str(k): i for i, k in enumerate(data.playlist_keys)}
    also = sorted(in_catalog[k] for k in keys if k in in_catalog)
    info = {
        "source": "files",
        "test_playlists": len(lists),
        "entries_not_in_catalog": missing,
        "test_playlists_also_in_catalog": len(also),
    }
    return lists, also, info, titles


def _catalog_lists(catalog: Catalog, data: TrackArrays) -> list[np.ndarray]:
    lists = catalog_playlists(catalog)
    if not lists:
        raise InputError(
            "the catalog has no playlists to evaluate on",
            hint="ingest MPD slices or run `mixtape demo-data`, or evaluate on MPD slice files",
        )
    if len(data.playlist_keys) != len(lists):  # arrays of another catalog state
        raise InputError("the catalog changed while it was read", hint="run the command again")
    return lists


def _pool_rows(data: TrackArrays, which: Role, what: str) -> np.ndarray:
    rows = pool(data.playlist_keys, which)
    if not len(rows):
        raise InputError(
            f"none of the catalog's {len(data.playlist_keys)} playlists is in the {which} pool "
            f"(about {SHARES[which]:.0%} of them, chosen by a hash of their keys), so there is "
            f"nothing to {what} on",
            hint="ingest more playlists, or evaluate on MPD slice files (--test-playlists)",
        )
    return rows


def run_evaluation(
    catalog: Catalog,
    data: TrackArrays,
    *,
    models: Sequence[str],
    categories: str | None,
    playlists: int,
    seed: int,
    n: int = 500,
    test_playlists: Sequence[Path] = (),
    model_params: dict[str, dict[str, Any]] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Evaluation, dict[str, Any]]:
    """Evaluate on the catalog's test pool, or on the playlists of MPD files.

    Models are fitted on the catalog without the evaluated playlists (and without
    any catalog playlist that is also in the files).  Returns the evaluation and a
    description of the data it ran on.
    """
    cats = parse_categories(categories)
    params = check_model_params(model_params or {}, models)
    info: dict[str, Any] = {"tracks": data.n_tracks, "catalog_playlists": data.playlists.shape[0]}
    drop: list[int] | None = None  # None: the evaluated playlists themselves (see evaluate)
    rows: np.ndarray | None = None
    if test_playlists:
        lists, drop, more, titles = _file_test_set(test_playlists, data)
        info.update(more)
    else:
        every = _catalog_lists(catalog, data)
        rows = _pool_rows(data, "test", "evaluate")
        lists = [every[i] for i in rows]
        titles = [str(data.playlist_names[i]) for i in rows]
        info.update(source="catalog", pool="test", test_playlists=len(lists))
    evaluation = evaluate(
        data,
        lists,
        models=models,
        categories=cats,
        per_category=playlists,
        seed=seed,
        n=n,
        drop_from_training=drop,
        playlist_rows=None if rows is None else rows.tolist(),
        model_params=params,
        on_progress=on_progress,
        titles=titles,
    )
    info["mean_playlist_length"] = float(np.mean([len(p) for p in lists])) if lists else 0.0
    return evaluation, info


def run_tuning(
    catalog: Catalog,
    data: TrackArrays,
    *,
    model: str,
    grid: Mapping[str, Sequence[Any]],
    fixed: Mapping[str, Any] | None = None,
    metric: str = "r-precision",
    categories: str | None,
    playlists: int,
    seed: int,
    n: int = 500,
    test_playlists: Sequence[Path] = (),
    on_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Tuning, dict[str, Any]]:
    """Grid search on the catalog's validation pool, fitted without the validation and
    test pools (and without catalog playlists that are also in ``test_playlists``)."""
    cats = parse_categories(categories)
    every = _catalog_lists(catalog, data)
    held = set(_pool_rows(data, "validation", "tune").tolist())
    drop = held | set(pool(data.playlist_keys, "test").tolist())
    if test_playlists:
        _, also, _, _ = _file_test_set(test_playlists, data)
        held -= set(also)
        drop |= set(also)
    rows = sorted(held)
    tuning = tune(
        data,
        [every[i] for i in rows],
        model=model,
        grid=grid,
        fixed=fixed,
        metric=metric,
        categories=cats,
        per_category=playlists,
        seed=seed,
        n=n,
        drop_from_training=sorted(drop),
        on_progress=on_progress,
        titles=[str(data.playlist_names[i]) for i in rows],
    )
    info = {
        "tracks": data.n_tracks,
        "catalog_playlists": len(every),
        "validation_playlists": len(rows),
        "training_playlists": len(every) - len(drop),
    }
    return tuning, info

"""From a catalog (and optional MPD test files) to an :class:`Evaluation`.

The glue the CLI calls: loads the arrays and ordered playlists, samples the
playlists to evaluate, and hands everything to the harness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mixtape.catalog import Catalog
from mixtape.errors import InputError
from mixtape.evaluation.harness import Evaluation, evaluate
from mixtape.evaluation.playlists import catalog_playlists, file_playlists
from mixtape.evaluation.splits import parse_categories
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
    """Evaluate on the catalog's own playlists, or on the playlists of MPD files.

    Returns the evaluation and a description of the data it ran on.
    """
    cats = parse_categories(categories)
    info: dict[str, Any] = {"tracks": data.n_tracks, "catalog_playlists": data.playlists.shape[0]}
    drop: list[int] | None = None  # None: the evaluated playlists themselves (see evaluate)
    if test_playlists:
        lists, keys, missing, titles = file_playlists(test_playlists, data)
        in_catalog = {str(k): i for i, k in enumerate(data.playlist_keys)}
        drop = sorted(in_catalog[k] for k in keys if k in in_catalog)
        info.update(
            source="files",
            test_playlists=len(lists),
            entries_not_in_catalog=missing,
            test_playlists_also_in_catalog=len(drop),
        )
    else:
        lists = catalog_playlists(catalog)
        titles = [str(t) for t in data.playlist_names]  # the same rows, in the same order
        if not lists:
            raise InputError(
                "the catalog has no playlists to evaluate on",
                hint="ingest MPD slices or run `mixtape demo-data`, or evaluate on MPD slice files",
            )
        info.update(source="catalog", test_playlists=len(lists))
    evaluation = evaluate(
        data,
        lists,
        models=models,
        categories=cats,
        per_category=playlists,
        seed=seed,
        n=n,
        drop_from_training=drop,
        model_params=model_params,
        on_progress=on_progress,
        titles=titles,
    )
    info["mean_playlist_length"] = float(np.mean([len(p) for p in lists])) if lists else 0.0
    return evaluation, info

"""Recommending and curating over arrays, and the arrays' cache: what the facade builds on.

Everything here takes ready-made :class:`TrackArrays` (with their
:class:`TrackIndex`) and plain values, returns records and raises
:mod:`mixtape.errors` exceptions; nothing prints.  :class:`ArrayStore` keeps a
catalog's arrays in memory and on disk; the facade (:mod:`mixtape.library`)
owns one, next to its :class:`~mixtape.fitting.FittedModels`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mixtape.catalog.db import Catalog
from mixtape.errors import CatalogError, InputError
from mixtape.features import build, cache
from mixtape.features.arrays import TrackArrays
from mixtape.features.index import TrackIndex
from mixtape.fitting import FittedModels, Status, _quiet, score_meaning
from mixtape.inputs import SeedSpec, make_controls, resolve_seeds
from mixtape.models.base import Scored
from mixtape.models.curate import CurationResult
from mixtape.models.curate import curate as curate_playlist
from mixtape.records import Recommendation

EMPTY_CATALOG = "the catalog has no tracks; run `mixtape demo-data` or `mixtape ingest …` first"

# -- arrays ---------------------------------------------------------------------------


class ArrayStore:
    """A catalog's :class:`TrackArrays` and their :class:`TrackIndex`, kept while unchanged.

    Checked against the catalog's fingerprint (a few aggregate queries) on every
    call; or, with ``recheck`` (a server), in the background at most once per
    that many seconds: the check costs 0.1–0.2 s at 1.2M tracks, which no
    request should wait for.  A call then answers with the arrays it has and
    starts the check; when the check finds the catalog changed, the next call
    checks again itself and rebuilds, or reads from ``folder``, what an ingest
    changed.  Thread-safe: two threads asking at once build the arrays once.
    """

    def __init__(
        self,
        folder: Path | None = None,
        *,
        recheck: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.recheck = recheck
        self._clock = clock
        self._lock = threading.RLock()
        self._data: TrackArrays | None = None
        self._index: TrackIndex | None = None
        self._checked = -math.inf  # clock() at the last fingerprint check
        self._generation = 0  # bumped by expire(): a check begun before it does not count
        self._checker: threading.Thread | None = None

    def arrays(self, catalog: Catalog, *, status: Status = _quiet) -> TrackArrays:
        """The catalog's arrays; :class:`CatalogError` when it holds no tracks."""
        data = self._data
        if data is not None and self.recheck > 0 and math.isfinite(self._checked):
            if self._clock() - self._checked >= self.recheck:
                self._check_in_background(catalog, data)
            return data  # checked moments ago, or being checked (an empty catalog is never kept)
        checked = self._clock()
        fp = build.fingerprint(catalog)
        with self._lock:
            data = self._data
            if data is None or data.fingerprint != fp:
                data = cache.load_cached(self.folder, fp) if self.folder is not None else None
                if data is None:
                    with status("building track arrays from the catalog"):
                        data = build.build_arrays(catalog)
                    if self.folder is not None:
                        cache.store(self.folder, data)
                self._data, self._index = data, None
            if data.n_tracks == 0:
                self._data = None
                raise CatalogError(EMPTY_CATALOG)
            self._checked = checked
        return data

    def _check_in_background(self, catalog: Catalog, data: TrackArrays) -> None:
        with self._lock:
            if self._checker is not None and self._checker.is_alive():
                return
            generation = self._generation
            self._checker = threading.Thread(
                target=self._check,
                args=(catalog, data, generation),
                name="mixtape-recheck",
                daemon=True,
            )
            self._checker.start()

    def _check(self, catalog: Catalog, data: TrackArrays, generation: int) -> None:
        checked = self._clock()
        try:
            same = build.fingerprint(catalog) == data.fingerprint
        except Exception:  # e.g. the catalog was closed: the next call checks, and reports, itself
            same = False
        with self._lock:
            if self._generation != generation or self._data is not data:
                return
            self._checked = checked if same else -math.inf

    def settle(self, timeout: float | None = None) -> None:
        """Wait for a background check under way (tests; before closing the catalog)."""
        checker = self._checker
        if checker is not None:
            checker.join(timeout)

    def expire(self) -> None:
        """Check the fingerprint on the next call (this process just wrote to the catalog)."""
        with self._lock:
            self._generation += 1
            self._checked = -math.inf

    def index(self, data: TrackArrays) -> TrackIndex:
        """The reference index of ``data`` (built once per arrays)."""
        with self._lock:
            if self._index is not None and self._index.data is data:
                return self._index
            index = TrackIndex(data)
            if data is self._data:
                self._index = index
            return index

    def clear(self) -> None:
        self.settle()
        with self._lock:
            self._data, self._index = None, None
            self._generation += 1
            self._checked = -math.inf


# -- recommending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationResult:
    """A ranked list of recommendations and what it was made from."""

    model: str
    seeds: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    params: dict[str, Any] = field(default_factory=dict)
    mood: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()
    score_meaning: str = ""  # what the model's scores mean
    title: str | None = None  # the playlist title given as a seed

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": self.params,
            "seeds": list(self.seeds),
            "title": self.title,
            "mood": None
            if self.mood is None
            else {"valence": self.mood[0], "energy": self.mood[1]},
            "score_meaning": self.score_meaning,
            "recommendations": [r.as_dict() for r in self.recommendations],
            "warnings": list(self.warnings),
        }


def to_recommendations(index: TrackIndex, scored: Sequence[Scored]) -> list[Recommendation]:
    """Model output rows → records with the track's key, name and artists."""
    data = index.data
    rows = [s.row for s in scored]
    keys, names = data.keys[rows].tolist(), data.names[rows].tolist()  # one gather each
    # Positional arguments: a frozen record's keywords cost a fifth more, ten times a list.
    return [
        Recommendation(str(key), str(name), tuple(artists), float(s.score), s.reason)
        for s, key, name, artists in zip(scored, keys, names, index.artists_of(rows), strict=True)
    ]


def check_n(n: int) -> None:
    """How many tracks to ask for: at least one."""
    if n < 1:
        raise InputError(f"the number of tracks must be at least 1, not {n}", field="n")


@dataclass(frozen=True)
class Options:
    """The shaping options recommend and curate share."""

    max_per_artist: int | None = None
    exclude: Sequence[str] = ()
    minimum: Mapping[str, float] | None = None
    maximum: Mapping[str, float] | None = None
    target: Mapping[str, float] | None = None
    all_versions: bool = False
    params: Mapping[str, Any] | None = None


def recommend(
    data: TrackArrays,
    index: TrackIndex,
    models: FittedModels,
    model: str,
    seeds: SeedSpec,
    *,
    n: int = 10,
    options: Options | None = None,
    status: Status = _quiet,
) -> RecommendationResult:
    """Recommend ``n`` tracks with ``model`` from ``seeds``.

    Raises :class:`InputError` subclasses for bad input (unknown track or
    model, bad bounds), :class:`SeedError` when the model cannot use the
    seeds.
    """
    check_n(n)
    options = options or Options()
    resolved = resolve_seeds(index, seeds)
    controls, exclude_warnings = _controls(index, options)
    fitted = models.get(data, model, options.params, status=status)
    scored = fitted.recommend(resolved.seeds, n, controls)
    ignored: tuple[str, ...] = ()
    if resolved.title is not None and not fitted.uses_title:
        ignored = (f"the {model} model does not use playlist titles: the title was ignored",)
    return RecommendationResult(
        model=model,
        seeds=resolved.track_ids,
        recommendations=tuple(to_recommendations(index, scored)),
        params=dict(options.params or {}),
        mood=resolved.mood,
        warnings=resolved.warnings + tuple(exclude_warnings) + ignored,
        score_meaning=score_meaning(model),
        title=resolved.title,
    )


#: The model a playlist title alone goes to when none is named.
TITLE_MODEL = "title"


def model_or_default(model: str | None, *, title_only: bool) -> str:
    """``model``, or :data:`TITLE_MODEL` for a title alone; InputError (``model``) otherwise."""
    if model:
        return model
    if title_only:
        return TITLE_MODEL
    raise InputError(
        "no model given",
        hint=f"name one (`mixtape models` lists them); a title alone goes to {TITLE_MODEL}",
        field="model",
    )


def _controls(index: TrackIndex, options: Options) -> tuple[Any, list[str]]:
    return make_controls(
        index,
        max_per_artist=options.max_per_artist,
        exclude=options.exclude,
        minimum=options.minimum,
        maximum=options.maximum,
        target=options.target,
        all_versions=options.all_versions,
    )


# -- curating ---------------------------------------------------------------------------------

CURATION_MODEL = "clusters"


@dataclass(frozen=True)
class CurationOutcome:
    """A curated playlist: the model's result plus the seeds' ids and the tracks' artists."""

    result: CurationResult
    seeds: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]  # the playlist, in order
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = self.result.as_dict()
        for item, rec in zip(out["playlist"], self.recommendations, strict=True):
            item["track_id"] = rec.track_id
            item["artists"] = list(rec.artists)
            if "file" in (record := rec.as_dict()):
                item["file"] = record["file"]
        return {
            "model": CURATION_MODEL,
            "seed_ids": list(self.seeds),
            **out,
            "score_meaning": score_meaning(CURATION_MODEL),
            "warnings": list(self.warnings),
        }


def curate(
    data: TrackArrays,
    index: TrackIndex,
    models: FittedModels,
    seeds: SeedSpec,
    n: int = 50,
    *,
    options: Options | None = None,
    status: Status = _quiet,
) -> CurationOutcome:
    """``n`` tracks drawn from the seeds' audio clusters in proportion to the seeds.

    Wraps :func:`mixtape.models.curate.curate` with a fitted ``clusters``
    model; raises like :func:`recommend`.
    """
    check_n(n)
    options = options or Options()
    models.check(CURATION_MODEL, options.params)
    resolved = resolve_seeds(index, seeds)
    controls, exclude_warnings = _controls(index, options)
    model = models.get(data, CURATION_MODEL, options.params, status=status)
    result = curate_playlist(model, resolved.seeds, n, controls)
    return CurationOutcome(
        result=result,
        seeds=resolved.track_ids,
        recommendations=tuple(to_recommendations(index, result.playlist)),
        warnings=resolved.warnings + tuple(exclude_warnings),
    )


__all__ = [
    "CURATION_MODEL",
    "EMPTY_CATALOG",
    "TITLE_MODEL",
    "ArrayStore",
    "CurationOutcome",
    "Options",
    "RecommendationResult",
    "check_n",
    "curate",
    "model_or_default",
    "recommend",
    "to_recommendations",
]

"""What the CLI calls (and the planned web app will): arrays, seeds, fitting, recommend, curate.

Everything here takes a :class:`~mixtape.catalog.db.Catalog` (or ready-made
:class:`TrackArrays`) and plain values, returns records and raises
:mod:`mixtape.errors` exceptions; nothing prints.

Two caches make repeated calls cheap in a long-lived process (such as a web app):

* arrays, per catalog, in memory (checked against the catalog's fingerprint
  on every call: a few aggregate queries) and on disk (``cache_dir``);
* fitted models, per arrays + model name + parameters, in memory, and on disk
  (``model_cache_dir``) for models that save fitted state (:mod:`mixtape.fitting`).

Parsing user values and resolving seeds live in :mod:`mixtape.inputs`; the
names the CLI uses from both are re-exported here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mixtape.catalog.db import Catalog
from mixtape.errors import (
    CatalogError,
    InputError,
)
from mixtape.features import build, cache
from mixtape.features.arrays import TrackArrays
from mixtape.fitting import (  # re-exported: the CLI and web call them through service
    Status,
    _quiet,
    availability,
    create_model,
    fitted_model,
    model_summary,
)
from mixtape.inputs import (
    ResolvedSeeds,
    SeedSpec,
    bounds,
    make_controls,
    parse_assignments,
    parse_mood,
    parse_params,
    read_refs_file,
    resolve_seeds,
    track_index,
)
from mixtape.models.base import Scored
from mixtape.models.curate import CurationResult
from mixtape.models.curate import curate as curate_playlist
from mixtape.records import Recommendation

EMPTY_CATALOG = "the catalog has no tracks; run `mixtape demo-data` or `mixtape ingest …` first"

# -- arrays ---------------------------------------------------------------------------

_lock = threading.RLock()
_arrays: dict[str, TrackArrays] = {}  # catalog tag → the latest arrays


def load_arrays(
    catalog: Catalog, cache_dir: Path | None = None, *, status: Status = _quiet
) -> TrackArrays:
    """The catalog's :class:`TrackArrays`, from memory or ``cache_dir`` when unchanged.

    Raises :class:`CatalogError` when the catalog holds no tracks.
    """
    fp = build.fingerprint(catalog)
    tag = fp.split("-", 1)[0]
    with _lock:
        data = _arrays.get(tag)
        if data is None or data.fingerprint != fp:
            data = cache.load_cached(cache_dir, fp) if cache_dir is not None else None
            if data is None:
                with status("building track arrays from the catalog"):
                    data = build.build_arrays(catalog)
                if cache_dir is not None:
                    cache.store(cache_dir, data)
            _arrays[tag] = data
    if data.n_tracks == 0:
        raise CatalogError(EMPTY_CATALOG)
    return data


def _arrays_of(
    source: Catalog | TrackArrays, cache_dir: Path | None, status: Status
) -> TrackArrays:
    if isinstance(source, TrackArrays):
        if source.n_tracks == 0:
            raise CatalogError(EMPTY_CATALOG)
        return source
    return load_arrays(source, cache_dir, status=status)


# -- recommending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationResult:
    model: str
    seeds: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    params: dict[str, Any] = field(default_factory=dict)
    mood: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": self.params,
            "seeds": list(self.seeds),
            "mood": None
            if self.mood is None
            else {"valence": self.mood[0], "energy": self.mood[1]},
            "recommendations": [r.as_dict() for r in self.recommendations],
            "warnings": list(self.warnings),
        }


def to_recommendations(data: TrackArrays, scored: Sequence[Scored]) -> list[Recommendation]:
    """Model output rows → records with the track's key, name and artists."""
    index = track_index(data)
    return [
        Recommendation(
            track_id=index.key(s.row),
            name=str(data.names[s.row]),
            artists=tuple(index.artists(s.row)),
            score=float(s.score),
            reason=s.reason,
        )
        for s in scored
    ]


def _check_n(n: int) -> None:
    if n < 1:
        raise InputError(f"-n must be at least 1, not {n}")


def recommend(
    source: Catalog | TrackArrays,
    model: str,
    seeds: SeedSpec,
    *,
    n: int = 10,
    max_per_artist: int | None = None,
    exclude: Sequence[str] = (),
    exclude_file: Path | None = None,
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
    all_versions: bool = False,
    params: Mapping[str, Any] | None = None,
    cache_dir: Path | None = None,
    model_cache_dir: Path | None = None,
    status: Status = _quiet,
) -> RecommendationResult:
    """Recommend ``n`` tracks with ``model`` from ``seeds``.

    Raises :class:`InputError` subclasses for bad input (unknown track or
    model, bad bounds), :class:`SeedError` when the model cannot use the
    seeds and :class:`CatalogError` when the catalog is empty.
    """
    _check_n(n)
    create_model(model, params)  # fail on a bad name or parameters before any work
    data = _arrays_of(source, cache_dir, status)
    resolved = resolve_seeds(data, seeds)
    controls, exclude_warnings = make_controls(
        data,
        max_per_artist=max_per_artist,
        exclude=exclude,
        exclude_file=exclude_file,
        minimum=minimum,
        maximum=maximum,
        target=target,
        all_versions=all_versions,
    )
    fitted = fitted_model(data, model, params, model_cache_dir=model_cache_dir, status=status)
    scored = fitted.recommend(resolved.seeds, n, controls)
    return RecommendationResult(
        model=model,
        seeds=resolved.track_ids,
        recommendations=tuple(to_recommendations(data, scored)),
        params=dict(params or {}),
        mood=resolved.mood,
        warnings=resolved.warnings + tuple(exclude_warnings),
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
        return {
            "model": CURATION_MODEL,
            "seed_ids": list(self.seeds),
            **out,
            "warnings": list(self.warnings),
        }


def curate(
    source: Catalog | TrackArrays,
    seeds: SeedSpec,
    n: int = 50,
    *,
    max_per_artist: int | None = None,
    exclude: Sequence[str] = (),
    exclude_file: Path | None = None,
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
    all_versions: bool = False,
    params: Mapping[str, Any] | None = None,
    cache_dir: Path | None = None,
    model_cache_dir: Path | None = None,
    status: Status = _quiet,
) -> CurationOutcome:
    """``n`` tracks drawn from the seeds' audio clusters in proportion to the seeds.

    Wraps :func:`mixtape.models.curate.curate` with a fitted ``clusters``
    model; raises like :func:`recommend`.
    """
    _check_n(n)
    if seeds.mood is not None:
        raise InputError("curation needs seed tracks, not a mood", hint="give --seeds FILE")
    create_model(CURATION_MODEL, params)
    data = _arrays_of(source, cache_dir, status)
    resolved = resolve_seeds(data, seeds)
    controls, exclude_warnings = make_controls(
        data,
        max_per_artist=max_per_artist,
        exclude=exclude,
        exclude_file=exclude_file,
        minimum=minimum,
        maximum=maximum,
        target=target,
        all_versions=all_versions,
    )
    model = fitted_model(
        data, CURATION_MODEL, params, model_cache_dir=model_cache_dir, status=status
    )
    result = curate_playlist(model, resolved.seeds, n, controls)
    return CurationOutcome(
        result=result,
        seeds=resolved.track_ids,
        recommendations=tuple(to_recommendations(data, result.playlist)),
        warnings=resolved.warnings + tuple(exclude_warnings),
    )


__all__ = [
    "CURATION_MODEL",
    "EMPTY_CATALOG",
    "CurationOutcome",
    "RecommendationResult",
    "ResolvedSeeds",
    "SeedSpec",
    "Status",
    "availability",
    "bounds",
    "create_model",
    "curate",
    "fitted_model",
    "load_arrays",
    "make_controls",
    "model_summary",
    "parse_assignments",
    "parse_mood",
    "parse_params",
    "read_refs_file",
    "recommend",
    "resolve_seeds",
    "to_recommendations",
    "track_index",
]

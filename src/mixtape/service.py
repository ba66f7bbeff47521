"""What the CLI and the web app call: load arrays, resolve seeds, fit, recommend, curate.

Everything here takes a :class:`~mixtape.catalog.db.Catalog` (or ready-made
:class:`TrackArrays`) and plain values, returns records and raises
:mod:`mixtape.errors` exceptions; nothing prints.

Two caches make repeated calls cheap in a long-lived process (the web app):

* arrays, per catalog, in memory (checked against the catalog's fingerprint
  on every call: a few aggregate queries) and on disk (``cache_dir``);
* fitted models, per arrays + model name + parameters, in memory, and on disk
  (``model_cache_dir``) for models that save fitted state.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import math
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mixtape.catalog.db import Catalog
from mixtape.errors import (
    CatalogError,
    InputError,
    MixtapeError,
    ModelUnavailableError,
    UnknownTrackError,
)
from mixtape.features import build, cache
from mixtape.features.arrays import TrackArrays
from mixtape.features.index import TrackIndex
from mixtape.models import mood as mood_model
from mixtape.models import registry
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Bound, Controls
from mixtape.models.curate import CurationResult
from mixtape.models.curate import curate as curate_playlist
from mixtape.records import Recommendation

#: Shows that something slow is happening: called with a message, used as a context.
Status = Callable[[str], AbstractContextManager[Any]]

EMPTY_CATALOG = "the catalog has no tracks; run `mixtape demo-data` or `mixtape ingest …` first"
MAX_MODELS = 8  # fitted models kept in memory per arrays


def _quiet(_message: str) -> AbstractContextManager[Any]:
    return contextlib.nullcontext()


# -- arrays ---------------------------------------------------------------------------

_lock = threading.RLock()
_arrays: dict[str, TrackArrays] = {}  # catalog tag → the latest arrays
_indexes: weakref.WeakKeyDictionary[TrackArrays, TrackIndex] = weakref.WeakKeyDictionary()
_models: weakref.WeakKeyDictionary[TrackArrays, OrderedDict[str, Recommender]] = (
    weakref.WeakKeyDictionary()
)


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


def track_index(data: TrackArrays) -> TrackIndex:
    """The (cached) reference index of ``data``."""
    with _lock:
        index = _indexes.get(data)
        if index is None:
            index = _indexes[data] = TrackIndex(data)
        return index


def _arrays_of(
    source: Catalog | TrackArrays, cache_dir: Path | None, status: Status
) -> TrackArrays:
    if isinstance(source, TrackArrays):
        if source.n_tracks == 0:
            raise CatalogError(EMPTY_CATALOG)
        return source
    return load_arrays(source, cache_dir, status=status)


# -- parsing user values ----------------------------------------------------------------


def parse_number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"bad {what} {text!r}: not a number") from None
    if not math.isfinite(value):
        raise InputError(f"bad {what} {text!r}: not a finite number")
    return value


def _split_assignment(item: str, option: str, example: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise InputError(f"bad {option} {item!r}: expected NAME=VALUE, e.g. {option} {example}")
    return name, value


def parse_assignments(items: Sequence[str], option: str) -> dict[str, float]:
    """``["energy=0.8", "tempo=120"]`` → ``{"energy": 0.8, "tempo": 120.0}`` (min/max/target)."""
    out: dict[str, float] = {}
    for item in items:
        name, value = _split_assignment(item, option, "energy=0.8")
        out[name] = parse_number(value, f"{option} {name}")
    return out


def _coerce(value: str) -> Any:
    low = value.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``["k=20", "metric=cosine"]`` → ``{"k": 20, "metric": "cosine"}`` (numbers, booleans)."""
    out: dict[str, Any] = {}
    for item in items:
        name, value = _split_assignment(item, "--param", "n_clusters=8")
        out[name] = _coerce(value)
    return out


def bounds(
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
) -> dict[str, Bound]:
    """Merge min/max/target dicts into one :class:`Bound` per attribute."""
    names = {*(minimum or {}), *(maximum or {}), *(target or {})}
    out = {
        name: Bound(
            min=(minimum or {}).get(name),
            max=(maximum or {}).get(name),
            target=(target or {}).get(name),
        )
        for name in sorted(names)
    }
    for name, b in out.items():
        if b.min is not None and b.max is not None and b.min > b.max:
            raise InputError(f"--min {name}={b.min:g} is above --max {name}={b.max:g}")
    return out


def parse_mood(text: str) -> tuple[float, float]:
    """``"0.8,0.3"`` (valence, energy in 0..1) or a mood word such as ``calm``."""
    return mood_model.parse_mood(text)


def read_refs_file(path: Path) -> list[str]:
    """Track references from a file: one per line (``#`` comments), or a JSON list.

    JSON items may be strings or objects with a ``track_id``, ``id`` or ``uri``
    (so the ``recommendations`` of ``mixtape recommend --json`` can be fed back).
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: bad JSON at line {exc.lineno}: {exc.msg}") from exc
        if isinstance(items, dict) and isinstance(items.get("recommendations"), list):
            items = items["recommendations"]
        if not isinstance(items, list):
            raise InputError(f"{path}: expected a JSON list of track references")
        refs = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                item = item.get("track_id") or item.get("id") or item.get("uri")
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise InputError(f"{path}: item {i} is not a track reference")
            refs.append(str(item))
        return refs
    refs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            refs.append(line)
    return refs


# -- seeds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedSpec:
    """What to recommend from: exactly one of tracks, a playlist, a seeds file or a mood."""

    tracks: tuple[str, ...] = ()
    playlist: str | None = None
    seeds_file: Path | None = None
    mood: str | None = None

    def kinds(self) -> list[str]:
        given = {
            "--track": bool(self.tracks),
            "--playlist": self.playlist is not None,
            "--seeds": self.seeds_file is not None,
            "--mood": self.mood is not None,
        }
        return [k for k, v in given.items() if v]


@dataclass(frozen=True)
class ResolvedSeeds:
    seeds: Seeds
    track_ids: tuple[str, ...] = ()
    mood: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()


def _resolve_lenient(
    index: TrackIndex, refs: Sequence[str], source: str
) -> tuple[list[int], list[str]]:
    """Rows for the refs that resolve; one warning per ref that does not."""
    rows: list[int] = []
    warnings: list[str] = []
    for ref in refs:
        row = index.find(ref)
        if row is None:
            warnings.append(f"{source}: skipped {index.unknown(ref)}")
        else:
            rows.append(row)
    return rows, warnings


def resolve_seeds(data: TrackArrays, spec: SeedSpec) -> ResolvedSeeds:
    """Turn a :class:`SeedSpec` into model :class:`Seeds`.

    Tracks given one by one must all exist; unknown tracks in a seeds file
    are skipped with a warning as long as one resolves.
    """
    kinds = spec.kinds()
    if not kinds:
        raise InputError("no seeds given", hint="give --track, --playlist, --seeds FILE or --mood")
    if len(kinds) > 1:
        raise InputError(f"give only one kind of seed, not {' and '.join(kinds)}")
    index = track_index(data)
    warnings: list[str] = []
    if spec.mood is not None:
        valence, energy = parse_mood(spec.mood)
        return ResolvedSeeds(seeds=Seeds.at(valence, energy), mood=(valence, energy))
    if spec.tracks:
        rows = index.rows(spec.tracks)
    elif spec.playlist is not None:
        rows = index.playlist_rows(spec.playlist)
        if not rows:
            raise InputError(f"playlist {spec.playlist} has no tracks")
    else:
        assert spec.seeds_file is not None
        refs = read_refs_file(spec.seeds_file)
        if not refs:
            raise InputError(f"{spec.seeds_file} holds no track references")
        rows, warnings = _resolve_lenient(index, refs, str(spec.seeds_file))
        if not rows:
            first = index.unknown(refs[0])
            raise UnknownTrackError(
                f"none of the {len(refs)} tracks in {spec.seeds_file} is in the catalog "
                f"(first: {first.message})",
                hint=first.hint,
            )
    rows = list(dict.fromkeys(rows))  # keep the order, drop repeats
    return ResolvedSeeds(
        seeds=Seeds.tracks(rows),
        track_ids=tuple(index.key(r) for r in rows),
        warnings=tuple(warnings),
    )


def make_controls(
    data: TrackArrays,
    *,
    max_per_artist: int | None = None,
    exclude: Sequence[str] = (),
    exclude_file: Path | None = None,
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
) -> tuple[Controls, list[str]]:
    """:class:`Controls` from user values; unknown excluded tracks are skipped with warnings."""
    index = track_index(data)
    refs = list(exclude)
    if exclude_file is not None:
        refs += read_refs_file(exclude_file)
    rows, warnings = _resolve_lenient(index, refs, str(exclude_file or "--exclude"))
    controls = Controls(
        exclude=frozenset(rows),
        max_per_artist=max_per_artist,
        bounds=bounds(minimum, maximum, target),
    )
    return controls, warnings


# -- models -----------------------------------------------------------------------------------


def availability(name: str) -> tuple[bool, str]:
    """Whether a registered model can be used here, and if not why.

    A model class may define a ``available()`` classmethod returning
    ``(bool, reason)``; models without one are always available.
    """
    cls = registry.model_class(name)
    check = getattr(cls, "available", None)
    if check is None:
        return True, ""
    try:
        ok, reason = check()
    except MixtapeError as exc:
        return False, str(exc)
    return bool(ok), str(reason or "")


def model_summary(name: str) -> str:
    return str(getattr(registry.model_class(name), "summary", ""))


def _params_key(name: str, params: Mapping[str, Any]) -> str:
    blob = json.dumps({"model": name, "params": dict(params)}, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


def create_model(name: str, params: Mapping[str, Any] | None = None) -> Recommender:
    """A new model by name; unknown names, unavailable models and bad parameters raise."""
    cls = registry.model_class(name)
    ok, reason = availability(name)
    if not ok:
        raise ModelUnavailableError(f"the {name} model is unavailable: {reason}")
    params = dict(params or {})
    accepted = [p for p in inspect.signature(cls).parameters if p not in ("self", "args", "kwargs")]
    unknown = [p for p in params if p not in accepted]
    if unknown:
        raise InputError(
            f"the {name} model has no parameter {unknown[0]!r}",
            hint=("its parameters: " + ", ".join(accepted)) if accepted else "it takes none",
        )
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad parameters for the {name} model: {exc}") from exc


def _saves_state(model: Recommender) -> bool:
    return type(model)._state is not Recommender._state


def _model_file(model_cache_dir: Path, name: str, pkey: str, fp: str) -> Path:
    return Path(model_cache_dir) / f"model-{name}-{pkey}-{fp}.npz"


def fitted_model(
    data: TrackArrays,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    model_cache_dir: Path | None = None,
    status: Status = _quiet,
) -> Recommender:
    """A model fitted on ``data``, reused from memory (or disk) when already fitted."""
    params = dict(params or {})
    model = create_model(name, params)
    pkey = _params_key(name, params)
    with _lock:
        cached = _models.setdefault(data, OrderedDict())
        if pkey in cached:
            cached.move_to_end(pkey)
            return cached[pkey]
        path = None
        if model_cache_dir is not None and data.fingerprint and _saves_state(model):
            path = _model_file(model_cache_dir, name, pkey, data.fingerprint)
        loaded = _load_model(type(model), path, data) if path is not None else None
        if loaded is not None:
            model = loaded
        else:
            with status(f"fitting the {name} model on {data.n_tracks:,} tracks"):
                model.fit(data)
            if path is not None:
                _save_model(model, path)
        cached[pkey] = model
        while len(cached) > MAX_MODELS:
            cached.popitem(last=False)
        return model


def _load_model(cls: type[Recommender], path: Path, data: TrackArrays) -> Recommender | None:
    if not path.is_file():
        return None
    try:
        return cls.load(path, data)
    except Exception:  # a stale or damaged file only costs a refit
        return None


def _save_model(model: Recommender, path: Path) -> None:
    """Save atomically and drop this model's files for older catalog states."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            model.save(Path(tmp))
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    except (OSError, TypeError, ValueError):
        return  # not cacheable (read-only folder, parameters that are not JSON): refit next time
    prefix = path.name.rsplit("-", 1)[0]  # model-NAME-PARAMS-CATALOG
    for old in path.parent.glob(prefix + "-*.npz"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


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

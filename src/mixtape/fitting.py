"""Fitted models, cached per arrays + name + parameters, in memory and on disk.

A long-lived process (such as a web app) fits each model once per catalog state;
models that save fitted state are also kept in ``model_cache_dir`` as
``.npz`` files (no pickle) and reloaded by the next process.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mixtape.errors import (
    InputError,
    MixtapeError,
    ModelUnavailableError,
)
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender

#: Shows that something slow is happening: called with a message, used as a context.
Status = Callable[[str], AbstractContextManager[Any]]


def _quiet(_message: str) -> AbstractContextManager[Any]:
    return contextlib.nullcontext()


MAX_MODELS = 8  # fitted models kept in memory per arrays

_lock = threading.RLock()
_models: weakref.WeakKeyDictionary[TrackArrays, OrderedDict[str, Recommender]] = (
    weakref.WeakKeyDictionary()
)


# -- models -----------------------------------------------------------------------------------


def availability(name: str) -> tuple[bool, str]:
    """Whether a registered model can be used here, and if not why
    (``Recommender.available()``; an error while checking counts as a no)."""
    cls = registry.model_class(name)
    try:
        ok, reason = cls.available()
    except MixtapeError as exc:
        return False, str(exc)
    return bool(ok), str(reason or "")


def model_summary(name: str) -> str:
    return registry.model_class(name).summary


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

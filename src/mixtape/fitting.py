"""Models by name, and :class:`FittedModels`: fitted ones cached in memory and on disk.

A long-lived process (such as a web app) fits each model once per catalog state;
models that save fitted state are also kept in ``model_cache_dir`` as
``.npz`` files (no pickle) and reloaded by the next process.  The cache is an
object its owner (the facade) creates and drops; nothing is kept per module.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mixtape.errors import (
    InputError,
    MixtapeError,
    ModelUnavailableError,
    shown,
)
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender

#: Shows that something slow is happening: called with a message, used as a context.
Status = Callable[[str], AbstractContextManager[Any]]


def _quiet(_message: str) -> AbstractContextManager[Any]:
    return contextlib.nullcontext()


MAX_MODELS = 8  # fitted models kept in memory


# -- models -----------------------------------------------------------------------------------


def availability(name: str) -> tuple[bool, str]:
    """Whether a registered model can be used here, and if not why.

    A model class may define a ``available()`` classmethod returning
    ``(bool, reason)``; models without one are always available.
    """
    cls = _model_class(name)
    check = getattr(cls, "available", None)
    if check is None:
        return True, ""
    try:
        ok, reason = check()
    except MixtapeError as exc:
        return False, str(exc)
    return bool(ok), str(reason or "")


def _model_class(name: str) -> Any:
    try:
        return registry.model_class(name)
    except InputError as exc:
        exc.field = exc.field or "model"
        raise


def model_summary(name: str) -> str:
    return str(getattr(_model_class(name), "summary", ""))


def needs_network(name: str) -> bool:
    """Whether the model asks a remote service when it recommends."""
    return bool(getattr(_model_class(name), "needs_network", False))


#: What a score means when a model does not say.
DEFAULT_SCORE = "higher is better; comparable only within one list"


def score_meaning(name: str) -> str:
    """What the model's scores mean (``score_meaning`` on the model class)."""
    return str(getattr(_model_class(name), "score_meaning", "") or DEFAULT_SCORE)


def _params_key(name: str, params: Mapping[str, Any]) -> str:
    blob = json.dumps({"model": name, "params": dict(params)}, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


def create_model(name: str, params: Mapping[str, Any] | None = None) -> Recommender:
    """A new model by name; unknown names, unavailable models and bad parameters raise."""
    cls = _model_class(name)
    ok, reason = availability(name)
    if not ok:
        raise ModelUnavailableError(f"the {name} model is unavailable: {reason}")
    params = dict(params or {})
    accepted = [p for p in inspect.signature(cls).parameters if p not in ("self", "args", "kwargs")]
    unknown = [p for p in params if p not in accepted]
    if unknown:
        raise InputError(
            f"the {name} model has no parameter {shown(unknown[0])}",
            hint=("its parameters: " + ", ".join(accepted)) if accepted else "it takes none",
            field="param",
        )
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad parameters for the {name} model: {exc}", field="param") from exc


def _saves_state(model: Recommender) -> bool:
    return type(model)._state is not Recommender._state


def _model_file(model_cache_dir: Path, name: str, pkey: str, fp: str) -> Path:
    return Path(model_cache_dir) / f"model-{name}-{pkey}-{fp}.npz"


class FittedModels:
    """Fitted models per catalog state + name + parameters, in memory and in ``folder``.

    Thread-safe: two threads asking for the same model wait for one fit; models
    with different keys fit concurrently.  At most ``max_models`` stay in memory.
    """

    def __init__(self, folder: Path | None = None, max_models: int = MAX_MODELS) -> None:
        self.folder = folder
        self.max_models = max_models
        self._lock = threading.Lock()
        self._models: OrderedDict[tuple[int, str, str], Recommender] = OrderedDict()
        self._fitting: dict[tuple[int, str, str], threading.Lock] = {}

    def get(
        self,
        data: TrackArrays,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        status: Status = _quiet,
    ) -> Recommender:
        """A model fitted on ``data``, reused from memory (or disk) when already fitted."""
        params = dict(params or {})
        model = create_model(name, params)
        key = (id(data), name, _params_key(name, params))
        with self._lock:
            cached = self._cached(key, data)
            if cached is not None:
                return cached
            gate = self._fitting.setdefault(key, threading.Lock())
        with gate:  # one fit per key; a second caller waits and finds it cached
            with self._lock:
                cached = self._cached(key, data)
            if cached is None:
                cached = self._fit_or_load(model, data, key[2], status)
                with self._lock:
                    self._models[key] = cached
                    while len(self._models) > self.max_models:
                        self._models.popitem(last=False)
        with self._lock:
            self._fitting.pop(key, None)
        return cached

    def _cached(self, key: tuple[int, str, str], data: TrackArrays) -> Recommender | None:
        model = self._models.get(key)
        if model is None or model.data_ is not data:  # an id reused by newer arrays
            return None
        self._models.move_to_end(key)
        return model

    def _fit_or_load(
        self, model: Recommender, data: TrackArrays, pkey: str, status: Status
    ) -> Recommender:
        path = None
        if self.folder is not None and data.fingerprint and _saves_state(model):
            path = _model_file(self.folder, model.name, pkey, data.fingerprint)
        loaded = _load_model(type(model), path, data) if path is not None else None
        if loaded is not None:
            return loaded
        with status(f"fitting the {model.name} model on {data.n_tracks:,} tracks"):
            model.fit(data)
        if path is not None:
            _save_model(model, path)
        return model

    def clear(self) -> None:
        """Forget every fitted model (files on disk stay)."""
        with self._lock:
            self._models.clear()


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

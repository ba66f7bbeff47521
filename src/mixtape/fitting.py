"""Models by name, and :class:`FittedModels`: fitted ones cached in memory and on disk.

A long-lived process (such as a web app) fits each model once per catalog state;
models that save fitted state are also kept in ``model_cache_dir`` as
``.npz`` files (no pickle) and reloaded by the next process.  The cache is an
object its owner (the facade) creates and drops; nothing is kept per module.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mixtape.atomic import replacing
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
MAX_CHECKED = 256  # parameter sets remembered as valid


# -- models -----------------------------------------------------------------------------------


def availability(name: str) -> tuple[bool, str]:
    """Whether a registered model can be used here, and if not why
    (``Recommender.available()``; an error while checking counts as a no)."""
    cls = _model_class(name)
    try:
        ok, reason = cls.available()
    except MixtapeError as exc:
        return False, str(exc)
    return bool(ok), str(reason or "")


def _model_class(name: str) -> type[Recommender]:
    try:
        return registry.model_class(name)
    except InputError as exc:
        exc.field = exc.field or "model"
        raise


def model_summary(name: str) -> str:
    return _model_class(name).summary


def needs_network(name: str) -> bool:
    """Whether the model asks a remote service when it recommends."""
    return _model_class(name).needs_network


def uses_title(name: str) -> bool:
    """Whether the model uses a playlist title as a seed."""
    return _model_class(name).uses_title


def score_meaning(name: str) -> str:
    """What the model's scores mean (``score_meaning`` on the model class)."""
    return _model_class(name).score_meaning


def _params_key(name: str, params: Mapping[str, Any]) -> str:
    blob = json.dumps({"model": name, "params": dict(params)}, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


@functools.cache
def _accepted(cls: type[Recommender]) -> tuple[str, ...]:
    """The parameters a model class takes (read once per class: ``inspect`` is slow)."""
    return tuple(
        p for p in inspect.signature(cls).parameters if p not in ("self", "args", "kwargs")
    )


def _available_class(name: str) -> type[Recommender]:
    """The model class called ``name``; raises when unknown or unavailable here."""
    cls = _model_class(name)
    ok, reason = availability(name)
    if not ok:
        raise ModelUnavailableError(f"the {name} model is unavailable: {reason}")
    return cls


def _build(cls: type[Recommender], name: str, params: Mapping[str, Any]) -> Recommender:
    """``cls(**params)``; InputError (``field="param"``) for a parameter it does not take
    or a value it refuses."""
    accepted = _accepted(cls)
    unknown = [p for p in params if p not in accepted]
    if unknown:
        raise InputError(
            f"the {name} model has no parameter {shown(unknown[0])}",
            hint=("its parameters: " + ", ".join(accepted)) if accepted else "it takes none",
            field="param",
        )
    for key, value in params.items():
        _check_kind(name, key, value, _defaults(cls).get(key))
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad parameters for the {name} model: {exc}", field="param") from exc


@functools.cache
def _defaults(cls: type[Recommender]) -> dict[str, Any]:
    """Each parameter's default value (those that have one)."""
    return {
        name: p.default
        for name, p in inspect.signature(cls).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _check_kind(model: str, key: str, value: Any, default: Any) -> None:
    """InputError (``field="param"``) for a word where the default is a number or a
    boolean (``alpha=x``), before the model compares it with something."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise InputError(
                f"the {model} model's {key} is true or false, not {shown(str(value))}",
                field="param",
            )
    elif isinstance(default, int | float) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise InputError(
            f"the {model} model's {key} is a number, not {shown(str(value))}", field="param"
        )


def create_model(name: str, params: Mapping[str, Any] | None = None) -> Recommender:
    """A new model by name; unknown names, unavailable models and bad parameters raise."""
    return _build(_available_class(name), name, dict(params or {}))


def _frozen(params: Mapping[str, Any]) -> Hashable | None:
    """``params`` as a dictionary key, or None when a value cannot be one (a list, say).

    Types are part of the key: ``1``, ``1.0`` and ``True`` are equal in Python but
    not to every model, nor in the saved model's file name.
    """
    frozen = tuple((k, type(v), v) for k, v in sorted(params.items()))
    try:
        hash(frozen)
    except TypeError:
        return None
    return frozen


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
        # (model class, frozen parameters) -> the parameters' cache key, for the sets a
        # model has accepted: checking them again on every call would cost a quarter
        # of a warm recommendation (a signature read and a throw-away model).
        self._checked: OrderedDict[tuple[type[Recommender], Hashable], str] = OrderedDict()

    def check(self, name: str, params: Mapping[str, Any] | None = None) -> str:
        """Raise as :func:`create_model` would for ``name`` and ``params``; else return the
        parameters' cache key. Availability is asked every time; parameters once."""
        cls = _available_class(name)
        params = dict(params or {})
        frozen = _frozen(params)
        key = None if frozen is None else (cls, frozen)
        with self._lock:
            pkey = self._checked.get(key) if key is not None else None
        if pkey is not None:
            return pkey
        _build(cls, name, params)
        pkey = _params_key(name, params)
        if key is not None:
            with self._lock:
                self._checked[key] = pkey
                while len(self._checked) > MAX_CHECKED:
                    self._checked.popitem(last=False)
        return pkey

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
        key = (id(data), name, self.check(name, params))
        ok, reason = _model_class(name).available_on(data)
        if not ok:
            raise ModelUnavailableError(f"the {name} model is unavailable: {reason}")
        with self._lock:
            cached = self._cached(key, data)
            if cached is not None:
                return cached
            gate = self._fitting.setdefault(key, threading.Lock())
        with gate:  # one fit per key; a second caller waits and finds it cached
            with self._lock:
                cached = self._cached(key, data)
            if cached is None:
                model = create_model(name, params)
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
        note = type(model).fit_note()
        message = f"fitting the {model.name} model on {data.n_tracks:,} tracks"
        with status(f"{message}; {note}" if note else message):
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
        with replacing(path) as fh:
            model.save(fh)
    except (OSError, TypeError, ValueError):
        return  # not cacheable (read-only folder, parameters that are not JSON): refit next time
    prefix = path.name.rsplit("-", 1)[0]  # model-NAME-PARAMS-CATALOG
    for old in path.parent.glob(prefix + "-*.npz"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()

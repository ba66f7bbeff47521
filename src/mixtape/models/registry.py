"""One registry of models, used by the CLI and the evaluation (and the planned web app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mixtape.errors import InputError
from mixtape.models.base import Recommender

_FACTORIES: dict[str, Callable[..., Recommender]] = {}


def register(cls: type[Recommender]) -> type[Recommender]:
    """Class decorator: make a model available by its ``name``."""
    _FACTORIES[cls.name] = cls
    return cls


def _load_builtin() -> None:
    # Imported lazily so `import mixtape.models.registry` has no side effects
    # beyond defining this module.
    from mixtape.models import builtin  # noqa: F401


def names() -> list[str]:
    _load_builtin()
    return list(_FACTORIES)


def model_class(name: str) -> Callable[..., Recommender]:
    _load_builtin()
    try:
        return _FACTORIES[name]
    except KeyError:
        raise InputError(
            f"unknown model {name!r}", hint="run `mixtape models` to list them"
        ) from None


def create(name: str, **params: Any) -> Recommender:
    """A new, unfitted model by name."""
    return model_class(name)(**params)

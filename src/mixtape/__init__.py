"""mixtape: a music recommender you can run on your own data.

``mixtape.Mixtape`` (the facade, :mod:`mixtape.library`) is imported on first
use, so ``import mixtape`` stays light and has no side effects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from mixtape.library import Mixtape


def __getattr__(name: str) -> Any:
    if name == "Mixtape":
        from mixtape.library import Mixtape

        return Mixtape
    raise AttributeError(f"module 'mixtape' has no attribute {name!r}")


__all__ = ["Mixtape", "__version__"]

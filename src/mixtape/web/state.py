"""What every route shares, one per app: the facade, templates, sessions, the fit queue."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks

from mixtape.library import Mixtape
from mixtape.web.prepare import Preparer
from mixtape.web.sessions import SessionStore

T = TypeVar("T")


@dataclass
class WebState:
    """Everything the routes share; ``owns_mixtape``: the app closes it on shutdown."""

    mixtape: Mixtape
    templates: Jinja2Blocks
    sessions: SessionStore
    preparer: Preparer
    owns_mixtape: bool
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock)

    def memo(self, name: str, version: str, make: Callable[[], T]) -> T:
        """``make()``, computed once per ``(name, version)`` (e.g. per catalog state)."""
        key = (name, version)
        with self._memo_lock:
            if key in self._memo:
                return self._memo[key]
        value = make()
        with self._memo_lock:
            for old in [k for k in self._memo if k[0] == name]:
                del self._memo[old]
            self._memo[key] = value
        return value


def state_of(request: Request) -> WebState:
    """The app's :class:`WebState` (a FastAPI dependency)."""
    web: WebState = request.app.state.web
    return web

"""What every route shares, one per app: the facade, templates, sessions, the fit queue."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks

from mixtape.library import Mixtape
from mixtape.web.prepare import Preparer
from mixtape.web.sessions import SessionStore


@dataclass
class WebState:
    """Everything the routes share; ``owns_mixtape``: the app closes it on shutdown."""

    mixtape: Mixtape
    templates: Jinja2Blocks
    sessions: SessionStore
    preparer: Preparer
    owns_mixtape: bool


def state_of(request: Request) -> WebState:
    """The app's :class:`WebState` (a FastAPI dependency)."""
    web: WebState = request.app.state.web
    return web

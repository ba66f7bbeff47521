"""The app factory: ``create_app(settings)`` builds the app, its state and its routes.

Nothing is built at import time.  One :class:`~mixtape.library.Mixtape` is
shared by every request: the catalog's arrays and fitted models are loaded
once and kept; fits run in a background thread (:mod:`mixtape.web.prepare`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mixtape import __version__
from mixtape.library import Mixtape
from mixtape.settings import Settings
from mixtape.web import failures, render
from mixtape.web.prepare import ARRAYS, Preparer
from mixtape.web.routes import ROUTERS
from mixtape.web.routes.home import catalog_stats
from mixtape.web.routes.mood import map_data
from mixtape.web.sessions import SessionStore
from mixtape.web.state import WebState

STATIC = Path(__file__).parent / "static"

#: Models fitted in the background as soon as the server starts (cheap, used first).
WARM_MODELS = ("content", "mood", "audio")
#: The background job that prepares the home page and the mood map (after the arrays).
PAGES = ":pages"
#: Seconds a check that the catalog is unchanged is trusted; the check then runs in the
#: background (0.1-0.2 s at 1.2M tracks: no request waits for it). Writes through this
#: app are seen at once.
RECHECK_SECONDS = 2.0


class HeadAsGet:
    """Answers HEAD as GET without the body: FastAPI's GET routes take no HEAD, and RFC 9110
    asks a server to support HEAD wherever it supports GET (link checkers, ``curl -I``).
    The server still sees the HEAD request (the scope is copied), and sends no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _warm_pages(web: WebState) -> None:
    """What the first visits would otherwise wait for, done once the arrays are built: the
    models' availability (imports their libraries), the home page's counts, the mood map
    and the tracks' playlist counts (0.15-1.7 s each at 1.2M tracks)."""
    web.mixtape.models()
    web.mixtape.arrays().playlist_counts  # noqa: B018 (a cached property, computed here)
    catalog_stats(web)
    map_data(web)


def _work(mx: Mixtape) -> Callable[[str], object]:
    """What the background thread does for a job: build the arrays, or fit a model."""

    def work(name: str) -> object:
        if name == ARRAYS:
            return mx.arrays()
        return mx.fitted(name)

    return work


def create_app(source: Settings | Mixtape, *, warm: Iterable[str] | None = WARM_MODELS) -> FastAPI:
    """The web app over ``source``: settings, or a :class:`Mixtape` the caller keeps (a
    server's should be made with ``recheck=RECHECK_SECONDS``).

    ``warm``: models to fit in the background when the server starts (None or
    empty: none, and not even the arrays; tests prepare what they need).
    """
    owns = not isinstance(source, Mixtape)
    mx = Mixtape(source, recheck=RECHECK_SECONDS) if isinstance(source, Settings) else source
    warm_models = tuple(warm or ())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        web: WebState = app.state.web
        if warm_models and mx.exists():
            web.preparer.start((ARRAYS,))
            web.preparer.run(PAGES, lambda: _warm_pages(web))
            web.preparer.start(warm_models)
        try:
            yield
        finally:
            web.preparer.shutdown()
            if web.owns_mixtape:
                mx.close()

    app = FastAPI(
        title="mixtape",
        version=__version__,
        summary="A music recommender on your own catalog: search, recommend, mood map, paths.",
        docs_url=None,  # Swagger UI loads from a CDN; the app works offline
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.web = WebState(
        mixtape=mx,
        templates=render.make_templates(),
        sessions=SessionStore(),
        preparer=Preparer(_work(mx)),
        owns_mixtape=owns,
    )
    failures.install(app)
    for router in ROUTERS:
        app.include_router(router)
    # After the routers: each request is matched against the routes in order, and the
    # static files are fetched once per page load, the API many times a second.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(HeadAsGet)
    return app

"""The JSON API: every page's data, in the shapes of the CLI's ``--json``.

List endpoints also download as a playlist file with ``format=m3u8|xspf|jspf|json``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from mixtape.library import model_or_default
from mixtape.paths import MAX_STEPS
from mixtape.web import downloads
from mixtape.web.params import (
    Format,
    RecommendQuery,
    openapi_parameters,
    parse_query,
)
from mixtape.web.prepare import ARRAYS
from mixtape.web.routes.mood import map_data
from mixtape.web.state import WebState, state_of

router = APIRouter(prefix="/api", tags=["api"])

Web = Annotated[WebState, Depends(state_of)]
FormatQuery = Annotated[
    Format | None, Query(description="Download the list as a playlist file in this format.")
]


class JSON(JSONResponse):
    """JSON without ASCII escapes (names in any script stay readable)."""

    def render(self, content: Any) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("/ping", summary="A constant answer (for load tests of the server stack)")
async def ping() -> Response:
    return Response(b'{"ok":true}', media_type="application/json")


@router.get("/models", summary="Every model, available or not and why")
def models(web: Web) -> Response:
    return JSON({"models": [m.as_dict() for m in web.mixtape.models()]})


@router.get("/stats", summary="Catalog counts, top lists and feature coverage")
def stats(web: Web) -> Response:
    return JSON(web.mixtape.stats().as_dict())


@router.get("/search", summary="Tracks and artists matching a name, as you type")
def search(
    web: Web,
    q: Annotated[str, Query(max_length=200, description="Words, 'artist - title' or an id.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    return JSON(web.mixtape.search(q, limit=limit).as_dict())


@router.get("/tracks/{ref:path}", summary="One track: names, year, audio features, genres")
def track(
    web: Web,
    ref: Annotated[str, Path(max_length=300, description="Anything --track accepts.")],
) -> Response:
    return JSON(web.mixtape.track(ref).as_dict())


async def _recommend(web: WebState, model: str, kwargs: dict[str, Any]) -> Any:
    """Inline when the model is fitted (well under a millisecond), else in a worker thread.

    A fit never runs on the event loop: the server keeps answering meanwhile.
    """
    preparer = web.preparer
    if preparer.state(ARRAYS, start=False).ready and preparer.state(model, start=False).ready:
        return web.mixtape.recommend(model, **kwargs)
    result = await run_in_threadpool(lambda: web.mixtape.recommend(model, **kwargs))
    preparer.mark_ready(ARRAYS)
    preparer.mark_ready(model)
    return result


@router.get(
    "/recommend",
    summary="Recommendations from seed tracks, a playlist, a mood or a playlist title",
    openapi_extra=openapi_parameters(RecommendQuery),
)
async def recommend(request: Request) -> Response:
    """The CLI's ``recommend --json``; ``format`` downloads the list instead."""
    # No dependencies here: FastAPI's dependency solving costs as much as the rest of
    # this endpoint (measured); the parameters are parsed and documented by hand.
    web = state_of(request)
    query = parse_query(request, RecommendQuery)
    kwargs = {**query.seed_kwargs(), **query.control_kwargs()}
    model = model_or_default(query.model, title_only=query.title_only)
    result = await _recommend(web, model, kwargs)
    if query.format is not None:
        return downloads.playlist_file(
            query.format, f"mixtape {model} recommendations", result.recommendations
        )
    return JSON(result.as_dict())


@router.get("/path", summary="A path of steps from one track to another")
def path(
    web: Web,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=300)],
    to: Annotated[str, Query(min_length=1, max_length=300)],
    n: Annotated[
        int, Query(ge=2, le=MAX_STEPS, description="Tracks on the path, both ends included.")
    ] = 12,
    model: Annotated[str, Query(pattern="^(audio|content)$")] = "audio",
    max_per_artist: Annotated[int | None, Query(ge=1, le=100)] = None,
    all_versions: bool = False,
    format: FormatQuery = None,
) -> Response:
    result = web.mixtape.path(
        from_, to, n=n, model=model, max_per_artist=max_per_artist, all_versions=all_versions
    )
    if format is not None:
        return downloads.playlist_file(format, "mixtape song path", result.tracks)
    return JSON(result.as_dict())


@router.get("/mood/map", summary="Density grid and a sample of the catalog on the mood plane")
def mood_map(web: Web) -> Response:
    return JSON(map_data(web), headers={"Cache-Control": "no-cache"})

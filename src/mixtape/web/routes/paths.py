"""The Song path page: two tracks, N steps between them, drawn on the mood map."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BeforeValidator, Field

from mixtape.paths import MAX_STEPS
from mixtape.web import render
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]
Ref = Annotated[str, Query(max_length=300)]


def _blank_is_none(value: object) -> object:
    """A number field the form left blank means "not given" (as in the API's forms)."""
    return None if value == "" else value


#: At most this many tracks by one artist (the API's limit); blank: no cap.
Cap = Annotated[
    Annotated[int, Field(ge=1, le=100)] | None, BeforeValidator(_blank_is_none), Query()
]


def path_points(web: WebState, keys: list[str]) -> str:
    """The path's tracks as points for the map (JSON), ends marked."""
    briefs = web.mixtape.briefs(keys)
    points = [
        {
            "v": b.valence,
            "e": b.energy,
            "kind": "seed" if i in (0, len(briefs) - 1) else "step",
            "label": f"{i + 1}. {b.name}",
        }
        for i, b in enumerate(briefs)
        if b.valence is not None and b.energy is not None
    ]
    return json.dumps(points)


@router.get("/path")
def path_page(
    request: Request,
    web: Web,
    from_: Annotated[str, Query(alias="from", max_length=300)] = "",
    to: Ref = "",
    n: Annotated[int, Query(ge=2, le=MAX_STEPS)] = 12,
    model: Annotated[Literal["audio", "content", "sonic"], Query()] = "audio",
    max_per_artist: Cap = None,
) -> Response:
    """The form; with both ends, the path (htmx gets just the result)."""
    context: dict[str, Any] = {
        "title": "Song path",
        "start": from_,
        "end": to,
        "n": n,
        "model": model,
        "max_per_artist": max_per_artist,
        "result": None,
    }
    if from_.strip() and to.strip():
        asked: dict[str, str | int] = {"from": from_, "to": to, "n": n, "model": model}
        if max_per_artist is not None:
            asked["max_per_artist"] = max_per_artist
        query = urlencode(asked)
        job = web.preparer.state(model)
        context.update(job=job, poll_url=f"/path?{query}", poll_target="#path-result")
        if job.ready:
            result = web.mixtape.path(from_, to, n=n, model=model, max_per_artist=max_per_artist)
            keys = [t.track_id for t in result.tracks]
            context.update(
                result=result.as_dict(),
                points=path_points(web, keys),
                ends=web.mixtape.briefs([result.start, result.end]),
                download_url=f"/api/path?{query}&",
            )
        else:
            context["preparing"] = f"the {model} model"
    return render.page(request, "path.html", context, block="result")

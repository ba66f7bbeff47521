"""The Song path page: two tracks, N steps between them, drawn on the mood map."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from mixtape.paths import MAX_STEPS
from mixtape.web import render
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]
Ref = Annotated[str, Query(max_length=300)]


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
) -> Response:
    """The form; with both ends, the path (htmx gets just the result)."""
    context: dict[str, Any] = {
        "title": "Song path",
        "start": from_,
        "end": to,
        "n": n,
        "model": model,
        "result": None,
    }
    if from_.strip() and to.strip():
        query = urlencode({"from": from_, "to": to, "n": n, "model": model})
        job = web.preparer.state(model)
        context.update(job=job, poll_url=f"/path?{query}", poll_target="#path-result")
        if job.ready:
            result = web.mixtape.path(from_, to, n=n, model=model)
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

"""The mood map: the catalog on the valence–energy plane; a click lists the nearest tracks.

The page draws a density grid plus a sample (``/api/mood/map``), never every
track, so it stays fast at 1.2M tracks; the nearest tracks to a point come
from the ``mood`` model.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from mixtape.library.browsing import TrackBrief
from mixtape.web import render
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]
Unit = Annotated[float, Query(ge=0.0, le=1.0)]
NEAR = 12  # tracks listed for a click


def map_data(web: WebState) -> dict[str, Any]:
    """The density grid and sample, computed once per catalog state."""
    version = web.mixtape.arrays().fingerprint
    return web.memo("moodmap", version, lambda: web.mixtape.mood_map().as_dict())


def points(briefs: list[TrackBrief], kinds: list[str]) -> str:
    """Tracks as points to draw, JSON: [{v, e, kind, label, id}] (those with valence/energy)."""
    out = [
        {
            "v": b.valence,
            "e": b.energy,
            "kind": kind,
            "label": f"{', '.join(b.artists[:1])} - {b.name}",
            "id": b.track_id,
        }
        for b, kind in zip(briefs, kinds, strict=True)
        if b.valence is not None and b.energy is not None
    ]
    return json.dumps(out)


@router.get("/mood")
def mood_page(
    request: Request,
    web: Web,
    track: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """The map; with ``track``, that track and its nearest neighbours are marked and listed."""
    mx = web.mixtape
    context: dict[str, Any] = {"title": "Mood map", "highlight": "[]", "result": None}
    context["off_map"] = map_data(web).get("note", "")  # tracks with energy but no valence
    if track:
        seed = mx.track(track)
        result = mx.recommend("mood", tracks=(seed.track_id,), n=NEAR)
        keys = [seed.track_id] + [r.track_id for r in result.recommendations]
        kinds = ["seed"] + ["near"] * len(result.recommendations)
        context.update(
            seed=seed.as_dict(),
            result=result.as_dict(),
            highlight=points(mx.briefs(keys), kinds),
            download_url="/api/recommend?model=mood&track=" + render.quote_ref(seed.track_id) + "&",
        )
    return render.page(request, "mood.html", context)


@router.get("/mood/near")
def near(
    request: Request,
    web: Web,
    valence: Unit,
    energy: Unit,
    n: Annotated[int, Query(ge=1, le=50)] = NEAR,
) -> Response:
    """The tracks nearest to a point of the plane (the list under the map)."""
    mood = f"{valence:.3f},{energy:.3f}"
    result = web.mixtape.recommend("mood", mood=mood, n=n)
    context = {
        "title": "Mood map",
        "highlight": "[]",
        "result": result.as_dict(),
        "point": (valence, energy),
        "download_url": f"/api/recommend?model=mood&mood={mood}&n={n}&",
    }
    return render.page(request, "mood.html", context, block="near")

"""Home (search as you type, catalog stats, links) and the search results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from mixtape.web import render
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]


@router.get("/")
def home(request: Request, web: Web) -> Response:
    mx = web.mixtape
    stats = mx.stats(top=5, recent=3).as_dict() if mx.exists() else None
    return render.page(request, "home.html", {"title": "Home", "stats": stats, "url": mx.url})


@router.get("/search")
def search(
    request: Request,
    web: Web,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 12,
) -> Response:
    """The results page; htmx gets just the results (the header's and the home page's box)."""
    results = web.mixtape.search(q, limit=limit).as_dict() if q.strip() else None
    return render.page(
        request, "search.html", {"title": "Search", "q": q, "results": results}, block="results"
    )

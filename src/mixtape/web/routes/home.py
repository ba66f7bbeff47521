"""Home (search as you type, catalog stats, links) and the search results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from mixtape.web import render
from mixtape.web.prepare import ARRAYS
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]


def catalog_stats(web: WebState) -> dict[str, Any] | None:
    """The catalog's counts for the home page (None without a catalog), counted once per
    catalog state: about 1.7 s of queries at 1.2M tracks."""
    mx = web.mixtape
    if not mx.exists():
        return None
    ready = web.preparer.state(ARRAYS).ready
    version = mx.arrays().fingerprint if ready else "before the arrays"
    return web.memo("stats", version, lambda: mx.stats(top=0, recent=0).as_dict())


@router.get("/")
def home(request: Request, web: Web) -> Response:
    """Search, the catalog's counts and links."""
    context = {"title": "Home", "stats": catalog_stats(web), "url": web.mixtape.url}
    return render.page(request, "home.html", context)


@router.get("/search")
def search(
    request: Request,
    web: Web,
    q: Annotated[str, Query(max_length=200)] = "",
    from_: Annotated[str, Query(alias="from", max_length=200)] = "",
    to: Annotated[str, Query(max_length=200)] = "",
    as_: Annotated[Literal["results", "options"], Query(alias="as")] = "results",
    limit: Annotated[int, Query(ge=1, le=100)] = 12,
) -> Response:
    """The results page; htmx gets just the results (the header's and the home page's box),
    or with ``as=options`` the ``<option>`` list of a track picker (the Path page's, whose
    inputs are named ``from`` and ``to``)."""
    text = q or from_ or to
    results = web.mixtape.search(text, limit=limit).as_dict() if text.strip() else None
    context = {"title": "Search", "q": text, "results": results}
    block = "options" if as_ == "options" else "results"
    return render.page(request, "search.html", context, block=block)

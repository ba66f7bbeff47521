"""Templates: one template renders the full page, or only the block htmx asked for.

A route names the block that its htmx requests replace; a request with the
``HX-Request`` header (and not a history restore) gets just that block,
any other request the whole page.  Both come from the same template, through
jinja2-fragments.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from jinja2_fragments.fastapi import Jinja2Blocks

from mixtape.web import sessions
from mixtape.web.downloads import FORMATS

TEMPLATES = Path(__file__).parent / "templates"

#: The header's navigation: (path, label).
NAV = (
    ("/", "Home"),
    ("/mood", "Mood map"),
    ("/playlist", "Playlist"),
    ("/path", "Song path"),
    ("/models", "Models"),
    ("/evaluation", "Evaluation"),
)


#: Sent with every page: scripts only from this server (no inline ones), frames only
#: Spotify's players, forms post only here, and no other site may frame the app.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-src https://open.spotify.com; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _number(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _percent(value: Any) -> str:
    return "–" if value is None else f"{100 * float(value):.0f}%"


def quote_ref(value: Any) -> str:
    """A track reference as a URL path segment."""
    return quote(str(value), safe="")


def make_templates() -> Jinja2Blocks:
    templates = Jinja2Blocks(directory=str(TEMPLATES))
    env = templates.env
    env.filters.update(number=_number, percent=_percent, ref=quote_ref)
    env.globals.update(nav=NAV, formats=FORMATS)
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """``name`` rendered whole, or only ``block`` for an htmx request."""
    session = sessions.current(request)
    templates: Jinja2Blocks = request.app.state.web.templates
    full = {
        "request": request,
        "csrf": session.csrf,
        "signed_in": bool(session.data.get("spotify_user")),
        "path": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(
        request,
        name,
        full,
        status_code=status,
        headers={**SECURITY_HEADERS, **(headers or {})},
        block_name=block if block and is_htmx(request) else None,
    )
    sessions.set_cookie(request, response)
    return response


def error_page(
    request: Request,
    status: int,
    title: str,
    error: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Response:
    """The error page, or only its box for htmx."""
    return page(
        request,
        "error.html",
        {"title": title, "error": error, "status": status},
        block="error",
        status=status,
        headers=headers,
    )

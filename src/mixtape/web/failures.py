"""Errors mapped once: the library's typed errors become a status and an HTML or JSON body.

A request for ``/api/…`` (or one that accepts JSON but not HTML) gets
``{"error": {...}}``; a page gets the error page; an htmx request gets just
the error box, swapped where the fragment would have gone.  Nothing ever
shows a stack trace: an unexpected exception is logged on the server and the
user sees one sentence.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mixtape.errors import (
    CatalogError,
    ConfigError,
    EndpointClosed,
    InputError,
    LoginRequired,
    MixtapeError,
    ModelUnavailableError,
    RateLimited,
    SpotifyError,
    UnknownTrackError,
)
from mixtape.web import render
from mixtape.web.sessions import CsrfError

log = logging.getLogger("mixtape.web")

#: The first class in this list that an error is an instance of decides its status.
STATUS: tuple[tuple[type[MixtapeError], int], ...] = (
    (UnknownTrackError, 404),
    (CsrfError, 403),
    (LoginRequired, 401),
    (RateLimited, 429),
    (EndpointClosed, 502),
    (SpotifyError, 502),
    (InputError, 422),
    (ModelUnavailableError, 409),
    (ConfigError, 503),
    (CatalogError, 503),
)

TITLES = {
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Not available here",
    422: "Check the input",
    429: "Spotify asks us to wait",
    500: "Something went wrong",
    502: "Spotify refused",
    503: "Not ready",
}


def status_of(exc: MixtapeError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _respond(
    request: Request,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Response:
    body = {"status": status, **{k: v for k, v in body.items() if v not in (None, [], ())}}
    if wants_json(request):
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    return render.error_page(request, status, TITLES.get(status, "Error"), body, headers)


async def mixtape_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MixtapeError)
    status = status_of(exc)
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(max(1, round(exc.retry_after)))}
    if status == 500:  # our own error class but no mapping: a bug worth a log line
        log.error("unmapped %s: %s", type(exc).__name__, exc)
    return _respond(
        request,
        status,
        {
            "type": type(exc).__name__,
            "message": exc.message,
            "hint": exc.hint,
            "field": getattr(exc, "field", None),
            "suggestions": list(getattr(exc, "suggestions", None) or ()),
        },
        headers,
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "form", "header")]
    return parts[0] if parts else None


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": _field(e.get("loc", ())), "message": str(e.get("msg", "is not valid"))}
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"field": None, "message": "bad request"}
    name = first["field"] or "request"
    return _respond(
        request,
        422,
        {
            "type": "ValidationError",
            "message": f"{name}: {first['message']}",
            "field": first["field"],
            "problems": problems,
        },
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "error")
    if exc.status_code == 404 and message == "Not Found":
        message = f"there is no page at {request.url.path}"
    return _respond(
        request,
        exc.status_code,
        {"type": "HTTPError", "message": message},
        dict(exc.headers) if exc.headers else None,
    )


async def unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        request,
        500,
        {
            "type": "InternalError",
            "message": "an unexpected error happened; it was logged on the server",
        },
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(MixtapeError, mixtape_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)

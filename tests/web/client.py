"""A synchronous client for the app in-process: httpx over the ASGI transport.

Starlette's TestClient now warns when used with httpx (it wants a fork), so the
tests drive httpx's own ASGI transport from a blocking portal instead: one
event loop in a thread, requests made from the test's thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

BASE = "http://127.0.0.1:8000"


class Client:
    """``get``/``post`` like httpx.Client, cookies kept between requests."""

    def __init__(self, portal: BlockingPortal, app: FastAPI, raise_app_exceptions: bool) -> None:
        self.portal = portal
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        self.http = httpx.AsyncClient(transport=transport, base_url=BASE)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.portal.call(partial(self.http.request, method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def htmx(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A request as htmx makes it (the fragment, not the page)."""
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.request(method, url, headers=headers, **kwargs)

    def close(self) -> None:
        self.portal.call(self.http.aclose)


@contextlib.contextmanager
def client_for(app: FastAPI, *, raise_app_exceptions: bool = True) -> Iterator[Client]:
    """A client of ``app``; app errors raise in the test unless ``raise_app_exceptions`` is off."""
    with start_blocking_portal() as portal:
        client = Client(portal, app, raise_app_exceptions)
        try:
            yield client
        finally:
            client.close()

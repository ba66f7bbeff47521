"""Helpers the web tests share: warming an app, a real server, reading pages and files."""

from __future__ import annotations

import re
import socket
import threading
import time

import httpx
import uvicorn
from fastapi import FastAPI

from mixtape.web.prepare import ARRAYS
from tests.factories.playlists import read_playlist

KNOWN_FAKE_TRACKS = 60  # of the fake user's 75 saved tracks, these are in the catalog


WARM = ("content", "audio", "mood", "hybrid")


def prepared(app: FastAPI, names: tuple[str, ...] = WARM) -> FastAPI:
    """The app with the arrays and ``names`` prepared (fitted before any request)."""
    preparer = app.state.web.preparer
    for name in (ARRAYS, *names):
        assert preparer.wait(name, timeout=120).ready, name
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """``app`` served by uvicorn on 127.0.0.1 in a thread; ``url`` is its base URL."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="error", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def parse_playlist(answer: httpx.Response, fmt: str) -> list[str]:
    """The track locations (or ids) of a downloaded playlist file, in order."""
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert answer.headers["content-disposition"].endswith(f'.{fmt}"')
    found = read_playlist(answer.content, fmt)
    assert found
    return found


def csrf_of(html: str) -> str:
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def rows(html: str) -> list[str]:
    """The track ids of the rows of the track lists in ``html``, in order."""
    return re.findall(r'<tr data-track="([^"]+)"', html)

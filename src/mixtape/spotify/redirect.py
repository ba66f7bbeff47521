"""The loopback redirect catcher of the PKCE sign-in: a one-shot local HTTP server.

It listens on the redirect URI's loopback address before the browser opens,
takes the first request to the redirect path, checks ``state`` and hands back
the authorization code; it never logs the query (the code is a secret).
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mixtape.errors import LoginRequired, SpotifyError
from mixtape.spotify.config import SpotifyConfig

AGAIN = "run `mixtape spotify login` again"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.path:
            self.send_error(404)
            return
        self.server.result = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = b"<p>mixtape: sign-in received. You can close this window.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the query holds the authorization code: never log it


class _CallbackServer(http.server.HTTPServer):
    result: dict[str, str] | None = None
    path: str = "/callback"


class _CallbackServer6(_CallbackServer):
    address_family = socket.AF_INET6


@contextlib.contextmanager
def callback_server(config: SpotifyConfig) -> Iterator[_CallbackServer]:
    """Listen on the redirect URI's loopback address and port (bound before the browser opens)."""
    parts = urlsplit(config.redirect_uri)
    host = parts.hostname or "127.0.0.1"
    cls: type[_CallbackServer] = _CallbackServer6 if ":" in host else _CallbackServer
    try:
        server = cls((host, config.redirect_port), _Handler)
    except OSError as exc:
        raise SpotifyError(
            f"cannot listen on {host}:{config.redirect_port} for the sign-in redirect: "
            f"{exc.strerror or exc}",
            hint="close what uses that port, or register another loopback redirect URI "
            "and set SPOTIFY_REDIRECT_URI",
        ) from None
    server.path = parts.path or "/"
    try:
        yield server
    finally:
        server.server_close()


def wait_for_code(server: _CallbackServer, state: str, timeout: float) -> str:
    """Serve until the redirect arrives; check ``state``; return the code."""
    deadline = time.monotonic() + timeout
    server.timeout = 0.5
    while server.result is None:
        if time.monotonic() > deadline:
            raise SpotifyError(
                f"no sign-in redirect within {timeout:.0f} s", hint="run the login again"
            )
        server.handle_request()
    result = server.result
    if result.get("state") != state:
        raise SpotifyError(
            "the sign-in redirect carried the wrong state (possible forgery); nothing was saved",
            hint=AGAIN,
        )
    if "error" in result:
        raise LoginRequired(f"Spotify sign-in was not completed ({result['error']})")
    code = result.get("code")
    if not code:
        raise SpotifyError("the sign-in redirect carried no code", hint=AGAIN)
    return code

"""The network layer: an httpx transport that retries in a loop, honouring ``Retry-After``.

* 429: sleep for ``Retry-After`` seconds when that is within ``max_wait``;
  a longer wait raises :class:`RateLimited` (carrying the wait) so the caller
  can save its progress and stop instead of sleeping for an hour.
* 5xx and connection errors: exponential back-off, a few tries.

Sleeping goes through an injectable ``sleep`` so tests never really sleep.
Both the API client and Authlib's OAuth client use this transport, so token
requests are retried the same way.
"""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx

from mixtape.errors import RateLimited, SpotifyError

Sleep = Callable[[float], None]

RETRY_STATUSES = frozenset({500, 502, 503, 504})
DEFAULT_TIMEOUT = 20.0


def retry_after(value: str | None, default: float = 1.0) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


class RetryingTransport(httpx.BaseTransport):
    """Wraps another transport; retries 429 (within ``max_wait``), 5xx and connection errors."""

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        max_wait: float = 60.0,
        sleep: Sleep = time.sleep,
        server_retries: int = 3,
        backoff: float = 0.5,
        max_rate_retries: int = 10,
    ) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.max_wait = max_wait
        self.sleep = sleep
        self.server_retries = server_retries
        self.backoff = backoff
        self.max_rate_retries = max_rate_retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        failures = 0  # 5xx and connection errors so far
        waits = 0  # 429s slept through so far
        where = f"{request.method} {request.url.path}"
        while True:
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                if failures >= self.server_retries:
                    raise SpotifyError(
                        f"cannot reach Spotify ({where}): {type(exc).__name__}",
                        hint="check your network connection and try again",
                    ) from None
                self.sleep(self.backoff * 2**failures)
                failures += 1
                continue
            if response.status_code == 429:
                wait = retry_after(response.headers.get("Retry-After"))
                response.close()
                if wait > self.max_wait or waits >= self.max_rate_retries:
                    raise RateLimited(
                        f"Spotify's rate limit: it asks to wait {wait:.0f} s ({where})",
                        retry_after=wait,
                        hint="run the same command again later; it resumes where it stopped",
                    )
                self.sleep(wait)
                waits += 1
                continue
            if response.status_code in RETRY_STATUSES and failures < self.server_retries:
                response.close()
                self.sleep(self.backoff * 2**failures)
                failures += 1
                continue
            return response

    def close(self) -> None:
        self.inner.close()


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context, made once: loading the CA bundle takes ~40 ms."""
    return httpx.create_ssl_context()


def make_transport(max_wait: float, sleep: Sleep = time.sleep) -> RetryingTransport:
    return RetryingTransport(
        httpx.HTTPTransport(verify=_ssl_context()), max_wait=max_wait, sleep=sleep
    )


def make_http(max_wait: float, sleep: Sleep = time.sleep) -> httpx.Client:
    """A plain httpx client behind the retrying transport (close it when done)."""
    return httpx.Client(transport=make_transport(max_wait, sleep), timeout=DEFAULT_TIMEOUT)

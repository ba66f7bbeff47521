"""Server-side sessions and CSRF tokens.

The browser holds only a random session id in an HttpOnly, SameSite=Lax cookie
(Secure when the app is served over https); everything else, Spotify tokens
included, stays in this process's memory.  Restarting the server signs
everybody out, which is the honest behaviour for a local app.

Every state-changing request is a POST carrying the session's CSRF token, in
the ``csrf`` form field or the ``X-CSRF-Token`` header (htmx sends it through
``hx-headers`` set once on ``<body>``).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

from mixtape.errors import MixtapeError

COOKIE = "mixtape_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
IDLE_SECONDS = 12 * 3600  # a session unused this long is forgotten
MAX_SESSIONS = 10_000  # the oldest go first beyond this


class CsrfError(MixtapeError):
    """A state-changing request without this session's CSRF token."""


@dataclass
class Session:
    """One browser's state; ``data`` holds per-feature values (sign-in, playlists)."""

    sid: str
    csrf: str
    seen: float
    data: dict[str, Any] = field(default_factory=dict)


class SessionStore:
    """Sessions in memory, keyed by a random id; thread-safe; idle ones expire."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = self._clock()
        with self._lock:
            found = self._sessions.get(sid)
            if found is None:
                return None
            if now - found.seen > IDLE_SECONDS:
                del self._sessions[sid]
                return None
            found.seen = now
            self._sessions.move_to_end(sid)
            return found

    def create(self) -> Session:
        created = Session(
            sid=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), seen=self._clock()
        )
        with self._lock:
            self._sessions[created.sid] = created
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return created

    def drop(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)


def store_of(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.web.sessions
    return store


def current(request: Request) -> Session:
    """This request's session, created (and its cookie set on the way out) when missing."""
    cached = getattr(request.state, "session", None)
    if isinstance(cached, Session):
        return cached
    store = store_of(request)
    found = store.get(request.cookies.get(COOKIE))
    if found is None:
        found = store.create()
        request.state.new_session = True
    request.state.session = found
    return found


def existing(request: Request) -> Session | None:
    """This request's session if the browser already has one (never creates)."""
    cached = getattr(request.state, "session", None)
    if isinstance(cached, Session):
        return cached
    return store_of(request).get(request.cookies.get(COOKIE))


def renew(request: Request, old: Session) -> Session:
    """A new session id (and CSRF token) carrying ``old``'s data; ``old`` is forgotten.

    Called on sign-in, so that an id fixed before it is worth nothing after.
    """
    store = store_of(request)
    fresh = store.create()
    fresh.data.update(old.data)
    store.drop(old.sid)
    request.state.session = fresh
    request.state.new_session = True
    return fresh


def set_cookie(request: Request, response: Response) -> None:
    """Give the browser its session cookie if this request created the session."""
    session = getattr(request.state, "session", None)
    if getattr(request.state, "new_session", False) and isinstance(session, Session):
        response.set_cookie(
            COOKIE,
            session.sid,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )


def clear(request: Request, response: Response) -> None:
    """Forget the session (tokens included) and delete its cookie."""
    session = existing(request)
    if session is not None:
        store_of(request).drop(session.sid)
    request.state.session = None
    response.delete_cookie(COOKIE, path="/")


async def require_csrf(request: Request) -> Session:
    """FastAPI dependency for POST routes: the session, if the request carries its token."""
    session = existing(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if session is None or not sent or not hmac.compare_digest(sent, session.csrf):
        raise CsrfError(
            "this form has expired or did not come from this site",
            hint="reload the page and try again",
        )
    return session

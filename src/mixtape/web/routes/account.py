"""Sign in with Spotify: your saved tracks, matched to the catalog, curated into 50 songs.

/login sends the browser to Spotify with a random ``state`` and a PKCE
challenge (the verifier stays in the server-side session); /callback checks
the state, exchanges the code and keeps the tokens in the session only. The
import and the curation run in the background; /me shows the match rate, each
cluster's share and the 50 tracks, which can be regenerated, trimmed and
exported to the visitor's Spotify account.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from mixtape.errors import ConfigError, InputError, LoginRequired, MixtapeError
from mixtape.web import downloads, render, sessions
from mixtape.web.params import Format
from mixtape.web.sessions import CsrfError, Session
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]
Csrf = Annotated[Session, Depends(sessions.require_csrf)]
CURATED = 50


def redirect_uri(request: Request) -> str:
    """This server's callback, as Spotify must have it registered."""
    return str(request.base_url).rstrip("/") + "/callback"


def _signed_in(session: Session | None) -> bool:
    return session is not None and "spotify_token" in session.data


def curate(web: WebState, mine: dict[str, Any]) -> None:
    """Draw the 50 from the library, leaving out removed tracks and (on regenerate) drawn ones."""
    outcome = web.mixtape.curate(
        mine["keys"], n=CURATED, exclude=tuple(mine["removed"] + mine["skipped"])
    )
    data = outcome.as_dict()
    mine["curated"] = data
    mine["tracks"] = data["playlist"]


def _import_and_curate(web: WebState, session: Session) -> None:
    """The background job after sign-in; its outcome goes into the session."""
    token = session.data["spotify_token"]

    def keep(fresh: Any) -> None:
        session.data["spotify_token"] = fresh

    try:
        imported = web.mixtape.spotify_import_saved(token, on_token=keep)
        web.preparer.forget()  # the catalog changed: models are prepared again on next use
        mine: dict[str, Any] = {
            "match": imported.result.report.as_dict(),
            "total": imported.result.report.total,
            "keys": list(imported.keys),
            "removed": [],
            "skipped": [],
        }
        curate(web, mine)
        session.data["mine"] = mine
    except MixtapeError as exc:
        session.data["mine_error"] = {"message": exc.message, "hint": exc.hint}
    finally:
        session.data.pop("mine_pending", None)


@router.get("/signin")
def signin_page(request: Request, web: Web) -> Response:
    try:
        web.mixtape.spotify_web_config()
        configured, problem = True, None
    except ConfigError as exc:
        configured, problem = False, str(exc)
    context = {
        "title": "Sign in with Spotify",
        "configured": configured,
        "problem": problem,
        "redirect_uri": redirect_uri(request),
    }
    return render.page(request, "signin.html", context)


@router.get("/login")
def login(request: Request, web: Web) -> Response:
    """Off to Spotify's authorize page; the PKCE verifier and state stay here."""
    pending = web.mixtape.spotify_begin_login(redirect_uri(request))
    session = sessions.current(request)
    session.data["pending_login"] = pending
    response = RedirectResponse(pending.url, status_code=303)
    sessions.set_cookie(request, response)
    return response


@router.get("/callback")
def callback(
    request: Request,
    web: Web,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=500)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Spotify's answer: check the state, exchange the code, keep the tokens in the session."""
    old = sessions.existing(request)
    pending = old.data.pop("pending_login", None) if old is not None else None
    if old is None or pending is None or not hmac.compare_digest(state, pending.state):
        raise CsrfError(
            "this sign-in answer does not belong to this browser (its state does not match)",
            hint="start the sign-in again from the Sign in page",
        )
    if error or not code:
        raise LoginRequired(f"Spotify sign-in was not completed ({error or 'no code'})")
    token = web.mixtape.spotify_finish_login(pending, code, redirect_uri(request))
    session = sessions.renew(request, old)  # a new session id once signed in
    session.data.update(spotify_token=token, spotify_user=token.user, mine_pending=True)
    session.data.pop("mine", None)
    session.data.pop("mine_error", None)
    web.preparer.run(f"signin:{secrets.token_hex(8)}", lambda: _import_and_curate(web, session))
    response = RedirectResponse("/me", status_code=303)
    sessions.set_cookie(request, response)
    return response


def _me_context(session: Session) -> dict[str, Any]:
    return {
        "title": "Your 50",
        "user": session.data.get("spotify_user"),
        "pending": session.data.get("mine_pending", False),
        "failure": session.data.get("mine_error"),
        "mine": session.data.get("mine"),
        "exported": session.data.get("exported"),
        "download_url": "/me/download?",
        "poll_url": "/me/status",
        "poll_target": "#mine",
        "preparing": "your library and its 50 songs",
    }


@router.get("/me")
def me(request: Request) -> Response:
    session = sessions.existing(request)
    if session is None or not _signed_in(session):
        return RedirectResponse("/signin", status_code=303)
    return render.page(request, "me.html", _me_context(session))


@router.get("/me/status")
def status(request: Request) -> Response:
    """The curated part of /me (htmx polls it while the import runs)."""
    session = sessions.existing(request)
    if session is None or not _signed_in(session):
        raise LoginRequired("not signed in to Spotify", hint="sign in from the Sign in page")
    return render.page(request, "me.html", _me_context(session), block="mine")


def _mine(session: Session) -> dict[str, Any]:
    mine = session.data.get("mine")
    if not _signed_in(session) or not isinstance(mine, dict):
        raise LoginRequired("there is no curated playlist yet", hint="sign in with Spotify first")
    return mine


@router.post("/me/act")
def act(
    request: Request,
    web: Web,
    session: Csrf,
    action: Annotated[Literal["remove", "regenerate"], Form()],
    track: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Remove one track (the list gets shorter) or draw 50 new ones."""
    mine = _mine(session)
    if action == "remove":
        mine["removed"].append(track)
        mine["tracks"] = [t for t in mine["tracks"] if t["track_id"] != track]
    else:
        drawn = [t["track_id"] for t in mine["tracks"]]
        mine["skipped"] = list(dict.fromkeys(mine["skipped"] + drawn))
        curate(web, mine)
    session.data.pop("exported", None)
    return render.page(request, "me.html", _me_context(session), block="mine")


@router.post("/me/export")
def export(
    request: Request,
    web: Web,
    session: Csrf,
    name: Annotated[str, Form(max_length=100)] = "mixtape: my 50",
) -> Response:
    """The list as a new private playlist in the visitor's Spotify account."""
    mine = _mine(session)

    def keep(fresh: Any) -> None:
        session.data["spotify_token"] = fresh

    result = web.mixtape.spotify_export_tracks(
        session.data["spotify_token"], name, [t["track_id"] for t in mine["tracks"]], on_token=keep
    )
    session.data["exported"] = result.as_dict()
    return render.page(request, "me.html", _me_context(session), block="mine")


@router.get("/me/download")
def download(request: Request, web: Web, format: Annotated[Format, Query()]) -> Response:
    session = sessions.existing(request)
    if session is None:
        raise InputError("there is no curated playlist yet", hint="sign in with Spotify first")
    keys = [t["track_id"] for t in _mine(session)["tracks"]]
    return downloads.playlist_file(format, "mixtape - my 50", web.mixtape.briefs(keys))


@router.post("/logout")
def logout(request: Request, _session: Csrf) -> Response:
    """Forget the tokens and everything else in this session."""
    response = RedirectResponse("/", status_code=303)
    sessions.clear(request, response)
    return response

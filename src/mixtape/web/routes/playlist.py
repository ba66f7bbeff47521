"""The Playlist page: pick an ingested playlist or paste tracks, then continue it.

The working playlist lives in the browser's server-side session; every change
(accept, remove, exclude, regenerate, another model) is a POST with the CSRF
token and answers with the updated workspace.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from mixtape.errors import InputError
from mixtape.library import TITLE_MODEL, parse_refs
from mixtape.web import downloads, render, reports, sessions
from mixtape.web.params import Format
from mixtape.web.sessions import Session
from mixtape.web.state import WebState, state_of

router = APIRouter(prefix="/playlist", include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]
Csrf = Annotated[Session, Depends(sessions.require_csrf)]
FALLBACK_MODEL = "hybrid"
SUGGESTIONS = 10
MAX_TRACKS = 500


def default_model(web: WebState) -> str:
    """The best model of the latest evaluation report when it runs here, else hybrid."""
    report = reports.latest(web.mixtape.settings.data_dir)
    best = report.best_model() if report else None
    available = {m.name for m in web.mixtape.models() if m.available}
    return best if best in available else FALLBACK_MODEL


def _work(session: Session) -> dict[str, Any] | None:
    found = session.data.get("playlist")
    return found if isinstance(found, dict) else None


def workspace(web: WebState, session: Session) -> dict[str, Any]:
    """The workspace's context: the playlist, and its continuation (or "preparing")."""
    work = _work(session)
    models = [m for m in web.mixtape.models() if m.available]
    context: dict[str, Any] = {"work": work, "models": models, "poll_url": "/playlist/workspace"}
    context["poll_target"] = "#workspace"
    if not work:
        return context
    context["tracks"] = [b.as_dict() for b in web.mixtape.briefs(work["tracks"])]
    title = work.get("title")
    if not work["tracks"] and not title:
        return context
    job = web.preparer.state(work["model"])
    context["job"] = job
    if job.ready:
        result = web.mixtape.recommend(
            work["model"],
            tracks=tuple(work["tracks"]),
            title=title,
            exclude=tuple(work["excluded"] + work["skipped"]),
            n=SUGGESTIONS,
        )
        work["suggested"] = [r.track_id for r in result.recommendations]
        context["result"] = result.as_dict()
    else:
        context["preparing"] = f"the {work['model']} model"
    return context


def _answer(request: Request, web: WebState, session: Session) -> Response:
    if render.is_htmx(request):
        context = {"title": "Playlist", **workspace(web, session)}
        return render.page(request, "playlist.html", context, block="workspace")
    return RedirectResponse("/playlist", status_code=303)


@router.get("")
def playlist_page(request: Request, web: Web) -> Response:
    session = sessions.current(request)
    context = {"title": "Playlist", "found": web.mixtape.playlists(limit=8)}
    return render.page(request, "playlist.html", {**context, **workspace(web, session)})


@router.get("/workspace")
def workspace_fragment(request: Request, web: Web) -> Response:
    session = sessions.current(request)
    context = {"title": "Playlist", **workspace(web, session)}
    return render.page(request, "playlist.html", context, block="workspace")


@router.get("/find")
def find(request: Request, web: Web, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Ingested playlists whose title contains ``q`` (the picker's list)."""
    context = {"title": "Playlist", "found": web.mixtape.playlists(q, limit=20), "q": q}
    return render.page(request, "playlist.html", context, block="found")


@router.post("/start")
def start(
    request: Request,
    web: Web,
    session: Csrf,
    playlist: Annotated[str, Form(max_length=300)] = "",
    refs: Annotated[str, Form(max_length=100_000)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Start from an ingested playlist (its key), from pasted track references, or from a
    playlist title (with pasted tracks or alone: the title model continues it)."""
    mx = web.mixtape
    warnings: list[str] = []
    title = title.strip()
    if playlist.strip():
        details = mx.playlist(playlist)
        name, keys = details.name, [t.track_id for t in details.tracks]
    elif title and not refs.strip():
        name, keys = title, []
    else:
        given = parse_refs(refs, "the pasted list")
        if not given:
            raise InputError("paste at least one track reference", field="refs")
        keys = []
        for ref in given[:MAX_TRACKS]:
            found = mx.briefs([ref])
            if found:
                keys.append(found[0].track_id)
            else:
                warnings.append(f"not in the catalog: {ref[:80]}")
        if not keys:
            raise InputError("none of the pasted tracks is in the catalog", field="refs")
        name = title or "Pasted tracks"
    session.data["playlist"] = {
        "name": name,
        "title": title or None,
        "tracks": list(dict.fromkeys(keys))[:MAX_TRACKS],
        "excluded": [],
        "skipped": [],
        "suggested": [],
        "model": default_model(web) if keys else TITLE_MODEL,
        "warnings": warnings[:20],
    }
    return _answer(request, web, session)


@router.post("/act")
def act(
    request: Request,
    web: Web,
    session: Csrf,
    action: Annotated[
        Literal["accept", "remove", "exclude", "regenerate", "model", "clear"], Form()
    ],
    track: Annotated[str, Form(max_length=300)] = "",
    model: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Change the working playlist; answers with the updated workspace."""
    work = _work(session)
    if work is None:
        raise InputError("there is no playlist to change yet", hint="pick or paste one first")
    if action == "accept" and track and track not in work["tracks"]:
        work["tracks"].append(track)
    elif action == "remove":
        work["tracks"] = [t for t in work["tracks"] if t != track]
    elif action == "exclude" and track:
        work["excluded"].append(track)
    elif action == "regenerate":  # the next suggestions leave out the current ones
        work["skipped"] = list(dict.fromkeys(work["skipped"] + work["suggested"]))
    elif action == "model":
        usable = {m.name: m for m in web.mixtape.models() if m.available}
        if model not in usable:
            raise InputError(f"no usable model {model!r}", field="model")
        if not work["tracks"] and not usable[model].uses_title:
            raise InputError(
                f"the {model} model needs seed tracks; accept a suggestion first",
                field="model",
            )
        work["model"], work["skipped"] = model, []
    elif action == "clear":
        session.data.pop("playlist", None)
    return _answer(request, web, session)


@router.get("/download")
def download(
    request: Request,
    web: Web,
    format: Annotated[Format, Query()],
    which: Annotated[Literal["playlist", "continuation"], Query()] = "playlist",
) -> Response:
    """The working playlist, or its current continuation, as a playlist file."""
    work = _work(sessions.current(request))
    if work is None:
        raise InputError("there is no playlist yet", hint="pick or paste one first")
    keys = work["tracks"] if which == "playlist" else work["suggested"]
    title = work["name"] if which == "playlist" else f"{work['name']} (continued)"
    return downloads.playlist_file(format, title, web.mixtape.briefs(keys))

"""The track page: features, and recommendations from every model in tabs with controls."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from mixtape.errors import InputError, shown
from mixtape.library import ModelInfo, TrackDetails
from mixtape.web import render
from mixtape.web.params import ATTRIBUTES, Controls, PanelQuery, parse_query
from mixtape.web.prepare import ARRAYS
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]

#: Tabs in this order first (the ones that say most about one track); the rest after.
TAB_ORDER = ("content", "audio", "sonic", "mood", "hybrid", "cooccurrence", "genre-clusters")
#: Features drawn as bars (all between 0 and 1).
BARS = (
    "danceability",
    "energy",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "liveness",
)
KEYS = ("C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B")


def tabs(models: list[ModelInfo]) -> list[ModelInfo]:
    """The models a track page offers: available ones, in :data:`TAB_ORDER` first."""
    usable = [m for m in models if m.available]
    rank = {name: i for i, name in enumerate(TAB_ORDER)}
    return sorted(usable, key=lambda m: (rank.get(m.name, len(rank)), m.name))


#: Where a track's features came from, in words (none: nothing to say).
SOURCE_WORDS = {
    "catalog": "from a catalog file",
    "spotify": "from Spotify",
    "demo": "synthetic (demo)",
    "local": "measured from your audio file",
    "mixed": "a catalog's, completed from your audio file",
}


def facts(track: TrackDetails) -> list[tuple[str, str]]:
    """The track's other facts as (label, text), for the side of its chart."""
    f = track.features
    out: list[tuple[str, str]] = []
    if track.year is not None:
        out.append(("Year", f"{track.year:.0f}"))
    if track.popularity is not None:
        out.append(("Popularity", f"{track.popularity:.0f} / 100"))
    if f.get("tempo") is not None:
        out.append(("Tempo", f"{f['tempo']:.0f} BPM"))
    if f.get("key") is not None and f.get("mode") is not None:
        key = int(f["key"] or 0)
        if 0 <= key < len(KEYS):
            out.append(("Key", f"{KEYS[key]} {'major' if f['mode'] else 'minor'}"))
    if f.get("loudness") is not None:
        out.append(("Loudness", f"{f['loudness']:.1f} dB"))
    if f.get("duration_ms") is not None:
        seconds = int((f["duration_ms"] or 0) / 1000)
        out.append(("Length", f"{seconds // 60}:{seconds % 60:02d}"))
    out.append(("In playlists", f"{track.playlists:,}"))
    if track.feature_source in SOURCE_WORDS:
        out.append(("Features", SOURCE_WORDS[track.feature_source]))
    return out


def panel(
    request: Request, web: WebState, track_id: str, model: str, controls: Controls
) -> dict[str, Any]:
    """What the recommendations panel shows: the list, or that the model is being prepared."""
    offered = tabs(web.mixtape.models())
    if model not in {m.name for m in offered}:  # before anything is queued for the name
        raise InputError(f"no usable model {shown(model)} for a track page", field="model")
    query = [("track", track_id), ("model", model), *_control_query(request)]
    base = {
        "model": model,
        "tabs": offered,
        "download_url": "/api/recommend?" + urlencode(query) + "&",
        "poll_url": "/recommendations?" + urlencode(query),
        "poll_target": "#panel",
    }
    job = web.preparer.state(model)
    if not job.ready:
        return {**base, "job": job, "preparing": f"the {model} model"}
    result = web.mixtape.recommend(model, tracks=(track_id,), **controls.control_kwargs())
    return {**base, "job": job, "result": result.as_dict()}


def _control_query(request: Request) -> list[tuple[str, str]]:
    skip = {"track", "model", "format"}
    return [(k, v) for k, v in request.query_params.multi_items() if k not in skip and v != ""]


def _context(
    request: Request, web: WebState, track: TrackDetails, model: str | None, controls: Controls
) -> dict[str, Any]:
    offered = tabs(web.mixtape.models())
    chosen = model or (offered[0].name if offered else "content")
    return {
        "title": track.name or track.track_id,
        "track": track.as_dict(),
        "spotify_id": None if track.track_id.startswith("local:") else track.track_id,
        "bars": [(name, track.features.get(name)) for name in BARS],
        "facts": facts(track),
        "attributes": ATTRIBUTES,
        "controls": controls,
        **panel(request, web, track.track_id, chosen, controls),
    }


@router.get("/tracks/{ref:path}")
def track_page(
    request: Request,
    web: Web,
    ref: Annotated[str, Path(max_length=300)],
    model: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    if not web.preparer.state(ARRAYS).ready:
        return _preparing_page(request, web)
    track = web.mixtape.track(ref)
    if track.track_id != ref:  # "artist - title" or a URL: send the browser to the canonical page
        return RedirectResponse(f"/tracks/{render.quote_ref(track.track_id)}", status_code=303)
    return render.page(request, "track.html", _context(request, web, track, model, Controls()))


@router.get("/recommendations")
def recommendations(request: Request, web: Web) -> Response:
    """The recommendations panel of a track page (htmx), or the whole page with these controls.

    Takes ``track``, ``model`` and the controls of ``/api/recommend`` (blank fields of the
    form count as not given).
    """
    query = parse_query(request, PanelQuery)
    if not web.preparer.state(ARRAYS).ready:
        return _preparing_page(request, web)
    details = web.mixtape.track(query.track)
    context = _context(request, web, details, query.model, query)
    return render.page(request, "track.html", context, block="panel")


def _preparing_page(request: Request, web: WebState) -> Response:
    job = web.preparer.state(ARRAYS)
    return render.page(
        request,
        "preparing.html",
        {
            "title": "Preparing",
            "job": job,
            "preparing": "the catalog",
        },
    )

"""One module per page group; each is a veneer: parse, call the facade, render."""

from __future__ import annotations

from fastapi import APIRouter

from mixtape.web.routes import account, api, home, insight, mood, paths, playlist, tracks

#: Every router, in the order the app includes them.
ROUTERS: tuple[APIRouter, ...] = (
    api.router,
    home.router,
    tracks.router,
    mood.router,
    playlist.router,
    paths.router,
    insight.router,
    account.router,
)

"""The Models page (each model, available or not and why) and the Evaluation page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse

from mixtape.errors import InputError
from mixtape.web import render, reports
from mixtape.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
Web = Annotated[WebState, Depends(state_of)]


@router.get("/models")
def models_page(request: Request, web: Web) -> Response:
    models = [m.as_dict() for m in web.mixtape.models()]
    report = reports.latest(web.mixtape.settings.data_dir)
    best = report.best_model() if report else None
    return render.page(request, "models.html", {"title": "Models", "models": models, "best": best})


@router.get("/evaluation")
def evaluation_page(request: Request, web: Web) -> Response:
    report = reports.latest(web.mixtape.settings.data_dir)
    context = {
        "title": "Evaluation",
        "report": report,
        "report_html": report.html() if report else None,
        "best": report.best_model() if report else None,
        "data_dir": web.mixtape.settings.data_dir,
    }
    return render.page(request, "evaluation.html", context)


@router.get("/evaluation/chart.png")
def evaluation_chart(web: Web) -> Response:
    report = reports.latest(web.mixtape.settings.data_dir)
    chart = report.chart if report else None
    if chart is None:
        raise InputError("there is no evaluation chart yet", hint="run `mixtape evaluate --report`")
    return FileResponse(chart, media_type="image/png")

"""The app factory, the error mapping, sessions and CSRF: behaviour every route shares."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from mixtape.errors import ModelUnavailableError
from mixtape.library import Mixtape
from mixtape.settings import Settings
from mixtape.web.app import PAGES, create_app
from mixtape.web.prepare import ARRAYS, Preparer
from mixtape.web.sessions import COOKIE
from tests.factories.web import csrf_of
from tests.web.client import Client, client_for


def test_the_factory_opens_nothing_until_asked(tmp_path: Path) -> None:
    mx = Mixtape(Settings(data_dir=tmp_path, db_url=f"sqlite:///{tmp_path / 'none.db'}"))
    app = create_app(mx, warm=None)
    assert isinstance(app, FastAPI)
    assert not (tmp_path / "none.db").exists()
    with client_for(app) as c:
        home = c.get("/")
        api = c.get("/api/stats")
    assert home.status_code == 200
    assert "no catalog at" in home.text
    assert api.status_code == 503
    assert api.json()["error"]["type"] == "NoCatalogError"
    assert not (tmp_path / "none.db").exists()


def test_sqlite_runs_in_wal_mode_for_the_server(mx: Mixtape) -> None:
    with mx.catalog.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_an_unknown_track_is_a_404_with_suggestions(client: Client, mx: Mixtape) -> None:
    name = str(mx.arrays().names[0])
    as_json = client.get("/api/tracks/" + name[:-1] + "x")
    assert as_json.status_code == 404
    error = as_json.json()["error"]
    assert error["type"] == "UnknownTrackError"
    assert error["field"] == "track"
    assert "did you mean" in error["hint"]
    page = client.get("/tracks/" + name[:-1] + "x")
    assert page.status_code == 404
    assert "Did you mean" in page.text or "did you mean" in page.text
    assert "Traceback" not in page.text


def test_validation_errors_are_422_naming_the_field(client: Client, track_id: str) -> None:
    answer = client.get(f"/api/recommend?model=content&track={track_id}&n=0")
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "n"
    bad_target = client.get(f"/api/recommend?model=content&track={track_id}&target=loudness:3")
    assert bad_target.status_code == 422
    assert bad_target.json()["error"]["field"] == "target"
    page = client.get(f"/recommendations?track={track_id}&model=content&min_energy=2")
    assert page.status_code == 422
    assert "min_energy" in page.text


def test_errors_for_htmx_are_just_the_error_box(client: Client) -> None:
    answer = client.htmx("GET", "/tracks/no-such-track-anywhere")
    assert answer.status_code == 404
    assert answer.text.lstrip().startswith('<div class="error-box"')
    assert "<html" not in answer.text


def test_unknown_routes_are_404_pages_or_json(client: Client) -> None:
    assert client.get("/api/nothing").json()["error"]["status"] == 404
    page = client.get("/nothing")
    assert page.status_code == 404
    assert "There is no page at /nothing" in page.text


@pytest.mark.parametrize("path", ["/", "/api/ping", "/models", "/static/app.css"])
def test_head_answers_like_get_without_a_body(client: Client, path: str) -> None:
    """RFC 9110: a server supports HEAD wherever it supports GET (link checkers, curl -I)."""
    got, head = client.get(path), client.request("HEAD", path)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""


def test_head_keeps_the_get_answer_s_status(client: Client) -> None:
    assert client.request("HEAD", "/tracks/nosuch").status_code == 404
    assert client.request("HEAD", "/api/search?limit=0").status_code == 422
    refused = client.request("HEAD", "/playlist/start")  # a POST-only route
    assert refused.status_code == 405 and refused.content == b""


def test_an_unexpected_error_is_a_500_without_a_stack_trace(mx: Mixtape) -> None:
    app = create_app(mx, warm=None)
    boom = APIRouter()

    @boom.get("/api/boom")
    def fail() -> None:
        raise RuntimeError("secret internals")

    @boom.get("/unavailable")
    def unavailable() -> None:
        raise ModelUnavailableError("the spotify model is unavailable: no credentials")

    app.include_router(boom)
    with client_for(app, raise_app_exceptions=False) as c:
        answer = c.get("/api/boom")
        unavailable_page = c.get("/unavailable")
    assert answer.status_code == 500
    assert "secret internals" not in answer.text
    assert "Traceback" not in answer.text
    assert unavailable_page.status_code == 409
    assert "no credentials" in unavailable_page.text


def test_the_session_cookie_is_httponly_and_lax(client: Client) -> None:
    answer = client.get("/")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain http on loopback
    again = client.get("/models")
    assert "set-cookie" not in again.headers  # the same session, no new cookie


def test_state_changing_requests_need_the_session_csrf_token(client: Client) -> None:
    page = client.get("/playlist")
    token = csrf_of(page.text)
    refused = client.post("/playlist/act", data={"action": "clear"})
    assert refused.status_code == 403
    forged = client.post("/playlist/act", data={"action": "clear", "csrf": "x" * 43})
    assert forged.status_code == 403
    with_header = client.post(
        "/playlist/act", data={"action": "clear"}, headers={"X-CSRF-Token": token}
    )
    assert with_header.status_code == 422  # accepted, but there is no playlist yet
    assert "no playlist" in with_header.text


def test_a_get_never_changes_state(app: FastAPI) -> None:
    """Every route that is not GET/HEAD is a POST that checks the CSRF token."""
    from fastapi.routing import APIRoute

    for route in app.routes:
        if isinstance(route, APIRoute) and route.methods - {"GET", "HEAD"}:
            assert route.methods == {"POST"}, route.path
            deps = [d.call.__name__ for d in route.dependant.dependencies if d.call]
            assert "require_csrf" in deps, route.path


def test_the_preparer_fits_once_and_reports_failures() -> None:
    calls: list[str] = []

    def work(name: str) -> object:
        calls.append(name)
        if name == "bad":
            raise ModelUnavailableError("not here")
        return name

    preparer = Preparer(work)
    assert preparer.wait("good").ready
    assert preparer.wait("good").ready
    failed = preparer.wait("bad")
    assert failed.state == "failed"
    assert failed.message == "not here"
    assert calls == ["good", "bad"]
    preparer.shutdown()


def test_pages_show_preparing_until_the_catalog_is_loaded(mx: Mixtape, track_id: str) -> None:
    app = create_app(mx, warm=None)
    with client_for(app) as c:
        first = c.get(f"/tracks/{track_id}")
    assert first.status_code == 200
    assert "Preparing the catalog" in first.text
    assert app.state.web.preparer.wait(ARRAYS).ready


def test_a_server_prepares_the_home_page_and_the_mood_map_at_start(
    mx: Mixtape, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(mx, warm=("mood",))

    def again(*_args: object, **_kwargs: object) -> NoReturn:
        raise AssertionError("computed on a request, not at start")

    with (
        client_for(app) as c,
        c.portal.wrap_async_context_manager(app.router.lifespan_context(app)),
    ):
        assert app.state.web.preparer.wait(PAGES, timeout=120).ready
        monkeypatch.setattr(mx, "stats", again)
        monkeypatch.setattr(mx, "mood_map", again)
        home = c.get("/")
        assert home.status_code == 200
        assert f"{mx.arrays().n_tracks:,}" in home.text
        assert c.get("/api/mood/map").json()["total"] > 0


@pytest.mark.parametrize("path", ["/static/htmx.min.js", "/static/app.css", "/static/app.js"])
def test_static_files_are_served_from_the_package(client: Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert len(answer.content) > 1000


def test_pages_send_a_content_security_policy(client: Client) -> None:
    answer = client.get("/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "frame-src https://open.spotify.com" in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in answer.text  # every script is a file under /static

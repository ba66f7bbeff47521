"""Sign in with Spotify, in-process, against the local fake Spotify server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from mixtape.library import Mixtape
from mixtape.web.app import create_app
from mixtape.web.sessions import COOKIE
from tests.factories.web import KNOWN_FAKE_TRACKS, csrf_of, parse_playlist, rows
from tests.spotify.fake_server import FakeSpotify
from tests.web.client import Client, client_for


@pytest.fixture
def own_app(own_catalog: Mixtape, spotify_env: FakeSpotify) -> FastAPI:
    return create_app(own_catalog, warm=None)


@pytest.fixture
def visitor(own_app: FastAPI) -> Iterator[Client]:
    with client_for(own_app) as c:
        yield c


def authorize(c: Client) -> str:
    """/login, then Spotify's authorize page (the fake approves at once): the callback URL."""
    login = c.get("/login")
    assert login.status_code == 303
    target = login.headers["location"]
    query = parse_qs(urlsplit(target).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/callback"]
    assert "code_verifier" not in query
    approved = httpx.get(target, follow_redirects=False)
    return approved.headers["location"].removeprefix("http://127.0.0.1:8000")


def wait_for_curation(c: Client) -> str:
    deadline = time.monotonic() + 60
    while True:
        part = c.htmx("GET", "/me/status").text
        if "Preparing" not in part or time.monotonic() > deadline:
            return part
        time.sleep(0.1)


def test_sign_in_import_curate_regenerate_remove_export_logout(
    visitor: Client, spotify_env: FakeSpotify
) -> None:
    c = visitor
    assert "Sign in with Spotify" in c.get("/signin").text
    callback = authorize(c)
    before = c.http.cookies.get(COOKIE)
    signed_in = c.get(callback)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/me"
    assert c.http.cookies.get(COOKIE) != before  # a new session id once signed in
    part = wait_for_curation(c)
    saved = len(spotify_env.saved)
    assert f"<b>{saved}</b><span>saved tracks</span>" in part
    rate = round(100 * KNOWN_FAKE_TRACKS / saved)
    assert f"<b>{rate}%</b><span>already in the catalog</span>" in part
    assert "<th>Share</th>" in part
    curated = rows(part)
    assert len(curated) == 50
    page = c.get("/me")
    for secret in spotify_env.tokens:
        assert secret not in page.text
    token = csrf_of(page.text)
    headers = {"X-CSRF-Token": token}
    again = c.htmx("POST", "/me/act", data={"action": "regenerate"}, headers=headers)
    assert not set(rows(again.text)) & set(curated)
    fewer = c.htmx(
        "POST", "/me/act", data={"action": "remove", "track": rows(again.text)[0]}, headers=headers
    )
    kept = rows(fewer.text)
    assert len(kept) == len(rows(again.text)) - 1
    assert len(parse_playlist(c.get("/me/download?format=jspf"), "jspf")) == len(kept)
    exported = c.htmx("POST", "/me/export", data={"name": "my 50"}, headers=headers)
    assert "Saved" in exported.text
    (created,) = spotify_env.created.values()
    assert created["name"] == "my 50"
    assert [u.removeprefix("spotify:track:") for u in created["uris"]] == [
        k for k in kept if not k.startswith("local:")
    ]
    out = c.post("/logout", data={"csrf": token})
    assert out.status_code == 303
    assert c.get("/me").headers["location"] == "/signin"
    assert c.htmx("GET", "/me/status").status_code == 401


def test_a_callback_with_a_wrong_state_is_refused(
    visitor: Client, spotify_env: FakeSpotify
) -> None:
    spotify_env.wrong_state = True
    answer = visitor.get(authorize(visitor))
    assert answer.status_code == 403
    assert "does not belong to this browser" in answer.text
    assert visitor.get("/me").headers["location"] == "/signin"


def test_a_callback_from_another_browser_is_refused(
    own_app: FastAPI, spotify_env: FakeSpotify
) -> None:
    with client_for(own_app) as victim, client_for(own_app) as attacker:
        callback = authorize(attacker)
        assert victim.get(callback).status_code == 403
        assert victim.get("/me").status_code == 303


def test_a_declined_sign_in_says_so(visitor: Client, spotify_env: FakeSpotify) -> None:
    callback = authorize(visitor)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    answer = visitor.get(f"/callback?error=access_denied&state={state}")
    assert answer.status_code == 401
    assert "access_denied" in answer.text


def test_without_a_client_id_the_page_says_how_to_set_one_up(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPOTIFY_CLIENT_ID", raising=False)
    page = client.get("/signin")
    assert "not set up on this server" in page.text
    assert "http://127.0.0.1:8000/callback" in page.text
    assert "5 users" in page.text
    assert client.get("/login").status_code == 503

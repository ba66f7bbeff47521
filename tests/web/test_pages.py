"""Every page, in-process: full pages, the fragments htmx asks for, the playlist workflow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from mixtape.library import Mixtape
from mixtape.settings import Settings
from mixtape.web.app import create_app
from tests.factories.web import csrf_of, parse_playlist, prepared, rows
from tests.web.client import Client, client_for

REPORT = """# mixtape evaluation report

![R-precision and NDCG by category](r_precision.png)

## Overall

| model | playlists | R-prec | NDCG |
|---|---:|---:|---:|
| popular | 200 | 0.0100 | 0.0200 |
| cooccurrence | 200 | 0.2100 | 0.3000 |
| content | 200 | 0.0500 | 0.0800 |

## first-5

| model | playlists | R-prec | NDCG |
|---|---:|---:|---:|
| content | 200 | 0.9000 | 0.9000 |
"""


def test_home_shows_the_catalog_and_the_links(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "2,060" in page.text  # tracks: the demo's 2,000 and 60 from the fake Spotify
    for href in ("/mood", "/playlist", "/path", "/models", "/evaluation", "/signin"):
        assert f'href="{href}"' in page.text


def test_the_track_page_has_features_tabs_and_a_list(
    client: Client, mx: Mixtape, track_id: str
) -> None:
    page = client.get(f"/tracks/{track_id}")
    assert page.status_code == 200
    details = mx.track(track_id)
    assert details.name in page.text
    assert 'svg class="bars"' in page.text
    assert f"https://open.spotify.com/embed/track/{track_id}" in page.text
    tabs = re.findall(r'data-model="([^"]+)"', page.text)
    available = {m.name for m in mx.models() if m.available}
    assert set(tabs) == available
    assert tabs[0] == "content"
    expected = mx.recommend("content", tracks=(track_id,), n=10).recommendations
    assert rows(page.text) == [r.track_id for r in expected]
    for r in expected:
        assert r.reason in page.text.replace("&#39;", "'")


def test_a_track_named_by_title_redirects_to_its_page(
    client: Client, mx: Mixtape, track_id: str
) -> None:
    details = mx.track(track_id)
    answer = client.get(f"/tracks/{details.artists[0]} - {details.name}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/tracks/{track_id}"


def test_the_panel_fragment_follows_the_controls(
    client: Client, mx: Mixtape, track_id: str
) -> None:
    query = f"track={track_id}&model=audio&n=4&target_energy=0.9&max_per_artist=1"
    fragment = client.htmx("GET", f"/recommendations?{query}")
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="panel">')
    expected = mx.recommend(
        "audio", tracks=(track_id,), n=4, target={"energy": 0.9}, max_per_artist=1
    ).recommendations
    assert rows(fragment.text) == [r.track_id for r in expected]
    assert f"/api/recommend?track={track_id}&amp;model=audio&amp;n=4" in fragment.text
    whole = client.get(f"/recommendations?{query}")
    assert "<html" in whole.text
    assert rows(whole.text) == rows(fragment.text)
    # A form's blank number field means "not given".
    blank = client.htmx("GET", f"/recommendations?track={track_id}&model=audio&n=4&max_per_artist=")
    assert blank.status_code == 200


def test_an_unknown_model_on_a_page_is_a_422_and_queues_nothing(
    client: Client, app: FastAPI, track_id: str
) -> None:
    preparer = app.state.web.preparer
    for url in (f"/tracks/{track_id}?model=junk", f"/recommendations?track={track_id}&model=junk"):
        answer = client.get(url)
        assert answer.status_code == 422, url
        assert "Field: <code>model</code>" in answer.text, url
    assert preparer.state("junk", start=False).state == "idle"  # never asked for


def test_a_model_being_fitted_shows_preparing_and_polls(mx: Mixtape, track_id: str) -> None:
    app = prepared(create_app(mx, warm=None), names=())
    with client_for(app) as c:
        first = c.htmx("GET", f"/recommendations?track={track_id}&model=genre-clusters")
        assert "Preparing the genre-clusters model" in first.text
        assert 'hx-trigger="load delay:500ms"' in first.text
        assert app.state.web.preparer.wait("genre-clusters").ready
        second = c.htmx("GET", f"/recommendations?track={track_id}&model=genre-clusters")
    assert rows(second.text)


def test_the_mood_map_page_from_a_track_marks_it_and_its_neighbours(
    client: Client, mx: Mixtape, track_id: str
) -> None:
    page = client.get(f"/mood?track={track_id}")
    assert page.status_code == 200
    assert 'class="moodmap"' in page.text
    expected = mx.recommend("mood", tracks=(track_id,), n=12).recommendations
    assert rows(page.text) == [r.track_id for r in expected]
    highlight = re.search(r'data-highlight="([^"]*)"', page.text)
    assert highlight is not None
    assert track_id in highlight.group(1)


def test_a_click_on_the_map_lists_the_nearest_tracks(client: Client, mx: Mixtape) -> None:
    fragment = client.htmx("GET", "/mood/near?valence=0.9&energy=0.1")
    expected = mx.recommend("mood", mood="0.900,0.100", n=12).recommendations
    assert rows(fragment.text) == [r.track_id for r in expected]
    assert "<html" not in fragment.text
    assert client.get("/mood/near?valence=2&energy=0.1").status_code == 422


def test_the_path_page_walks_and_draws(client: Client, mx: Mixtape, track_id: str) -> None:
    assert "Find the path" in client.get("/path").text
    end = mx.recommend("mood", mood="angry", n=1).recommendations[0].track_id
    fragment = client.htmx("GET", f"/path?from={track_id}&to={end}&n=6&model=audio")
    found = rows(fragment.text)
    assert (found[0], found[-1], len(found)) == (track_id, end, 6)
    assert "data-path=" in fragment.text
    assert f"/api/path?from={track_id}" in fragment.text


def test_models_and_evaluation_without_a_report(client: Client, mx: Mixtape) -> None:
    models = client.get("/models")
    for m in mx.models():
        assert f'id="model-{m.name}"' in models.text
    assert "unavailable" in models.text  # spotify, without credentials
    evaluation = client.get("/evaluation")
    assert "No evaluation report yet" in evaluation.text
    assert client.get("/evaluation/chart.png").status_code == 422


def test_the_evaluation_page_shows_the_latest_report(catalog_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "eval"
    folder.mkdir(parents=True)
    (folder / "report.md").write_text(REPORT, encoding="utf-8")
    (folder / "r_precision.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    settings = Settings(data_dir=tmp_path / "data", db_url=f"sqlite:///{catalog_file}")
    with Mixtape(settings) as mx, client_for(create_app(mx, warm=None)) as c:
        page = c.get("/evaluation")
        assert "<table>" in page.text
        assert "Best overall R-precision: <b>cooccurrence</b>" in page.text
        assert 'src="/evaluation/chart.png"' in page.text
        assert c.get("/evaluation/chart.png").headers["content-type"] == "image/png"
        playlist = c.get("/playlist")
        assert playlist.status_code == 200


@pytest.fixture
def playlist_client(app: FastAPI) -> Iterator[Client]:
    with client_for(app) as c:
        yield c


def test_continue_a_playlist_accept_exclude_regenerate_remove(
    playlist_client: Client, mx: Mixtape
) -> None:
    c = playlist_client
    page = c.get("/playlist")
    token = csrf_of(page.text)
    headers = {"X-CSRF-Token": token}
    chosen = mx.playlists(limit=1)[0]
    found = c.htmx("GET", "/playlist/find?q=" + chosen.name[:4])
    assert f'value="{chosen.key}"' in found.text
    work = c.htmx("POST", "/playlist/start", data={"playlist": chosen.key}, headers=headers)
    assert work.status_code == 200
    assert f"{len(mx.playlist(chosen.key).tracks)} tracks" in work.text
    assert "<b>hybrid</b>" in work.text or 'value="hybrid" selected' in work.text
    suggested = rows(work.text)[:10]
    accepted, excluded = suggested[0], suggested[1]
    work = c.htmx(
        "POST", "/playlist/act", data={"action": "accept", "track": accepted}, headers=headers
    )
    assert accepted in rows(work.text)[10:]  # now in the playlist, below the suggestions
    work = c.htmx(
        "POST", "/playlist/act", data={"action": "exclude", "track": excluded}, headers=headers
    )
    assert excluded not in rows(work.text)
    before = rows(work.text)[:10]
    work = c.htmx("POST", "/playlist/act", data={"action": "regenerate"}, headers=headers)
    assert not set(rows(work.text)[:10]) & set(before)
    work = c.htmx(
        "POST", "/playlist/act", data={"action": "remove", "track": accepted}, headers=headers
    )
    assert accepted not in rows(work.text)[10:]
    work = c.htmx(
        "POST", "/playlist/act", data={"action": "model", "model": "content"}, headers=headers
    )
    assert 'value="content" selected' in work.text
    bad = c.htmx(
        "POST", "/playlist/act", data={"action": "model", "model": "nope"}, headers=headers
    )
    assert bad.status_code == 422
    for fmt in ("m3u8", "xspf", "jspf", "json"):
        assert len(parse_playlist(c.get(f"/playlist/download?format={fmt}"), fmt)) > 1
        continuation = c.get(f"/playlist/download?format={fmt}&which=continuation")
        assert len(parse_playlist(continuation, fmt)) == 10
    cleared = c.htmx("POST", "/playlist/act", data={"action": "clear"}, headers=headers)
    assert rows(cleared.text) == []


def test_continue_a_playlist_from_its_title_alone(
    app: FastAPI, playlist_client: Client, mx: Mixtape
) -> None:
    c = playlist_client
    token = csrf_of(c.get("/playlist").text)
    headers = {"X-CSRF-Token": token}
    title = mx.playlists(limit=1)[0].name
    work = c.htmx("POST", "/playlist/start", data={"title": title, "refs": ""}, headers=headers)
    assert work.status_code == 200, work.text
    assert app.state.web.preparer.wait("title", timeout=60).ready  # the page polls meanwhile
    work = c.htmx("GET", "/playlist/workspace")
    assert 'value="title" selected' in work.text
    expected = mx.recommend("title", title=title, n=10).recommendations
    assert rows(work.text)[:10] == [r.track_id for r in expected]
    refused = c.htmx(
        "POST", "/playlist/act", data={"action": "model", "model": "popular"}, headers=headers
    )
    assert refused.status_code == 422 and "needs seed tracks" in refused.text
    accepted = rows(work.text)[0]
    work = c.htmx(
        "POST", "/playlist/act", data={"action": "accept", "track": accepted}, headers=headers
    )
    work = c.htmx(
        "POST", "/playlist/act", data={"action": "model", "model": "hybrid"}, headers=headers
    )
    assert work.status_code == 200 and 'value="hybrid" selected' in work.text


def test_continue_pasted_tracks_skipping_unknown_ones(
    playlist_client: Client, mx: Mixtape, track_id: str
) -> None:
    c = playlist_client
    token = csrf_of(c.get("/playlist").text)
    details = mx.track(track_id)
    pasted = f"{details.artists[0]} - {details.name}\nNobody - Nothing At All\n"
    work = c.post("/playlist/start", data={"refs": pasted, "csrf": token})
    assert work.status_code == 303  # a plain form: back to the page
    page = c.get("/playlist")
    assert "not in the catalog: Nobody - Nothing At All" in page.text
    assert track_id in rows(page.text)
    empty = c.post("/playlist/start", data={"refs": " \n", "csrf": token})
    assert empty.status_code == 422
    assert "refs" in empty.text

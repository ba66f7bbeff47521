"""The journeys, in a real Chromium (Debian's, driven by Playwright) against a real server.

Screenshots of every page go to a test artefacts folder (printed at the end of
the run with -rA); with ``MIXTAPE_SCREENSHOTS=docs/img`` the README's two are
written there as well. Skipped only when /usr/bin/chromium is missing (``./run
test`` installs it with scripts/system.sh).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mixtape.library import Mixtape
from mixtape.web.app import create_app
from tests.factories.web import Served, parse_playlist, prepared
from tests.spotify.fake_server import FakeSpotify

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: What a Spotify player shows in these tests (the real one needs the internet).
PLAYER = (
    "<body style='margin:0;height:100vh;display:flex;align-items:center;gap:12px;"
    "padding:0 16px;background:#5a4e4e;color:#fff;font:600 14px system-ui,sans-serif'>"
    "<span style='font-size:26px'>&#9654;</span> Spotify player</body>"
)
#: What htmx logs when a newer request replaces one in flight (hx-sync): not an error.
ABANDONED = ("htmx:sendAbort", "htmx:afterRequest")
#: Screenshot name → the README's copy (written only with MIXTAPE_SCREENSHOTS).
README_SHOTS = {"track": "web-track.png", "mood": "web-mood.png"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        why = "Chromium is not installed at /usr/bin/chromium (scripts/system.sh installs it)"
        if os.environ.get("CI"):  # CI installs it: a missing browser is a failure there
            pytest.fail(why)
        pytest.skip(why)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(mx: Mixtape) -> Iterator[Served]:
    with Served(prepared(create_app(mx, warm=None))) as server:
        yield server


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    # No network here: Spotify's players are answered by a stand-in, not left to time out.
    page.route(
        "https://open.spotify.com/**",
        lambda route: route.fulfill(body=PLAYER, content_type="text/html"),
    )
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = new_page(browser)
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    # Console errors too (a Content-Security-Policy violation is one), except htmx's note
    # that a request was abandoned for a newer one (typing on in a search box).
    opened.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith(ABANDONED)
            else None
        ),
    )
    yield opened
    opened.close()
    assert not errors, f"JavaScript errors: {errors}"


def screenshot(page: Page, shots: Path, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=full_page)
    target = os.environ.get("MIXTAPE_SCREENSHOTS")
    if target and name in README_SHOTS:
        Path(target).mkdir(parents=True, exist_ok=True)
        clip = {"x": 0, "y": 0, "width": 1280, "height": 1150}
        page.screenshot(path=str(Path(target) / README_SHOTS[name]), full_page=True, clip=clip)


def row_ids(page: Page, within: str) -> list[str]:
    return page.locator(f"{within} tr[data-track]").evaluate_all(
        "rows => rows.map(r => r.dataset.track)"
    )


def test_search_then_a_track_then_another_model_then_a_slider(
    page: Page, served: Served, mx: Mixtape, track_id: str, shots: Path
) -> None:
    details = mx.track(track_id)
    page.goto(served.url + "/")
    screenshot(page, shots, "home")
    page.locator("input.big").press_sequentially(details.name, delay=20)
    result = page.locator(f'#results a[href="/tracks/{track_id}"]')
    expect(result).to_be_visible()
    screenshot(page, shots, "search")
    result.click()
    expect(page.locator("h1")).to_have_text(details.name)
    content = row_ids(page, "#panel")
    assert len(content) == 10
    page.locator('button[data-model="audio"]').click()
    expect(page.locator('button[data-model="audio"]')).to_have_attribute("aria-selected", "true")
    audio = [r.track_id for r in mx.recommend("audio", tracks=(track_id,), n=10).recommendations]
    page.wait_for_function(
        "ids => [...document.querySelectorAll('#panel tr[data-track]')]"
        ".map(r => r.dataset.track).join() === ids.join()",
        arg=audio,
    )
    page.locator("details summary").click()
    page.locator('select[data-attr="energy"]').select_option("min")
    page.locator('input[type=range][data-attr="energy"]').fill("0.9")
    filtered = [
        r.track_id
        for r in mx.recommend(
            "audio", tracks=(track_id,), n=10, minimum={"energy": 0.9}
        ).recommendations
    ]
    assert filtered != audio
    page.wait_for_function(
        "ids => [...document.querySelectorAll('#panel tr[data-track]')]"
        ".map(r => r.dataset.track).join() === ids.join()",
        arg=filtered,
    )
    expect(page.locator('input[name="model"]')).to_have_value("audio")
    screenshot(page, shots, "track")


def test_a_click_on_the_mood_map_lists_neighbours(
    page: Page, served: Served, track_id: str, shots: Path
) -> None:
    page.goto(served.url + f"/mood?track={track_id}")
    canvas = page.locator("canvas.moodmap")
    expect(canvas).to_have_attribute("data-drawn", "true")
    before = row_ids(page, "#near")
    box = canvas.bounding_box()
    assert box is not None
    # In the calm quadrant (high valence, low energy).
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)
    expect(page.locator("#near h2")).to_contain_text("Nearest to valence")
    after = row_ids(page, "#near")
    assert len(after) == 12
    assert after != before
    screenshot(page, shots, "mood")


def test_a_song_path_drawn_on_the_map(
    page: Page, served: Served, mx: Mixtape, track_id: str, shots: Path
) -> None:
    end = mx.recommend("mood", mood="angry", n=1).recommendations[0].track_id
    page.goto(served.url + "/path")
    page.locator('input[name="from"]').fill(track_id)
    page.locator('input[name="to"]').fill(end)
    page.locator('input[name="n"]').fill("8")
    page.get_by_role("button", name="Find the path").click()
    expect(page.locator("#path-result tr[data-track]")).to_have_count(8)
    ids = row_ids(page, "#path-result")
    assert (ids[0], ids[-1]) == (track_id, end)
    expect(page.locator("#path-result canvas.moodmap")).to_have_attribute("data-drawn", "true")
    assert "from=" in page.url  # the address can be shared
    screenshot(page, shots, "path")


@pytest.mark.parametrize("fmt", ["m3u8", "xspf", "jspf", "json"])
def test_downloads_parse_back(
    page: Page, served: Served, track_id: str, fmt: str, tmp_path: Path
) -> None:
    page.goto(served.url + f"/tracks/{track_id}")
    with page.expect_download() as info:
        page.locator(f'#panel a[href$="format={fmt}"]').click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    response = httpx.Response(
        200,
        content=saved.read_bytes(),
        headers={"content-disposition": f'attachment; filename="{saved.name}"'},
    )
    assert len(parse_playlist(response, fmt)) == 10


def test_other_pages_render(page: Page, served: Served, shots: Path) -> None:
    for name, path, heading in (
        ("playlist", "/playlist", "Continue a playlist"),
        ("models", "/models", "Models"),
        ("evaluation", "/evaluation", "Evaluation"),
        ("signin", "/signin", "Your 50, from your Spotify library"),
    ):
        page.goto(served.url + path)
        expect(page.locator("h1")).to_have_text(heading)
        screenshot(page, shots, name)
    page.goto(served.url + "/playlist")
    page.locator("#found button").first.click()
    expect(page.locator("#workspace tr[data-track]").first).to_be_visible()
    screenshot(page, shots, "playlist-continued", full_page=False)


def test_sign_in_to_a_curated_50_and_an_export(
    browser: Browser, own_catalog: Mixtape, spotify_env: FakeSpotify, shots: Path
) -> None:
    app: FastAPI = prepared(create_app(own_catalog, warm=None), names=())
    page = new_page(browser)
    with Served(app) as server:
        page.goto(server.url + "/signin")
        page.get_by_role("link", name="Sign in with Spotify").click()
        expect(page).to_have_url(server.url + "/me")
        expect(page.locator("#mine tr[data-track]")).to_have_count(50, timeout=60_000)
        expect(page.locator("#mine")).to_contain_text("already in the catalog")
        screenshot(page, shots, "me", full_page=False)
        page.get_by_role("button", name="Save to my Spotify").click()
        expect(page.locator("#mine")).to_contain_text("Saved")
        (created,) = spotify_env.created.values()
        assert created["name"] == "mixtape: my 50"
        assert len(created["uris"]) == 50
        content = page.content()
        for secret in spotify_env.tokens:
            assert secret not in content
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(server.url + "/")
        assert re.search("Sign in", page.locator("nav").inner_text())
    page.close()

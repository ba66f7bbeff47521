"""The web app's pages on a big catalog: track page, search as you type, mood map first paint.

    .venv/bin/python benchmarks/bench_web_scale.py --db sqlite:////tmp/mx1m.db \\
        --data-dir /tmp/mx1m-data [--pages 200] [--queries 100] [--paints 5]

Serves the catalog with uvicorn in a subprocess as ``bench_web.py`` does (one
worker, 127.0.0.1), waits until the arrays and the models fitted at start
(content, mood, audio) are ready, then times one request at a time on a
keep-alive connection (client-measured on loopback: server time plus a few
tenths of a millisecond):

* the home page and the Models page (the first home page after start counts the
  catalog once; it is listed on its own),
* the track page's HTML for ``--pages`` different tracks (the default tab, the
  ``content`` model's recommendations),
* ``/api/search`` for one-, two- and three-word queries typed from the
  catalog's own names (whole words, then a 3-to-6-character prefix),
* ``/api/mood/map`` (the density grid and sample the map draws),

and the mood map's first paint in Chromium (Debian's, through Playwright): from
navigation start to the ``moodmap-drawn`` performance mark that
``static/app.js`` sets when the canvas is first drawn, in a fresh browser
context (empty cache) each time; the first visit after start also computes the
map on the server and is listed on its own.  Prints a table; nothing is
asserted (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import numpy as np

from bench_web import STACKS, pct, sequential_ms, server, wait_until

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MARK = "moodmap-drawn"


def sample_tracks(client: httpx.Client, count: int, seed: int) -> list[dict[str, object]]:
    """About ``count`` different tracks spread over the catalog (the mood model's
    neighbours of random points of the valence–energy plane)."""
    rng = np.random.default_rng(seed)
    found: dict[str, dict[str, object]] = {}
    for _ in range(count * 5):
        if len(found) >= count:
            break
        v, e = rng.uniform(0.05, 0.95, 2)
        answer = client.get(f"/api/recommend?model=mood&mood={v:.3f},{e:.3f}&n=10")
        answer.raise_for_status()
        for rec in answer.json()["recommendations"][:3]:
            found.setdefault(rec["track_id"], rec)
    return list(found.values())[:count]


def typed_queries(tracks: list[dict[str, object]], words: int, count: int, seed: int) -> list[str]:
    """Queries a user types: ``words - 1`` whole words of a track's title and artist, then
    a 3-to-6-character prefix of the next."""
    rng = np.random.default_rng(seed + words)
    out: list[str] = []
    for _ in range(count * 20):
        if len(out) >= count:
            break
        track = tracks[int(rng.integers(len(tracks)))]
        artists = track.get("artists") or []
        text = f"{track['name']} {' '.join(str(a) for a in artists)}"
        tokens = [t for t in text.split() if t.isalnum()]
        if len(tokens) < words:
            continue
        start = int(rng.integers(0, len(tokens) - words + 1))
        chosen = tokens[start : start + words]
        last = chosen[-1]
        if len(last) < 3:
            continue
        chosen[-1] = last[: int(rng.integers(3, min(6, len(last)) + 1))]
        out.append(" ".join(chosen))
    return out


#: Milliseconds from navigation start: the page's HTML received, its DOM ready (scripts
#: run), the map's JSON received, the map drawn.
TIMELINE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const json = performance.getEntriesByType("resource")
    .find((e) => e.name.includes("/api/mood/map"));
  return [nav.responseEnd, nav.domContentLoadedEventEnd, json ? json.responseEnd : NaN,
          performance.getEntriesByName("%s")[0].startTime];
}"""


def first_paints(base: str, runs: int) -> list[list[float]]:
    """Per load of the mood page in a fresh context: the :data:`TIMELINE` milliseconds."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + "/mood")
                page.wait_for_selector("canvas.moodmap[data-drawn]", timeout=120_000)
                out.append([float(t) for t in page.evaluate(TIMELINE % MARK)])
                context.close()
        finally:
            browser.close()
    return out


def timeline(loads: list[list[float]]) -> str:
    """The p50 of each step of :data:`TIMELINE`."""
    steps = ("HTML", "DOM ready", "map JSON", "drawn")
    medians = [statistics.median(load[i] for load in loads) for i in range(len(steps))]
    return ", ".join(f"{step} {ms:.0f}" for step, ms in zip(steps, medians, strict=True))


def once_ms(client: httpx.Client, url: str) -> float:
    return sequential_ms(client, [url])[0]


def row(name: str, times: list[float], note: str = "") -> tuple[str, int, float, float, float, str]:
    return (name, len(times), statistics.median(times), pct(times, 95), max(times), note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="catalog URL")
    parser.add_argument(
        "--data-dir", help="the app's data directory (array and model caches; default: temp)"
    )
    parser.add_argument("--pages", type=int, default=200, help="track pages timed")
    parser.add_argument("--queries", type=int, default=100, help="search queries per length")
    parser.add_argument("--paints", type=int, default=5, help="mood map loads in Chromium")
    parser.add_argument("--stack", default="asyncio", choices=sorted(STACKS))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-scale-"))
    rows = []
    try:
        started = time.perf_counter()
        with (
            server(args.db, Path(args.data_dir or tmp / "data"), args.stack) as base,
            httpx.Client(base_url=base, timeout=300) as client,
        ):
            recommend = "/api/recommend?model=mood&mood=calm&n=1"
            wait_until(lambda: client.get(recommend).status_code == 200, "the arrays", 1800)
            tracks = sample_tracks(client, args.pages, args.seed)
            probe = f"/api/recommend?model=content&track={quote(str(tracks[0]['track_id']))}"
            for model in ("content", "audio"):
                url = probe.replace("content", model)
                wait_until(lambda u=url: client.get(u).status_code == 200, model, 1800)
            ready = time.perf_counter() - started
            rows.append(row("home page, first after start", [once_ms(client, "/")], "counts"))
            rows.append(row("home page", sequential_ms(client, ["/"] * 30)))
            rows.append(row("models page", sequential_ms(client, ["/models"] * 30)))
            pages = [f"/tracks/{quote(str(t['track_id']))}" for t in tracks]
            sequential_ms(client, pages[:5])
            rows.append(row("track page HTML", sequential_ms(client, pages), "content tab"))
            api = [f"/api/tracks/{quote(str(t['track_id']))}" for t in tracks]
            rows.append(row("/api/tracks/{id}", sequential_ms(client, api)))
            for words in (1, 2, 3):
                typed = typed_queries(tracks, words, args.queries, args.seed)
                urls = [f"/api/search?q={quote(q)}" for q in typed]
                rows.append(row(f"/api/search, {words} word(s)", sequential_ms(client, urls)))
            loads = first_paints(base, args.paints + 1)
            paints = [load[-1] for load in loads]
            rows.append(row("mood map first paint, 1st", paints[:1], timeline(loads[:1])))
            rows.append(row("mood map first paint", paints[1:], "p50 " + timeline(loads[1:])))
            size = len(client.get("/api/mood/map").content)
            rows.append(
                row("/api/mood/map", sequential_ms(client, ["/api/mood/map"] * 20), f"{size:,} B")
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\ncatalog: {args.db}; {len(tracks)} tracks sampled; stack {args.stack}; "
        f"ready {ready:.0f} s after start; load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'what':<32}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  note")
    for name, n, p50, p95, top, note in rows:
        print(f"{name:<32}{n:>5}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}  {note}")


if __name__ == "__main__":
    main()

"""The web app under load: /api/recommend against a bare constant endpoint, with wrk.

    .venv/bin/python benchmarks/bench_web.py                 # builds the demo catalog in a temp dir
    .venv/bin/python benchmarks/bench_web.py --db sqlite:////path/to/catalog.db --data-dir DIR
    .venv/bin/python benchmarks/bench_web.py --stacks asyncio,uvloop

Starts the app with uvicorn (one worker, as ``mixtape serve`` does) in a
subprocess on 127.0.0.1, then runs wrk (Debian's package; scripts/system.sh
installs it) on loopback for ``--duration`` seconds at 50 and at 8 connections
against ``/api/recommend?model=content&track=<a track>&n=10`` and against
``/api/ping`` (a constant answer from the same server stack). The recommend
requests cycle through ``--seeds`` different seed tracks (a wrk Lua script), so
that nothing a request leaves behind can answer the next one. Then times, one
request at a time, the track page's HTML and search-as-you-type. Prints a table.
``--stacks asyncio,uvloop`` repeats it all on uvicorn's plain asyncio + h11 stack
and on uvloop + httptools (which must be installed), one server after the other.
Timings are measured, never asserted (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]


#: uvicorn's event loop and HTTP parser per --stack: as installed by default (asyncio, h11),
#: or uvloop and httptools (``uvicorn[standard]``; uvicorn picks them up when present).
STACKS = {"asyncio": ("asyncio", "h11"), "uvloop": ("uvloop", "httptools")}


def serve(db: str, data_dir: str, port: int, stack: str = "asyncio", floor: bool = False) -> None:
    """The server process: the app as `mixtape serve` runs it, plus one route of this
    benchmark's own, ``/bench/constant``: a constant ten-track list (the first request's)
    through a route shaped like /api/recommend's (its query string parsed, the same JSON
    encoder).  With ``floor``, the content model's own work (its query, search, candidate
    selection and reasons) is answered from a table of the results it computed before
    (``bench_recommend_parts.LookUps``): what a recommendation would cost were it free."""
    import uvicorn
    from fastapi import Request

    from mixtape.settings import load_settings
    from mixtape.web.app import create_app
    from mixtape.web.params import RecommendQuery, parse_query
    from mixtape.web.routes.api import JSON

    settings = load_settings({"MIXTAPE_DATA_DIR": data_dir}, db_url=db)
    loop, http = STACKS[stack]
    app = create_app(settings)
    body: list[object] = []

    async def constant(request: Request) -> JSON:
        query = parse_query(request, RecommendQuery)
        if not body:
            mx = app.state.web.mixtape
            body.append(mx.recommend("content", tracks=query.track, n=query.n).as_dict())
        return JSON(body[0])

    constant.__annotations__["request"] = Request  # a name FastAPI can resolve here
    app.add_api_route("/bench/constant", constant)
    if floor:
        from bench_recommend_parts import LookUps

        LookUps().on()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        workers=1,
        loop=loop,
        http=http,
    )


@contextlib.contextmanager
def server(
    db: str, data_dir: Path, stack: str = "asyncio", port: int = 0, floor: bool = False
) -> Iterator[str]:
    """The app served by uvicorn in a subprocess on 127.0.0.1; yields its base URL."""
    paths = [
        str(ROOT / "src"),
        str(ROOT / "benchmarks"),
        *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    if not port:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
    command = [sys.executable, __file__, "--serve", "--db", db, "--data-dir", str(data_dir)]
    command += ["--port", str(port), "--stack", stack, *(["--floor"] if floor else [])]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            wait_until(
                lambda: process.poll() is None and client.get("/api/ping").status_code == 200,
                "the server",
            )
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def build_demo(folder: Path, tracks: int, playlists: int) -> str:
    from mixtape.catalog import open_catalog
    from mixtape.demo import generate, load_demo

    url = f"sqlite:///{folder / 'demo.db'}"
    catalog = open_catalog(url)
    load_demo(catalog, generate(tracks=tracks, playlists=playlists))
    catalog.dispose()
    return url


def wait_until(check: object, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.2)


def cycle_script(paths: list[str], folder: Path) -> Path:
    """A wrk Lua script whose requests go through ``paths`` in turn."""
    items = ",\n".join(f'  "{p}"' for p in paths)  # already URL-quoted: no quotes inside
    folder.mkdir(exist_ok=True)
    script = folder / "cycle.lua"
    script.write_text(
        f"local paths = {{\n{items}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return script


def wrk(url: str, connections: int, duration: int, script: Path | None = None) -> dict[str, float]:
    """Requests per second and the latency percentiles wrk reports."""
    options = ["-s", str(script)] if script is not None else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", *options, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    result = {"rps": rate}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out)
        assert m is not None, out
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        result[f"p{pct}"] = float(m.group(1)) * scale
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


def sequential_ms(client: httpx.Client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:200])
    return times


def pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile (interpolated between the values measured)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def seed_tracks(client: httpx.Client, count: int) -> list[str]:
    """``count`` different tracks with audio features (the mood model's answers for the
    four moods), for the recommend requests to cycle through."""
    per_mood = -(-count // 4)
    found: dict[str, None] = {}
    for mood in ("happy", "angry", "sad", "calm"):
        answer = client.get(f"/api/recommend?model=mood&mood={mood}&n={per_mood}")
        found |= dict.fromkeys(r["track_id"] for r in answer.json()["recommendations"])
    return list(found)[:count]


def load(
    base: str, duration: int, seeds: int, folder: Path, floor: bool = False
) -> tuple[list[tuple[str, int, dict[str, float]]], list[str]]:
    """wrk rows for the bare endpoint and recommend, then the track page and search timings."""
    with httpx.Client(base_url=base, timeout=60) as client:
        first = client.get("/api/recommend?model=mood&mood=calm&n=50").json()["recommendations"]
        tracks = seed_tracks(client, seeds)
        recommends = [f"/api/recommend?model=content&track={quote(t)}&n=10" for t in tracks]
        # The content model is prepared in the background at start; wait until it is.
        wait_until(lambda: client.get(recommends[0]).status_code == 200, "the content model")
        sequential_ms(client, recommends)
        script = cycle_script(recommends, folder)
        constant = cycle_script(
            [r.replace("/api/recommend", "/bench/constant") for r in recommends], folder / "c"
        )
        rows = []
        looked_up = ", looked up" if floor else ""
        for name, path, lua in (
            ("bare /api/ping", "/api/ping", None),
            ("constant list, recommend's shape", "/bench/constant" + recommends[0][14:], constant),
            (f"/api/recommend ({len(tracks)} seeds{looked_up})", recommends[0], script),
        ):
            wrk(base + path, 8, 2, lua)  # warm-up
            for connections in (50, 8):
                rows.append((name, connections, wrk(base + path, connections, duration, lua)))
        pages = [f"/tracks/{quote(t['track_id'])}" for t in first]
        sequential_ms(client, pages[:5])
        page_ms = sequential_ms(client, pages * 4)
        words = [t["name"].split()[0][:4] for t in first] + [t["name"][:8] for t in first]
        search_ms = sequential_ms(client, [f"/api/search?q={quote(w)}" for w in words])
    notes = [
        f"track page HTML, one at a time: p50 {statistics.median(page_ms):.1f} ms, "
        f"p95 {pct(page_ms, 95):.1f} ms ({len(page_ms)} requests, client-measured on loopback)",
        f"search as you type (/api/search): p50 {statistics.median(search_ms):.1f} ms, "
        f"p95 {pct(search_ms, 95):.1f} ms ({len(search_ms)} prefixes)",
    ]
    return rows, notes


def report(stack: str, rows: list[tuple[str, int, dict[str, float]]], notes: list[str]) -> None:
    name, _, floor = stack.partition(" ")
    print(f"\nserver stack: {name} ({' + '.join(STACKS[name])}){' ' + floor if floor else ''}")
    print(f"{'endpoint':<40}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, connections, r in rows:
        print(
            f"{name:<40}{connections:>6}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['errors']:>9.0f}"
        )
    bare = {c: r["rps"] for n, c, r in rows if n.startswith("bare")}
    for n, c, r in rows:
        if not n.startswith("bare"):
            print(f"{n} / bare at {c} connections: {r['rps'] / bare[c]:.2f}")
    for note in notes:
        print(note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="catalog URL (default: build the demo in a temp dir)")
    parser.add_argument("--tracks", type=int, default=20_000, help="demo size (without --db)")
    parser.add_argument("--playlists", type=int, default=5_000, help="demo playlists")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--seeds", type=int, default=300, help="seed tracks the recommend requests cycle through"
    )
    parser.add_argument(
        "--stacks",
        default="asyncio",
        help="comma-separated server stacks to run in turn: asyncio (h11), uvloop (httptools)",
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also serve with the content model's own work looked up from a table (what a "
        "recommendation would cost were that work free), one server after the other",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stack", default="asyncio", help=argparse.SUPPRESS)
    parser.add_argument(
        "--data-dir", help="the app's data directory (array and model caches; default: a temp dir)"
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.db, args.data_dir, args.port, args.stack, args.floor)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (scripts/system.sh installs it)")
    stacks = [s.strip() for s in args.stacks.split(",") if s.strip()]
    for stack in stacks:
        if stack not in STACKS:
            raise SystemExit(f"unknown stack {stack!r}: choose from {', '.join(STACKS)}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    results = []
    try:
        db = args.db or build_demo(tmp, args.tracks, args.playlists)
        for stack in stacks:
            for floor in (False, True) if args.floor else (False,):
                data_dir = Path(args.data_dir or tmp / "data")
                with server(db, data_dir, stack, args.port, floor) as base:
                    rows, notes = load(base, args.duration, args.seeds, tmp, floor)
                label = f"{stack} (model's work looked up)" if floor else stack
                results.append((label, rows, [] if floor else notes))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    where = db if args.db else f"demo, {args.tracks:,} tracks"
    print(f"\ncatalog: {where}; wrk {args.duration} s, 1 thread; load {os.getloadavg()[0]:.1f}")
    for stack, rows, notes in results:
        report(stack, rows, notes)


if __name__ == "__main__":
    main()

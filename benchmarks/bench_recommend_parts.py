"""Where a /api/recommend request's time goes, in-process (no HTTP, no load generator).

    .venv/bin/python benchmarks/bench_recommend_parts.py          # builds the demo in a temp dir
    .venv/bin/python benchmarks/bench_recommend_parts.py --db sqlite:////path/to/catalog.db

Calls the app through its ASGI interface (``/api/ping`` and ``/api/recommend`` with
the content model, n=10, one seed, cycling through ``--seeds`` tracks), then times
each part of the request on its own: the facade, the model's search, candidate
selection and reasons, the result records, the JSON.  Last, four requests interleaved
call by call: the bare endpoint, a constant ten-track list through a route shaped like
recommend's, recommend, and recommend with the model's own work (query, search,
candidate selection, reasons) looked up from a table: how much of a request that work
is.  Prints the median per call in microseconds and, for the two whole requests, the CPU
time per request (this thread's, less sensitive to other jobs than wall time).  Timings
are measured, never asserted (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from bench_web import build_demo


def median_us(work: Callable[[int], object], calls: int) -> float:
    work(0)
    times = []
    for i in range(calls):
        started = time.perf_counter()
        work(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def asgi_get(app: Any, path: str, query: str) -> Callable[[], Any]:
    """A coroutine function making one GET through ``app``'s ASGI interface."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }

    async def call() -> None:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(dict(scope), receive, send)
        assert sent[0]["status"] == 200, sent

    return call


def whole_requests(app: Any, keys: list[str], calls: int) -> list[tuple[str, float, float]]:
    """(what, median µs, CPU µs per request) for the bare endpoint and recommend."""
    ping = asgi_get(app, "/api/ping", "")
    recommends = [
        asgi_get(app, "/api/recommend", f"model=content&track={quote(k)}&n=10") for k in keys
    ]

    async def run() -> list[tuple[str, float, float]]:
        rows = []
        for name, pick in (
            ("/api/ping (ASGI)", lambda i: ping),
            (f"/api/recommend (ASGI, {len(keys)} seeds)", lambda i: recommends[i % len(keys)]),
        ):
            for i in range(200):
                await pick(i)()
            times = []
            cpu = time.thread_time()
            for i in range(calls):
                started = time.perf_counter()
                await pick(i)()
                times.append(time.perf_counter() - started)
            cpu_us = (time.thread_time() - cpu) / calls * 1e6
            rows.append((name, statistics.median(times) * 1e6, cpu_us))
        return rows

    return asyncio.run(run())


class LookUps:
    """The content model's own work in a request (its query, its search, the candidate
    selection, the reasons) answered from a table of the results it computed before: what
    a request would cost if that work were free.  Switched on only around the calls timed
    with it."""

    def __init__(self) -> None:
        from mixtape.models import content, cosine
        from mixtape.search.exact import ExactIndex

        self.memo: dict[tuple[Any, ...], Any] = {}
        originals = {
            (ExactIndex, "query"): ExactIndex.query,
            (ExactIndex, "search"): ExactIndex.search,
            (cosine, "select_candidates"): cosine.select_candidates,
            (content._ContentBase, "_reasons"): content._ContentBase._reasons,
        }
        self.originals = originals

        def remembered(name: str, key: Callable[..., Any]) -> Callable[..., Any]:
            real = originals[next(k for k in originals if k[1] == name)]

            def look_up(*args: Any) -> Any:
                at = (name, key(*args))
                if at not in self.memo:
                    self.memo[at] = real(*args)
                return self.memo[at]

            return look_up

        self.replacements = {
            (ExactIndex, "query"): remembered(
                "query", lambda _, pos: tuple(np.asarray(pos).tolist())
            ),
            (ExactIndex, "search"): remembered(
                "search", lambda _, qs, k: (qs[0].dense.tobytes(), k)
            ),
            (cosine, "select_candidates"): remembered(
                "select_candidates", lambda rows, scores, n, *_: (rows.tobytes(), n)
            ),
            (content._ContentBase, "_reasons"): remembered(
                "_reasons", lambda _, seeds, q, rows: (seeds.tobytes(), rows.tobytes())
            ),
        }

    def on(self) -> None:
        for (owner, name), replacement in self.replacements.items():
            setattr(owner, name, replacement)

    def off(self) -> None:
        for (owner, name), original in self.originals.items():
            setattr(owner, name, original)


def floor(app: Any, mx: Any, keys: list[str], calls: int) -> list[tuple[str, float]]:
    """Median µs of four requests, interleaved call by call (a slow spell of the machine
    hits them alike): the bare endpoint; a constant recommendation list through a route
    shaped like /api/recommend's (its query string parsed, a 10-track JSON body); the real
    /api/recommend; and /api/recommend with the model's own work looked up (:class:`LookUps`)."""
    from fastapi import Request

    from mixtape.web.params import RecommendQuery, parse_query
    from mixtape.web.routes.api import JSON

    body = mx.recommend("content", tracks=[keys[0]], n=10).as_dict()

    async def constant(request: Request) -> Any:
        parse_query(request, RecommendQuery)
        return JSON(body)

    constant.__annotations__["request"] = Request  # a name FastAPI can resolve here
    app.add_api_route("/bench/constant", constant)
    queries = [f"model=content&track={quote(k)}&n=10" for k in keys]
    lookups = LookUps()
    variants: list[tuple[str, list[Callable[[], Any]], bool]] = [
        ("/api/ping", [asgi_get(app, "/api/ping", "")], False),
        (
            "a constant list, recommend's shape",
            [asgi_get(app, "/bench/constant", q) for q in queries],
            False,
        ),
        ("/api/recommend", [asgi_get(app, "/api/recommend", q) for q in queries], False),
        (
            "/api/recommend, model's work looked up",
            [asgi_get(app, "/api/recommend", q) for q in queries],
            True,
        ),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in variants}

    async def run() -> None:
        for i in range(-len(keys), calls):
            for name, requests, looked_up in variants:
                if looked_up:
                    lookups.on()
                started = time.perf_counter()
                await requests[i % len(requests)]()
                elapsed = time.perf_counter() - started
                if looked_up:
                    lookups.off()
                if i >= 0:
                    times[name].append(elapsed)

    asyncio.run(run())
    return [(name, statistics.median(t) * 1e6) for name, t in times.items()]


def parts(mx: Any, keys: list[str], calls: int) -> list[tuple[str, float]]:
    """Median µs of each part of a recommendation, called on its own."""
    from mixtape.models.base import Seeds
    from mixtape.models.candidates import candidate_depth, select_candidates
    from mixtape.models.controls import Controls
    from mixtape.service import to_recommendations
    from mixtape.web.routes.api import JSON

    data = mx.arrays()
    model = mx.fitted("content")
    index = mx.index(data)
    controls = Controls()
    rows = [index.row(k) for k in keys]
    seeds = [Seeds.tracks([r]) for r in rows]
    positions = [model._positions(s) for s in seeds]
    queries = [model.exact_.query(p) for p in positions]
    depth = candidate_depth(10, controls, 1)
    hits = [model._search([q], depth)[0] for q in queries]
    found = [
        select_candidates(model.rows_[p], s / (q.norm or 1.0), 10, data, controls, (r,))
        for (p, s), q, r in zip(hits, queries, rows, strict=True)
    ]
    picked = [np.array([row for row, _ in f]) for f in found]
    results = [mx.recommend("content", tracks=[k], n=10) for k in keys]
    scored = [model.recommend(s, 10, controls) for s in seeds]
    bodies = [r.as_dict() for r in results]
    n = len(keys)
    table: list[tuple[str, Callable[[int], object]]] = [
        ("Mixtape.recommend (the facade)", lambda i: mx.recommend("content", tracks=[keys[i % n]])),
        ("  model.recommend", lambda i: model.recommend(seeds[i % n], 10, controls)),
        ("    query", lambda i: model.exact_.query(positions[i % n])),
        (f"    exact search, top {depth}", lambda i: model._search([queries[i % n]], depth)),
        (
            "    candidates -> 10 (controls)",
            lambda i: select_candidates(
                model.rows_[hits[i % n][0]], hits[i % n][1], 10, data, controls, (rows[i % n],)
            ),
        ),
        (
            "    reasons for the 10",
            lambda i: model._reasons(positions[i % n], queries[i % n], picked[i % n]),
        ),
        ("  result records", lambda i: to_recommendations(index, scored[i % n])),
        ("result as a dict", lambda i: results[i % n].as_dict()),
        ("JSON response (the API's JSON class)", lambda i: JSON(bodies[i % n])),
    ]
    return [(name, median_us(work, calls)) for name, work in table]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="catalog URL (default: build the demo in a temp dir)")
    parser.add_argument("--tracks", type=int, default=20_000, help="demo size (without --db)")
    parser.add_argument("--playlists", type=int, default=5_000, help="demo playlists")
    parser.add_argument("--seeds", type=int, default=300, help="seed tracks to cycle through")
    parser.add_argument("--calls", type=int, default=3000, help="calls timed per row")
    parser.add_argument("--data-dir", help="the app's data directory (default: a temp dir)")
    args = parser.parse_args()

    from mixtape.library import Mixtape
    from mixtape.settings import load_settings
    from mixtape.web.app import create_app
    from mixtape.web.prepare import ARRAYS

    tmp = Path(tempfile.mkdtemp(prefix="bench-parts-"))
    try:
        db = args.db or build_demo(tmp, args.tracks, args.playlists)
        data_dir = args.data_dir or str(tmp / "data")
        mx = Mixtape(load_settings({"MIXTAPE_DATA_DIR": data_dir}, db_url=db), recheck=2.0)
        app = create_app(mx, warm=None)
        data = mx.arrays()
        mx.fitted("content")
        for job in (ARRAYS, "content"):  # as the server's start-up prepares them
            app.state.web.preparer.mark_ready(job)
        index = mx.index(data)
        with_audio = np.flatnonzero(data.has_audio)
        rng = np.random.default_rng(0)
        picked = rng.choice(with_audio, min(args.seeds, len(with_audio)), replace=False)
        keys = [index.key(int(r)) for r in picked]
        whole = whole_requests(app, keys, args.calls)
        split = parts(mx, keys, args.calls)
        floors = floor(app, mx, keys, args.calls)
        mx.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    where = db if args.db else f"demo, {args.tracks:,} tracks"
    print(f"\ncatalog: {where}; {args.calls} calls a row; load {os.getloadavg()[0]:.1f}")
    print(f"{'what':<44}{'median us':>10}{'CPU us':>9}")
    for name, median, cpu in whole:
        print(f"{name:<44}{median:>10.1f}{cpu:>9.1f}")
    for name, median in split:
        print(f"{name:<44}{median:>10.1f}")
    ping = floors[0][1]
    print("\nthe same four requests interleaved, call by call")
    print(f"{'what':<44}{'median us':>10}{'x ping':>9}")
    for name, median in floors:
        print(f"{name:<44}{median:>10.1f}{median / ping:>9.2f}")


if __name__ == "__main__":
    main()

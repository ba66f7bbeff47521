"""Search as you type on SQLite: FTS5 prefix queries against the LIKE '%q%' a user would write.

    .venv/bin/python benchmarks/bench_search.py [--n 1200000] [--queries 300]
        [--like-queries 60] [--seed 5]
    .venv/bin/python benchmarks/bench_search.py --db URL --baseline OLD/search_index.py \
        [--baseline-db URL] [--queries 200] [--rounds 2]

Builds a temporary catalog of ``--n`` tracks with generated names (the demo's
title and artist generators: a small vocabulary, so common words match
thousands of tracks, as "love" does in a real catalog), times building the
search index from scratch (documents plus FTS5), then times
``search_tracks`` (ranked, with its hits' names, artists and albums read: the
server's share of a keystroke) and the plain ``LIKE`` peer for one-, two- and
three-word queries whose last word is a 3-to-6-character prefix.  Prints a
table; nothing is asserted (timings belong here, not in tests).

With ``--db`` and ``--baseline`` it measures an existing catalog instead, old
code against new in one process: ``--baseline`` is another checkout's
``search_index.py`` (loaded as a module of its own, run on ``--baseline-db``,
by default the same catalog), and every query runs old and new alternately
(which goes first alternates too), ``--rounds`` times, on the same queries
typed from the catalog's documents.  It reports each side's p50 and p95 per
number of words and how many queries' hits differ (they should not).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mixtape.catalog import open_catalog
from mixtape.catalog.search_docs import fold, rebuild
from mixtape.catalog.search_index import search_tracks
from mixtape.demo.names import artist_names, track_names
from mixtape.demo.taxonomy import FAMILIES


def fill(url: str, n: int, seed: int) -> None:
    """``n`` tracks by ``n / 8`` artists (a second artist on one track in ten), fast:
    straight through the driver, without search documents (those are timed next)."""
    rng = np.random.default_rng(seed)
    n_artists = max(1, n // 8)
    names = artist_names(rng, rng.integers(0, len(FAMILIES), n_artists))
    titles = track_names(rng, n)
    primary = rng.integers(0, n_artists, n)
    catalog = open_catalog(url)
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO artists (id, key, name, name_norm) VALUES (?, ?, ?, ?)",
            [(i + 1, f"a{i:021d}", name, name) for i, name in enumerate(names)],
        )
        conn.exec_driver_sql(
            "INSERT INTO tracks (id, key, name) VALUES (?, ?, ?)",
            [(i + 1, f"t{i:021d}", title) for i, title in enumerate(titles)],
        )
        links = [(i + 1, int(a) + 1, 0) for i, a in enumerate(primary.tolist())]
        links += [(i + 1, (int(primary[i]) + 1) % n_artists + 1, 1) for i in range(0, n, 10)]
        conn.exec_driver_sql(
            "INSERT INTO artist_track (track_id, artist_id, position) VALUES (?, ?, ?)", links
        )
    catalog.dispose()


def build_index(url: str) -> float:
    catalog = open_catalog(url)
    t0 = time.perf_counter()
    with catalog.engine.begin() as conn:
        rebuild(conn)
    seconds = time.perf_counter() - t0
    catalog.dispose()
    return seconds


def queries(url: str, words: int, count: int, seed: int) -> list[str]:
    """Queries typed from real documents: whole words, then a prefix of the last one."""
    rng = np.random.default_rng(seed + words)
    catalog = open_catalog(url)
    out: list[str] = []
    with catalog.connect() as conn:
        top = int(conn.exec_driver_sql("SELECT max(track_id) FROM track_search").scalar() or 0)
        while len(out) < count:
            row = conn.exec_driver_sql(
                "SELECT name, artists FROM track_search WHERE track_id >= ? LIMIT 1",
                (int(rng.integers(1, top + 1)),),
            ).first()
            if row is None:
                continue
            doc = f"{row[0]} {row[1]}".split()
            if len(doc) < words:
                continue
            start = int(rng.integers(0, len(doc) - words + 1))
            picked = doc[start : start + words]
            cut = int(rng.integers(3, 7))
            picked[-1] = picked[-1][:cut]
            out.append(" ".join(picked))
    catalog.dispose()
    return out


def like_peer(url: str) -> Callable[[str], list[tuple[object, ...]]]:
    """What a user would write without a full-text index: a substring match per word."""
    catalog = open_catalog(url)

    def run(query: str) -> list[tuple[object, ...]]:
        words = fold(query).split()
        where = " AND ".join("(name || ' ' || artists) LIKE ?" for _ in words)
        with catalog.connect() as conn:
            sql = f"SELECT track_id FROM track_search WHERE {where} LIMIT 20"
            return [tuple(r) for r in conn.exec_driver_sql(sql, tuple(f"%{w}%" for w in words))]

    return run


def timed(fn: Callable[[str], object], items: list[str]) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, mean results) over ``items`` (after one warm-up call each)."""
    for q in items[:20]:
        fn(q)
    times, found = [], []
    for q in items:
        t0 = time.perf_counter()
        result = fn(q)
        times.append((time.perf_counter() - t0) * 1000)
        found.append(len(result))  # type: ignore[arg-type]
    return float(np.percentile(times, 50)), float(np.percentile(times, 95)), float(np.mean(found))


def load_baseline(path: str) -> Callable[..., list[object]]:
    """``search_tracks`` of another checkout's ``search_index.py``."""
    spec = importlib.util.spec_from_file_location("baseline_search_index", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.search_tracks  # type: ignore[no-any-return]


def compare(args: argparse.Namespace) -> None:
    """Old code against new on an existing catalog, alternated call by call."""
    old_search = load_baseline(args.baseline)
    new_catalog = open_catalog(args.db)
    old_catalog = open_catalog(args.baseline_db or args.db, migrate=False)  # as it is
    print(f"catalog: {args.db}; baseline: {args.baseline} on {args.baseline_db or args.db}")
    print(f"{args.queries} queries a row, {args.rounds} round(s); load {os.getloadavg()[0]:.1f}")
    print(
        f"{'words':>5}  {'example':<18} {'old p50':>8} {'p95':>7} {'new p50':>8} {'p95':>7} differ"
    )
    for words in (1, 2, 3):
        items = queries(args.db, words, args.queries, args.seed)
        sides: dict[str, list[float]] = {"old": [], "new": []}
        differ = 0
        runs = {
            "old": lambda q: old_search(old_catalog, q),
            "new": lambda q: search_tracks(new_catalog, q),
        }
        for q in items[:20]:  # warm-up
            runs["old"](q), runs["new"](q)
        for round_ in range(args.rounds):
            for i, q in enumerate(items):
                hits = {}
                for side in ("old", "new") if (i + round_) % 2 == 0 else ("new", "old"):
                    t0 = time.perf_counter()
                    hits[side] = runs[side](q)
                    sides[side].append((time.perf_counter() - t0) * 1000)
                # Different classes (two modules): compared as their dicts.
                differ += [h.as_dict() for h in hits["old"]] != [h.as_dict() for h in hits["new"]]  # type: ignore[attr-defined]
        p = {side: np.percentile(times, [50, 95]) for side, times in sides.items()}
        print(
            f"{words:>5}  {items[0][:18]:<18} {p['old'][0]:>6.2f}ms {p['old'][1]:>5.2f}ms"
            f" {p['new'][0]:>6.2f}ms {p['new'][1]:>5.2f}ms {differ:>6}"
        )
    print(f"load after: {os.getloadavg()[0]:.1f}")
    new_catalog.dispose()
    old_catalog.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_200_000, help="tracks in the catalog")
    ap.add_argument("--queries", type=int, default=300, help="queries per word count")
    ap.add_argument(
        "--like-queries", type=int, default=60, help="of those, how many LIKE runs (it is slow)"
    )
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--db", help="an existing catalog to measure (with --baseline)")
    ap.add_argument("--baseline", help="the search_index.py to compare with")
    ap.add_argument("--baseline-db", help="the catalog the baseline runs on (default: --db)")
    ap.add_argument(
        "--rounds", type=int, default=2, help="with --baseline: passes over the queries"
    )
    args = ap.parse_args()
    if args.baseline:
        if not args.db:
            ap.error("--baseline needs --db")
        compare(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "search.db"
        url = f"sqlite:///{path}"
        t0 = time.perf_counter()
        fill(url, args.n, args.seed)
        print(f"generated {args.n:,} tracks in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        build = build_index(url)
        size_mb = path.stat().st_size / 1e6
        catalog = open_catalog(url)
        peer = like_peer(url)
        rows = []
        for words in (1, 2, 3):
            items = queries(url, words, args.queries, args.seed)
            fts = timed(lambda q: search_tracks(catalog, q), items)
            like = timed(peer, items[: args.like_queries])
            rows.append((words, items[0], fts, like))
        catalog.dispose()

    print(
        f"\nsearch over {args.n:,} generated tracks, SQLite, {args.queries} queries a row "
        f"({args.like_queries} for LIKE)"
    )
    print(
        f"index build (documents + FTS5, from scratch): {build:.1f} s; database {size_mb:,.0f} MB"
    )
    print(
        f"{'words':>5}  {'example':<22} {'FTS5 p50':>9} {'p95':>7} {'hits':>5}"
        f"   {'LIKE p50':>9} {'p95':>7} {'hits':>5}"
    )
    for words, example, (f50, f95, fhits), (l50, l95, lhits) in rows:
        print(
            f"{words:>5}  {example[:22]:<22} {f50:>7.2f}ms {f95:>5.2f}ms {fhits:>5.1f}"
            f"   {l50:>7.2f}ms {l95:>5.2f}ms {lhits:>5.1f}"
        )


if __name__ == "__main__":
    main()

"""The two-stage ``rerank`` model: training time, inference latency for 500 tracks, vs hybrid.

    .venv/bin/python benchmarks/bench_rerank.py [--db sqlite:////tmp/real.db] [--queries 100]
        [--seed 0] [--param KEY=JSON ...]

``--db``: a catalog built as in docs/evaluation.md "Results on real playlists"
(the MPD subset and the feature catalogs; build it outside the repository).
Without it a demo catalog (``mixtape demo-data``'s generator, 8,000 tracks and
1,500 playlists) is written to a temporary SQLite file.  ``--queries``
playlists (seeded) are taken out of the arrays as a test set, as the
evaluation does; ``hybrid`` and ``rerank`` are fitted on the rest (fit time,
peak resident memory growth), then each answers every test playlist with
``recommend(seeds, 500)`` (seeds: a random 1, 5, 10, 25 or 100 of the
playlist's tracks), one query at a time: p50 and p99 latency, and p50 CPU time
(the better estimate on a machine shared with other work).  Prints a table
and the re-ranker's feature importances (share of the total gain).  Nothing
is asserted: timings belong here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from benchmarks.bench_models import PeakRSS
from mixtape.catalog import open_catalog
from mixtape.demo import generate, load_demo
from mixtape.errors import SeedError
from mixtape.evaluation.harness import without_playlists
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender, Seeds
from mixtape.models.rerank import RerankModel
from mixtape.service import ArrayStore

SEED_COUNTS = (1, 5, 10, 25, 100)


def arrays(db: str | None) -> tuple[TrackArrays, str]:
    if db:
        return ArrayStore().arrays(open_catalog(db)), db
    folder = Path(tempfile.mkdtemp(prefix="bench-rerank-"))
    url = f"sqlite:///{folder / 'demo.db'}"
    catalog = open_catalog(url)
    load_demo(catalog, generate(seed=0, tracks=8_000, playlists=1_500))
    return ArrayStore().arrays(catalog), "demo (8,000 tracks, 1,500 playlists)"


def test_queries(data: TrackArrays, count: int, seed: int) -> tuple[list[int], list[Seeds]]:
    """``count`` playlists with at least two tracks and a random seed set from each."""
    rng = np.random.default_rng(seed)
    baskets = sp.csr_matrix(data.playlists)
    lengths = np.diff(baskets.indptr)
    picked = np.sort(rng.choice(np.flatnonzero(lengths >= 2), size=count, replace=False))
    queries = []
    for p in picked.tolist():
        tracks = baskets.indices[baskets.indptr[p] : baskets.indptr[p + 1]]
        k = int(rng.choice([s for s in SEED_COUNTS if s < len(tracks)]))
        queries.append(Seeds.tracks(rng.choice(tracks, size=k, replace=False).tolist()))
    return picked.tolist(), queries


def timed(model: Recommender, queries: list[Seeds]) -> tuple[float, float, float]:
    """p50 and p99 wall-clock and p50 CPU milliseconds of ``recommend(seeds, 500)`` over the
    queries the model can serve (a seed in no other playlist and without features is
    refused, quickly).  CPU time is the process's: on a machine shared with other work it
    is the better estimate of an idle machine's latency (the query runs on one thread)."""
    wall, cpu = [], []
    for seeds in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            model.recommend(seeds, 500)
        except SeedError:
            continue
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    ms, cpu_ms = np.array(wall) * 1000, np.array(cpu) * 1000
    return (
        float(np.percentile(ms, 50)),
        float(np.percentile(ms, 99)),
        float(np.percentile(cpu_ms, 50)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--param", action="append", default=[], help="rerank KEY=JSON")
    args = parser.parse_args()
    params: dict[str, Any] = {}
    for item in args.param:
        key, _, value = item.partition("=")
        params[key] = json.loads(value)

    data, source = arrays(args.db)
    held, queries = test_queries(data, args.queries, args.seed)
    train = without_playlists(data, held)
    print(f"catalog: {source}; {data.n_tracks:,} tracks, {train.playlists.shape[0]:,} playlists")
    rows = []
    rerank: RerankModel | None = None
    for name in ("hybrid", "rerank"):
        model = registry.create(name, **(params if name == "rerank" else {}))
        with PeakRSS() as peak:
            start, start_cpu = time.perf_counter(), time.process_time()
            model.fit(train)
            fit_s, fit_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        timed(model, queries[:5])  # warm-up: first calls load kernels
        rows.append((name, fit_s, fit_cpu, peak.mb, *timed(model, queries)))
        if isinstance(model, RerankModel):
            rerank = model
        del model

    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    head = ("model", "fit s", "fit CPU s", "peak MB", "p50 ms", "p99 ms", "p50 CPU ms")
    print(f"{head[0]:<8}" + "".join(f"{h:>12}" for h in head[1:]) + "  (n = 500)")
    for name, *values in rows:
        print(f"{name:<8}" + "".join(f"{v:>12.1f}" for v in values))
    if rerank is not None:
        gains = rerank.feature_importances()
        total = sum(gains.values()) or 1.0
        print("\nfeature importances (share of the total gain):")
        for feature, gain in list(gains.items())[:20]:
            print(f"  {feature:<24} {100 * gain / total:5.1f}%")


if __name__ == "__main__":
    main()

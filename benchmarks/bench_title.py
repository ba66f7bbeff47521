"""The ``title`` model on a real catalog: fit time and the latency of 500 recommendations.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_title.py --db sqlite:///real.db [--queries 200]

Fits the model on the catalog's arrays (built, or read from the cache, by a
``Mixtape`` on ``--db``), then times ``recommend(seeds, 500)`` for
``--queries`` playlists drawn (seeded) from the catalog's titled playlists:
the title alone, the first 5 tracks alone, and title + first 5 tracks.
Prints a table; nothing is asserted (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mixtape.features.titles import normalize_title
from mixtape.library import Mixtape
from mixtape.models.base import Seeds
from mixtape.models.title import TitleModel
from mixtape.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the catalog (SQLAlchemy URL)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with Mixtape(load_settings(db_url=args.db)) as mx:
        data = mx.arrays()
    started = time.perf_counter()
    model = TitleModel().fit(data)
    fit = time.perf_counter() - started

    baskets = data.playlists.tocsr()
    titled = [i for i, t in enumerate(data.playlist_names) if normalize_title(str(t))]
    rng = np.random.default_rng(args.seed)
    picked = rng.choice(titled, size=min(args.queries, len(titled)), replace=False)
    queries: dict[str, list[Seeds]] = {"title": [], "5 tracks": [], "title + 5 tracks": []}
    for p in picked:
        tracks = baskets.indices[baskets.indptr[p] : baskets.indptr[p + 1]][:5].tolist()
        title = str(data.playlist_names[p])
        queries["title"].append(Seeds.titled(title))
        queries["5 tracks"].append(Seeds.tracks(tracks))
        queries["title + 5 tracks"].append(Seeds.tracks(tracks, title=title))

    print(f"{data.n_tracks:,} tracks, {baskets.shape[0]:,} playlists ({len(titled):,} titled)")
    print(f"fit: {fit:.2f} s, {len(model.words_):,} title words and word pairs")
    print(f"{'query':<18} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for name, seeds in queries.items():
        times = []
        for s in seeds:
            t = time.perf_counter()
            model.recommend(s, 500)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        print(f"{name:<18} {len(times):>5} {statistics.median(times):>8.1f} {p99:>8.1f}")


if __name__ == "__main__":
    main()

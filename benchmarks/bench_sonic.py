"""The ``sonic`` model at catalog scale on synthetic embeddings: exact and approximate
search against faiss's exact inner-product index in the same run.

    .venv/bin/python benchmarks/bench_sonic.py [--tracks 1200000] [--dim 64] [--quick]
        [--queries 200] [--batch 1000] [--threads 2] [--indexes ivf,hnsw]

The embeddings are SYNTHETIC, not analysed audio: ``--tracks`` random vectors of
``--dim`` dimensions drawn around ``--styles`` random centres (Gaussian noise
of the centres' own scale; real embeddings of a music collection are clustered
by genre and production, uniform noise would be the hardest case for an
approximate index), each dimension on its own scale and offset (as MFCC, chroma
and contrast statistics are), 2% of tracks without one.  The tracks have no
audio features, genres or playlists: only the embedding matters here.

Rows: fit time (standardizing, the index, the tuning of an approximate index's
width), single-seed latency p50/p99 over ``--queries`` random seeds
(``recommend(seed, 10)``: search, controls and reasons), batch throughput,
recall@10 of each approximate variant against the exact model on the same
seeds, the model's arrays in memory; and ``faiss flat``: faiss ``IndexFlatIP``
over the same unit vectors, one ``search(seed, 11)`` per seed (the search
alone, no controls or reasons), with its recall against the exact model.
Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse as sp

from benchmarks.bench_models import Row, fit_model, latencies, show, time_model
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.models.base import Recommender, Seeds


def catalog(n: int, dim: int, styles: int, seed: int = 0) -> TrackArrays:
    """``n`` tracks whose only feature is a synthetic embedding (see the module's doc)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((styles, dim)).astype(np.float32)
    sonic = np.empty((n, dim), dtype=np.float32)
    step = 200_000
    for a in range(0, n, step):  # in slices: no float64 temporaries of the whole matrix
        b = min(n, a + step)
        sonic[a:b] = centres[rng.integers(0, styles, b - a)]
        sonic[a:b] += rng.standard_normal((b - a, dim), dtype=np.float32)
    sonic *= rng.uniform(0.1, 50, dim).astype(np.float32)
    sonic += rng.uniform(-100, 100, dim).astype(np.float32)
    sonic[rng.random(n) < 0.02] = np.nan
    return TrackArrays(
        keys=np.array([f"t{i}" for i in range(n)], dtype=object),
        names=np.full(n, "", dtype=object),
        audio=np.full((n, len(AUDIO_COLUMNS)), np.nan, dtype=np.float32),
        year=np.full(n, np.nan, dtype=np.float32),
        popularity=np.full(n, np.nan, dtype=np.float32),
        track_artists=sp.csr_matrix(
            (np.ones(n, dtype=np.float32), (np.arange(n), np.arange(n) // 8)),
            shape=(n, (n + 7) // 8),
        ),
        artist_names=np.array([f"artist {i}" for i in range((n + 7) // 8)], dtype=object),
        primary_artist=(np.arange(n) // 8).astype(np.int32),
        track_genres=sp.csr_matrix((n, 0), dtype=np.float32),
        genre_names=np.array([], dtype=object),
        playlists=sp.csr_matrix((1, n), dtype=np.float32),
        fingerprint=f"bench-sonic-{n}-{dim}-{seed}",
        sonic=sonic,
        sonic_analyser="synthetic",
    )


def faiss_flat(exact: Recommender, seeds: np.ndarray, threads: int) -> tuple[Row, list[set[int]]]:
    """faiss IndexFlatIP over the exact model's unit vectors: latency and its top 10s."""
    import faiss

    faiss.omp_set_num_threads(threads)
    dense_t = exact.exact_.dense_t  # type: ignore[attr-defined]
    vectors = np.ascontiguousarray(dense_t.T)
    start = time.perf_counter()
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    build_s = time.perf_counter() - start
    position = exact.position_  # type: ignore[attr-defined]
    rows = exact.rows_  # type: ignore[attr-defined]

    def call(s: int) -> np.ndarray:
        query = vectors[position[s]][None, :]
        _, found = index.search(query, 11)
        return found[0]

    p50, p99 = latencies(call, seeds)
    tops = []
    for s in seeds:
        found = rows[call(int(s))]
        tops.append({int(r) for r in found[found != s][:10]})
    row = Row("faiss flat", fit_s=build_s, p50_ms=p50, p99_ms=p99, index_mb=vectors.nbytes / 2**20)
    row.note = f"IndexFlatIP, {threads} thread(s), search only (no controls, no reasons)"
    return row, tops


def run(args: argparse.Namespace) -> list[Row]:
    n = 100_000 if args.quick else args.tracks
    start = time.perf_counter()
    data = catalog(n, args.dim, args.styles)
    print(
        f"{n:,} tracks, {args.dim}-dimensional synthetic embeddings: built in "
        f"{time.perf_counter() - start:.1f} s"
    )
    rng = np.random.default_rng(1)
    usable = np.flatnonzero(data.has_sonic)
    seeds = rng.choice(usable, args.queries, replace=False)
    batch = rng.choice(usable, args.batch, replace=False)

    rows = []
    exact, row = fit_model("sonic", data, {"index": "exact", "n_threads": args.threads})
    time_model(exact, row, seeds, batch)
    rows.append(row)
    truth = [{r.row for r in exact.recommend(Seeds.tracks([int(s)]), 10)} for s in seeds]

    flat, tops = faiss_flat(exact, seeds, args.threads)
    flat.recall = float(np.mean([len(t & f) / 10 for t, f in zip(truth, tops, strict=True)]))
    rows.append(flat)

    for index in [i for i in args.indexes.split(",") if i]:
        model, row = fit_model("sonic", data, {"index": index, "n_threads": args.threads})
        time_model(model, row, seeds, batch)
        found = [{r.row for r in model.recommend(Seeds.tracks([int(s)]), 10)} for s in seeds]
        row.recall = float(np.mean([len(t & f) / 10 for t, f in zip(truth, found, strict=True)]))
        rows.append(row)
        del model
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=1_200_000)
    parser.add_argument("--quick", action="store_true", help="100,000 tracks")
    parser.add_argument("--dim", type=int, default=64, help="embedding dimensions")
    parser.add_argument("--styles", type=int, default=200, help="centres the vectors cluster on")
    parser.add_argument("--queries", type=int, default=200, help="single-seed queries to time")
    parser.add_argument("--batch", type=int, default=1000, help="queries in the batch")
    parser.add_argument("--threads", type=int, default=2, help="n_threads of the models")
    parser.add_argument("--indexes", default="ivf,hnsw", help="approximate indexes to time")
    show(run(parser.parse_args()))


if __name__ == "__main__":
    main()

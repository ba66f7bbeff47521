"""The vector models at catalog scale: latency, throughput, fit and index time, recall, memory.

    .venv/bin/python benchmarks/bench_models.py [--tracks 1200000] [--quick] [--queries 200]
        [--batch 1000] [--threads 2] [--indexes ivf,hnsw] [--models audio,content,mood,clusters]

Synthetic catalog made directly as TrackArrays: ``--tracks`` tracks (100,000
with ``--quick``) from 20 "styles", each with its own beta-distributed audio
features (loudness in dB, tempo in BPM, duration in ms), release-year centre
and genre family; one artist per track (an eighth as many artists as tracks),
a track's genres are its artist's (0-4 of 600 genres, 30 per family, a quarter
of artists with none); 2% of tracks without audio, 3% without a year.

For each model: fit time (with the approximate index's build and the tuning of
its search width), single-seed latency p50/p99 over ``--queries`` random
seeds (``recommend(seed, 10)``), batch throughput (``recommend_batch`` over
``--batch`` seeds), recall@10 of each approximate variant (``--indexes``:
inverted lists, HNSW) against the exact one on the same seeds, the model's
own arrays in memory (and the peak RSS growth during fit) against the raw
audio matrix (n x 13 float32).  The *original* method is timed in the same run: sklearn
``cosine_similarity(seed, all_tracks)`` then a full ``argsort``, on the same
standardized audio / concatenated content blocks.  Prints a table; nothing
is asserted (timings belong here, not in tests).

``mood`` (k-d tree) and ``clusters`` (k-means, single-seed recommendations
from the seed's cluster) are timed the same way.  Another model's rows can be
added through ``EXTRA_ROWS`` (a function taking the arrays and the arguments
and returning rows); the ``clusters`` curation timing ("50 from a 2,000-track
library") lives in ``bench_clusters.py``.
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import psutil
import scipy.sparse as sp

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.blocks import audio_block, combine, content_blocks
from mixtape.models import registry
from mixtape.models.base import Recommender, Seeds


@dataclass
class Row:
    model: str
    fit_s: float | None = None
    index_s: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    batch_qps: float | None = None
    recall: float | None = None
    index_mb: float | None = None
    peak_mb: float | None = None
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)


#: Functions adding rows for other models: (arrays, args) -> rows.
EXTRA_ROWS: list[Callable[[TrackArrays, argparse.Namespace], list[Row]]] = []


# -- the synthetic catalog ---------------------------------------------------------------------
def catalog(n: int, seed: int = 0, n_genres: int = 600) -> TrackArrays:
    rng = np.random.default_rng(seed)
    styles = 20
    per_family = max(1, n_genres // styles)
    n_artists = max(1, n // 8)
    artist_style = rng.integers(0, styles, n_artists)
    artist = rng.integers(0, n_artists, n)
    style = artist_style[artist]

    audio = np.empty((n, len(AUDIO_COLUMNS)), dtype=np.float32)
    a = rng.uniform(1, 8, (styles, len(AUDIO_COLUMNS)))
    b = rng.uniform(1, 8, (styles, len(AUDIO_COLUMNS)))
    for j, name in enumerate(AUDIO_COLUMNS):
        unit = rng.beta(a[style, j], b[style, j]).astype(np.float32)
        audio[:, j] = {
            "key": np.floor(unit * 12),
            "mode": (unit > 0.5).astype(np.float32),
            "loudness": -40 + 40 * unit,
            "tempo": 60 + 140 * unit,
            "duration_ms": 60_000 + 400_000 * unit,
            "time_signature": 3 + np.floor(unit * 3),
        }.get(name, unit)
    audio[rng.random(n) < 0.02] = np.nan

    centre = rng.uniform(1960, 2020, styles)
    year = np.clip(np.round(centre[style] + rng.normal(0, 8, n)), 1950, 2023).astype(np.float32)
    year[rng.random(n) < 0.03] = np.nan
    popularity = (rng.beta(2, 5, n) * 100).astype(np.float32)
    popularity[rng.random(n) < 0.02] = np.nan

    # Artist genres: mostly from the artist's style family, a quarter with none.
    n_genres = styles * per_family
    counts = np.where(rng.random(n_artists) < 0.25, 0, rng.integers(1, 5, n_artists))
    owner = np.repeat(np.arange(n_artists), counts)
    own_family = rng.random(len(owner)) < 0.9
    family = np.where(own_family, artist_style[owner], rng.integers(0, styles, len(owner)))
    genre = family * per_family + np.minimum(
        rng.geometric(0.15, len(owner)) - 1, per_family - 1
    )  # a few genres per family are common, most are rare
    artist_genres = sp.csr_matrix(
        (np.ones(len(owner), dtype=np.float32), (owner, genre)), shape=(n_artists, n_genres)
    )
    artist_genres.data[:] = 1.0
    track_artists = sp.csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), artist)), shape=(n, n_artists)
    )
    track_genres = sp.csr_matrix(track_artists @ artist_genres)
    track_genres.data[:] = 1.0
    return TrackArrays(
        keys=np.array([f"t{i}" for i in range(n)], dtype=object),
        names=np.full(n, "", dtype=object),
        audio=audio,
        year=year,
        popularity=popularity,
        track_artists=track_artists,
        artist_names=np.array([f"artist {i}" for i in range(n_artists)], dtype=object),
        primary_artist=artist.astype(np.int32),
        track_genres=track_genres,
        genre_names=np.array([f"genre {g}" for g in range(n_genres)], dtype=object),
        playlists=sp.csr_matrix((1, n), dtype=np.float32),
        fingerprint=f"bench-{n}-{seed}",
    )


# -- measuring ----------------------------------------------------------------------------------
class PeakRSS:
    """Peak resident-memory growth while the block runs (sampled every 20 ms)."""

    def __enter__(self) -> PeakRSS:
        gc.collect()
        self.process = psutil.Process(os.getpid())
        self.base = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2**20


def latencies(call: Callable[[int], object], seeds: np.ndarray) -> tuple[float, float]:
    call(int(seeds[0]))  # warm up
    times = []
    for s in seeds:
        start = time.perf_counter()
        call(int(s))
        times.append(time.perf_counter() - start)
    ms = np.array(times) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def resident_mb(model: Recommender) -> float:
    """The model's own arrays in memory (not the catalog's): its attributes, its exact
    index and signatures, its approximate index.  Views count once, at their owner
    (a view of memory numpy does not own, such as the HNSW graph's vectors, not at
    all); an HNSW graph counts as its serialized size (links and vectors)."""
    seen: set[int] = set()
    total = 0

    def add(value: object) -> None:
        nonlocal total
        if isinstance(value, np.ndarray):
            while isinstance(value.base, np.ndarray):  # a view: count its owner
                value = value.base
            if value.flags.owndata and id(value) not in seen:
                seen.add(id(value))
                total += value.nbytes
        elif sp.issparse(value):
            for part in ("data", "indices", "indptr"):
                add(getattr(value, part))
        elif isinstance(value, (list, tuple)):
            for item in value:
                add(item)

    objects = [model, getattr(model, "exact_", None), getattr(model, "ann_", None)]
    exact = getattr(model, "exact_", None)
    objects.append(getattr(exact, "signatures", None))
    for obj in objects:
        if obj is None:
            continue
        for name, value in vars(obj).items():
            if name != "data_" and name != "has_audio_":
                add(value)
    ann = getattr(model, "ann_", None)
    if getattr(ann, "kind", None) == "hnsw":
        total += ann.to_arrays()["hnsw"].nbytes  # type: ignore[union-attr]
    return total / 2**20


def fit_model(name: str, data: TrackArrays, params: dict[str, object]) -> tuple[Recommender, Row]:
    label = name if "index" not in params else f"{name} ({params['index']})"
    with PeakRSS() as peak:
        start = time.perf_counter()
        model = registry.create(name, **params).fit(data)
        fit_s = time.perf_counter() - start
    row = Row(label, fit_s=fit_s, peak_mb=peak.mb)
    ann = getattr(model, "ann_", None)
    if ann is not None:
        row.recall = getattr(model, "ann_recall_", None)
        knob = "efSearch" if ann.kind == "hnsw" else f"{ann.n_lists} lists, nprobe"
        row.note = f"{knob} {ann.width} (recall@10 {row.recall:.3f} at fit)"
    row.index_mb = resident_mb(model) if hasattr(model, "exact_") else None
    return model, row


def time_model(model: Recommender, row: Row, seeds: np.ndarray, batch: np.ndarray) -> None:
    row.p50_ms, row.p99_ms = latencies(lambda s: model.recommend(Seeds.tracks([s]), 10), seeds)
    queries = [Seeds.tracks([int(s)]) for s in batch]
    start = time.perf_counter()
    model.recommend_batch(queries, 10)
    row.batch_qps = len(queries) / (time.perf_counter() - start)


def original(matrix: np.ndarray | sp.csr_matrix, seeds: np.ndarray) -> tuple[float, float]:
    """sklearn ``cosine_similarity(seed, all)`` then a full sort (the original design)."""
    from sklearn.metrics.pairwise import cosine_similarity

    def call(s: int) -> object:
        scores = cosine_similarity(matrix[s : s + 1], matrix).ravel()
        order = np.argsort(-scores)
        return order[order != s][:10]

    return latencies(call, seeds)


def recall_between(a: Recommender, b: Recommender, seeds: np.ndarray) -> float:
    hits = []
    for s in seeds:
        q = Seeds.tracks([int(s)])
        exact = {r.row for r in b.recommend(q, 10)}
        approx = {r.row for r in a.recommend(q, 10)}
        hits.append(len(exact & approx) / max(1, len(exact)))
    return float(np.mean(hits))


# -- the run --------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> list[Row]:
    n = 100_000 if args.quick else args.tracks
    start = time.perf_counter()
    data = catalog(n, n_genres=args.genres)
    print(
        f"catalog: {n:,} tracks, {data.track_genres.shape[1]} genres, made in "
        f"{time.perf_counter() - start:.1f} s"
    )
    raw_mb = n * len(AUDIO_COLUMNS) * 4 / 2**20
    rng = np.random.default_rng(1)
    usable = np.flatnonzero(data.has_audio)
    seeds = rng.choice(usable, args.queries, replace=False)
    batch = rng.choice(usable, args.batch, replace=False)
    wanted = args.models.split(",")
    rows: list[Row] = []
    threads = {"n_threads": args.threads}

    for name in ("audio", "content"):
        if name not in wanted:
            continue
        exact, row = fit_model(name, data, {"index": "exact", **threads})
        time_model(exact, row, seeds, batch)
        rows.append(row)
        kinds = [k for k in args.indexes.split(",") if k and (name == "audio" or k != "ivf")]
        for kind in kinds:
            approx, arow = fit_model(name, data, {"index": kind, **threads})
            time_model(approx, arow, seeds, batch)
            arow.extra["recall_end_to_end"] = recall_between(approx, exact, seeds)
            arow.note += (
                f"; recall@10 vs exact on the timed seeds {arow.extra['recall_end_to_end']:.3f}"
            )
            rows.append(arow)
            del approx
            gc.collect()
        del exact
        gc.collect()
        matrix = (
            np.asarray(audio_block(data).matrix, dtype=np.float64)
            if name == "audio"
            else combine(content_blocks(data))
        )
        p50, p99 = original(matrix, seeds[: min(len(seeds), 50)])
        rows.append(
            Row(
                f"{name} original",
                p50_ms=p50,
                p99_ms=p99,
                note="sklearn cosine_similarity + full argsort",
            )
        )
        del matrix
        gc.collect()
    if "mood" in wanted:
        model, row = fit_model("mood", data, {})
        time_model(model, row, seeds, batch)
        row.note = "cKDTree on (valence, energy)"
        rows.append(row)
    if "clusters" in wanted:
        model, row = fit_model("clusters", data, {})
        time_model(model, row, seeds, batch)
        row.note = f"k-means, k={model.k_} (auto); ranked inside the seed's cluster"
        # In memory (members' unit vectors, positions, labels), not just the saved state.
        row.index_mb = (
            sum(v.nbytes for v in vars(model).values() if isinstance(v, np.ndarray)) / 2**20
        )
        rows.append(row)
        del model
        gc.collect()
    for extra in EXTRA_ROWS:
        rows.extend(extra(data, args))
    print(f"raw audio matrix: {raw_mb:.1f} MB")
    for r in rows:
        if r.index_mb is not None:
            r.extra["ratio"] = r.index_mb / raw_mb
    return rows


def show(rows: list[Row]) -> None:
    def cell(v: float | None, spec: str, width: int) -> str:
        return ("—" if v is None else format(v, spec)).rjust(width)

    base = {r.model.split(" ")[0]: r.p50_ms for r in rows if r.model.endswith("original")}
    columns = (
        ("model", 18),
        ("fit s", 8),
        ("p50 ms", 9),
        ("p99 ms", 9),
        ("speed-up", 9),
        ("batch q/s", 10),
        ("recall@10", 10),
        ("index MB", 9),
        ("x raw", 7),
        ("peak MB", 8),
    )
    header = "".join(
        name.ljust(w) if i == 0 else name.rjust(w) for i, (name, w) in enumerate(columns)
    )
    print(header + "  note")
    print("-" * (len(header) + 6))
    for r in rows:
        orig = base.get(r.model.split(" ")[0])
        speedup = None
        if orig and r.p50_ms and not r.model.endswith("original"):
            speedup = orig / r.p50_ms
        print(
            r.model.ljust(18)
            + cell(r.fit_s, ".1f", 8)
            + cell(r.p50_ms, ".2f", 9)
            + cell(r.p99_ms, ".2f", 9)
            + ("—" if speedup is None else f"{speedup:.0f}x").rjust(9)
            + cell(r.batch_qps, ",.0f", 10)
            + cell(r.recall, ".3f", 10)
            + cell(r.index_mb, ".0f", 9)
            + cell(r.extra.get("ratio"), ".2f", 7)
            + cell(r.peak_mb, ".0f", 8)
            + f"  {r.note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=1_200_000)
    parser.add_argument("--quick", action="store_true", help="100,000 tracks")
    parser.add_argument("--queries", type=int, default=200, help="single-seed queries to time")
    parser.add_argument("--batch", type=int, default=1000, help="queries in the batch")
    parser.add_argument("--threads", type=int, default=2, help="n_threads of the models")
    parser.add_argument(
        "--indexes",
        default="ivf,hnsw",
        help="approximate indexes to time beside exact search (ivf: audio only; '' for none)",
    )
    parser.add_argument("--models", default="audio,content,mood,clusters")
    parser.add_argument("--genres", type=int, default=600, help="genres (30 per style at 600)")
    show(run(parser.parse_args()))


if __name__ == "__main__":
    main()

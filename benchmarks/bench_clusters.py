"""The clusters model at catalog scale: k-means fit and cluster-proportional curation.

    .venv/bin/python benchmarks/bench_clusters.py [--tracks 1200000] [--library 2000]
        [--n 50] [--runs 5]

Synthetic catalog: ``--tracks`` tracks with all 13 audio columns, drawn from
a mixture of 12 "styles" (beta-distributed 0..1 features, loudness in dB,
tempo in BPM, duration in ms) with 2% of tracks missing their audio.  The
library is ``--library`` random tracks from 4 of the styles.  Prints a
table; nothing is asserted (timings belong here, not in tests).  Targets
from the issue: fit <= 60 s, curate 50 <= 1 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time

import numpy as np
import scipy.sparse as sp

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.models.base import Seeds
from mixtape.models.clusters import ClustersModel
from mixtape.models.controls import Controls
from mixtape.models.curate import curate


def catalog(n: int, seed: int = 0) -> tuple[TrackArrays, np.ndarray]:
    """Synthetic arrays and each track's style."""
    rng = np.random.default_rng(seed)
    styles = 12
    style = rng.integers(0, styles, n)
    audio = np.empty((n, len(AUDIO_COLUMNS)), dtype=np.float32)
    a = rng.uniform(1, 8, (styles, len(AUDIO_COLUMNS)))
    b = rng.uniform(1, 8, (styles, len(AUDIO_COLUMNS)))
    for j, name in enumerate(AUDIO_COLUMNS):
        unit = rng.beta(a[style, j], b[style, j]).astype(np.float32)
        audio[:, j] = {
            "key": np.floor(unit * 12),
            "mode": (unit > 0.5).astype(np.float32),
            "loudness": -60 + 60 * unit,
            "tempo": 60 + 140 * unit,
            "duration_ms": 60_000 + 400_000 * unit,
            "time_signature": 3 + np.floor(unit * 3),
        }.get(name, unit)
    audio[rng.random(n) < 0.02] = np.nan
    artists = rng.integers(0, n // 4, n)
    data = TrackArrays(
        keys=np.array([f"t{i}" for i in range(n)], dtype=object),
        names=np.full(n, "", dtype=object),
        audio=audio,
        year=rng.integers(1960, 2024, n).astype(np.float32),
        popularity=rng.uniform(0, 100, n).astype(np.float32),
        track_artists=sp.csr_matrix(
            (np.ones(n, dtype=np.float32), (np.arange(n), artists)), shape=(n, n // 4)
        ),
        artist_names=np.array([f"a{i}" for i in range(n // 4)], dtype=object),
        primary_artist=artists.astype(np.int32),
        track_genres=sp.csr_matrix((n, 0), dtype=np.float32),
        genre_names=np.array([], dtype=object),
        playlists=sp.csr_matrix((0, n), dtype=np.float32),
        fingerprint="bench",
    )
    return data, style


def peak_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracks", type=int, default=1_200_000)
    parser.add_argument("--library", type=int, default=2_000)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data, style = catalog(args.tracks)
    rows: list[tuple[str, str, str]] = [
        ("synthetic catalog", f"{time.perf_counter() - t0:.1f} s", f"{peak_mib():,.0f} MiB")
    ]
    rng = np.random.default_rng(1)
    pool = np.flatnonzero(np.isin(style, [0, 3, 5, 9]))
    library = rng.choice(pool, args.library, replace=False)
    seeds = Seeds.tracks(library)
    controls = Controls(max_per_artist=2)

    for label, params in [
        ("fit, n_clusters=auto (4..16)", {"n_clusters": "auto"}),
        ("fit, n_clusters=20", {"n_clusters": 20}),
    ]:
        t0 = time.perf_counter()
        model = ClustersModel(**params).fit(data)
        rows.append(
            (
                f"{label} -> k={model.k_}",
                f"{time.perf_counter() - t0:.1f} s",
                f"{peak_mib():,.0f} MiB",
            )
        )
        for aggregate in ("mean", "max"):
            model.aggregate = aggregate
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                result = curate(model, seeds, args.n, controls)
                times.append(time.perf_counter() - t0)
            assert len(result.playlist) == args.n
            rows.append(
                (
                    f"  curate {args.n} from a {args.library:,}-track library, {aggregate} "
                    f"(p50 of {args.runs}, {len(result.clusters)} clusters)",
                    f"{statistics.median(times) * 1000:.0f} ms",
                    f"{peak_mib():,.0f} MiB",
                )
            )

    width = max(len(r[0]) for r in rows)
    python = sys.version.split()[0]
    print(f"{args.tracks:,} tracks × {len(AUDIO_COLUMNS)} audio columns, Python {python}")
    print(f"{'step':<{width}}  {'time':>9}  {'peak RSS':>10}")
    for step, took, mem in rows:
        print(f"{step:<{width}}  {took:>9}  {mem:>10}")


if __name__ == "__main__":
    main()

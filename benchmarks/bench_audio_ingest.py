"""A first ``ingest audio`` of full-length tracks: tracks per minute on one worker and on all.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_audio_ingest.py [--tracks 12]
        [--minutes 4] [--workers 1,2]

Writes ``--tracks`` FLAC files of ``--minutes`` each (44.1 kHz stereo: a drum-like
pulse at a different tempo per track under a chord that changes every two seconds,
plus a little noise, so the beat tracker and chroma have real work), then ingests the
folder into a fresh SQLite catalog once per worker count and prints the wall time,
tracks per minute, the speed-up and the CPU seconds spent (this process and the
pool's workers: CPU over wall time is how many cores the run really got, which on a
shared machine tells a slow pool from a busy one).  The warm-up every process pays once
(librosa's import and numba compilation, 10-15 s) is done first and reported apart; the
pool's workers are forked from the warm process, so they never pay it.
Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

from mixtape.catalog import open_catalog
from mixtape.ingest.audio_ingest import ingest_audio

RATE = 44100


def write_track(path: Path, minutes: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(RATE * 60 * minutes)
    t = np.arange(n) / RATE
    bpm = 90 + 5 * (seed % 12)
    pulse = np.exp(-((t * bpm / 60) % 1.0) * 12)
    roots = 110 * 2 ** (rng.integers(0, 12, int(n / RATE / 2) + 1) / 12)
    hz = np.repeat(roots, 2 * RATE)[:n]
    phase = 2 * np.pi * np.cumsum(hz) / RATE
    chord = np.sin(phase) + 0.5 * np.sin(phase * 1.26) + 0.5 * np.sin(phase * 1.5)
    mono = 0.15 * chord + 0.4 * pulse * rng.normal(0, 0.3, n) + rng.normal(0, 0.01, n)
    stereo = np.stack([mono, np.roll(mono, 200)], axis=1).astype(np.float32)
    soundfile.write(path, stereo, RATE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "music"
        root.mkdir()
        for i in range(args.tracks):
            write_track(root / f"{i + 1:02d} - Track {i + 1}.flac", args.minutes, i)
        # Warm this process up first (librosa's import and numba compilation), untimed:
        # otherwise the first row pays it and the others, forked from a warm process, not.
        warm_folder = Path(tmp) / "warm"
        warm_folder.mkdir()
        write_track(warm_folder / "warm.flac", 0.1, 99)
        catalog = open_catalog(f"sqlite:///{Path(tmp) / 'warm.db'}")
        try:
            started = time.perf_counter()
            ingest_audio(catalog, [warm_folder], workers=1)
            warm_up = time.perf_counter() - started
        finally:
            catalog.dispose()
        rows = []
        for workers in counts:
            catalog = open_catalog(f"sqlite:///{Path(tmp) / f'catalog-{workers}.db'}")
            try:
                cpu, workers_cpu = _cpu(), _cpu(children_only=True)
                started = time.perf_counter()
                summary = ingest_audio(catalog, [root], workers=workers)
                seconds = time.perf_counter() - started
                cpu, workers_cpu = _cpu() - cpu, _cpu(children_only=True) - workers_cpu
            finally:
                catalog.dispose()
            assert summary.analysed == args.tracks, summary.problems
            # The workers analyse every track but the first, already warm (forked).
            per_track = workers_cpu / (args.tracks - 1) if workers_cpu else None
            rows.append((workers, seconds, cpu, per_track))
    print(
        f"{args.tracks} tracks of {args.minutes:g} min (44.1 kHz stereo FLAC), first ingest; "
        f"warm-up (once a process, untimed below): {warm_up:.1f} s"
    )
    head = ("workers", "seconds", "tracks/min", "speed-up", "cpu s", "cores used", "cpu s/track")
    widths = (7, 8, 11, 9, 7, 11, 12)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for workers, seconds, cpu, per_track in rows:
        warm = f"{per_track:>12.2f}" if per_track else f"{'-':>12}"
        print(
            f"{workers:>7} {seconds:>8.1f} {60 * args.tracks / seconds:>11.1f} "
            f"{rows[0][1] / seconds:>8.2f}x {cpu:>7.1f} {cpu / seconds:>11.2f} {warm}"
        )
    print("cpu s/track: the pool's workers' CPU over the tracks they analysed (warm, forked)")


def _cpu(*, children_only: bool = False) -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = children.ru_utime + children.ru_stime
    if not children_only:
        own = resource.getrusage(resource.RUSAGE_SELF)
        total += own.ru_utime + own.ru_stime
    return total


if __name__ == "__main__":
    main()

"""Audio analysis speed: seconds per file on one core, real-time factor, tracks per minute.

    .venv/bin/python benchmarks/bench_audio.py [--minutes 4] [--files 8] [--workers 0]
        [--repeats 3] [--skip-naive]

A 4-minute 44.1 kHz stereo song is synthesized here (drums, bass and chords; written as
FLAC with soundfile and, when ffmpeg is installed, as a 192 kb/s MP3 and a 128 kb/s M4A)
and analysed by ``mixtape.audio.analyse`` (a 120 s excerpt from the middle, 22.05 kHz)
and by the peer a user would write: ``librosa.load`` of the whole file at its native
rate, then BS.1770 loudness, librosa's beat tracker, CQT and STFT chroma, MFCCs and
spectral contrast over the whole track.  Single-file rows run pinned to one core with
BLAS on one thread (after one warm-up call: a worker pays for librosa's imports once),
in wall and CPU seconds (this process and ffmpeg's; the real-time factor is from CPU
seconds, which other jobs on the same core barely change);
the folder rows analyse ``--files`` copies of the FLAC in a process pool of
``--workers`` processes (0: one per core), start-up included.  Peak memory is Python's
traced allocations (numpy's included) of one more call of each.  Prints a table;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import soundfile

from mixtape.audio import analyse, ffmpeg_available

RATE = 44100


def song(seconds: float, bpm: float = 118.0, seed: int = 0) -> np.ndarray:
    """Stereo drums (kick, snare, hats), a bass line and sustained chords in A minor."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    out = np.zeros((n, 2))
    beat = 60.0 / bpm
    hit_t = np.arange(int(0.25 * RATE)) / RATE
    kick = np.sin(2 * np.pi * (50 + 100 * np.exp(-hit_t * 30)) * hit_t) * np.exp(-hit_t * 12)
    snare = rng.normal(0, 0.5, len(hit_t)) * np.exp(-hit_t * 25)
    hat = rng.normal(0, 0.15, len(hit_t)) * np.exp(-hit_t * 90)
    for i, at in enumerate(np.arange(0.0, seconds - 0.3, beat / 2)):
        start = int(at * RATE)
        sounds = [hat] + ([kick if i % 4 == 0 else snare] if i % 2 == 0 else [])
        for sound in sounds:
            out[start : start + len(sound)] += sound[:, None]
    bar = 4 * beat
    progression = [(57, 60, 64), (53, 57, 60), (48, 52, 55), (55, 59, 62)]
    for k, at in enumerate(np.arange(0.0, seconds, bar)):
        start, end = int(at * RATE), min(n, int((at + bar) * RATE))
        t = np.arange(end - start) / RATE
        notes = progression[k % 4]
        for note, gain in ((notes[0] - 24, 0.25), *((m, 0.08) for m in notes)):
            hz = 440.0 * 2 ** ((note - 69) / 12)
            out[start:end, 0] += gain * np.sin(2 * np.pi * hz * t) * np.exp(-t * 0.4)
            out[start:end, 1] += gain * np.sin(2 * np.pi * hz * 1.003 * t) * np.exp(-t * 0.4)
    return (0.8 * out / np.abs(out).max()).astype(np.float32)


def naive(path: Path) -> dict[str, float]:
    """The pipeline a user would write first: the whole file, at its own rate."""
    import librosa
    import pyloudnorm

    with warnings.catch_warnings():  # M4A: librosa falls back to audioread, and says so
        warnings.simplefilter("ignore")
        y, sr = librosa.load(path, sr=None, mono=False)
    stereo = np.atleast_2d(y).T
    loudness = pyloudnorm.Meter(sr).integrated_loudness(stereo.astype(np.float64))
    mono = librosa.to_mono(y)
    tempo, _ = librosa.beat.beat_track(y=mono, sr=sr)
    cqt = librosa.feature.chroma_cqt(y=mono, sr=sr)
    stft = librosa.feature.chroma_stft(y=mono, sr=sr)
    mfcc = librosa.feature.mfcc(y=mono, sr=sr, n_mfcc=20)
    contrast = librosa.feature.spectral_contrast(y=mono, sr=sr)
    return {
        "tempo": float(np.atleast_1d(tempo)[0]),
        "loudness": float(loudness),
        "features": float(cqt.mean() + stft.mean() + mfcc.mean() + contrast.mean()),
    }


def ours(path: Path) -> float:
    return analyse(path).duration_s


def one_core_seconds(
    work: Callable[[Path], object], path: Path, repeats: int
) -> tuple[float, float]:
    """Median wall and CPU seconds of ``work(path)`` pinned to one core, BLAS on one
    thread, warm.  CPU time counts this process and its children (ffmpeg), so it stays
    meaningful when other jobs share the core (wall time then grows, CPU time barely)."""
    from threadpoolctl import threadpool_limits

    def cpu() -> float:
        mine, children = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime

    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        with threadpool_limits(limits=1):
            work(path)
            walls, cpus = [], []
            for _ in range(repeats):
                start, start_cpu = time.perf_counter(), cpu()
                work(path)
                walls.append(time.perf_counter() - start)
                cpus.append(cpu() - start_cpu)
    finally:
        os.sched_setaffinity(0, cores)
    return statistics.median(walls), statistics.median(cpus)


def peak_mib(work: Callable[[Path], object], path: Path) -> float:
    tracemalloc.start()
    try:
        work(path)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def folder_minutes(work: Callable[[Path], object], paths: list[Path], workers: int) -> float:
    """Wall seconds for a process pool of ``workers`` to analyse ``paths`` (start-up in)."""
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(work, paths))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="0: one per core")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    workers = args.workers or os.cpu_count() or 1
    seconds = args.minutes * 60

    with tempfile.TemporaryDirectory(prefix="bench-audio-") as tmp:
        folder = Path(tmp)
        flac = folder / "song.flac"
        soundfile.write(flac, song(seconds), RATE)
        inputs = {"FLAC 44.1 kHz stereo": flac}
        if ffmpeg_available():
            for suffix, bitrate in ((".mp3", "192k"), (".m4a", "128k")):
                target = folder / f"song{suffix}"
                subprocess.run(
                    [
                        "ffmpeg",
                        "-nostdin",
                        "-v",
                        "error",
                        "-i",
                        str(flac),
                        "-b:a",
                        bitrate,
                        str(target),
                    ],
                    check=True,
                )
                inputs[f"{suffix[1:].upper()} {bitrate}b/s"] = target
        pipelines: dict[str, Callable[[Path], object]] = {"mixtape.audio": ours}
        if not args.skip_naive:
            pipelines["naive librosa"] = naive

        load = os.getloadavg()[0]
        print(f"{args.minutes:g}-minute song, {os.cpu_count()} cores, load average {load:.1f}")
        header = (
            f"{'pipeline':<15} {'input':<22} {'wall s':>7} {'CPU s':>6} {'x real time (CPU)':>17}"
            f" {'peak MiB':>9}"
        )
        print(header)
        print("-" * len(header))
        for name, work in pipelines.items():
            for label, path in inputs.items():
                wall, used = one_core_seconds(work, path, args.repeats)
                peak = peak_mib(work, path)
                print(
                    f"{name:<15} {label:<22} {wall:>7.2f} {used:>6.2f} {seconds / used:>17.0f}"
                    f" {peak:>9.0f}"
                )

        copies = []
        for i in range(args.files):
            copy = folder / f"copy{i:03d}.flac"
            shutil.copyfile(flac, copy)
            copies.append(copy)
        print()
        header = f"{'pipeline':<15} {'folder':<22} {'workers':>8} {'seconds':>9} {'tracks/min':>11}"
        print(header)
        print("-" * len(header))
        for name, work in pipelines.items():
            for count in sorted({1, workers}):
                took = folder_minutes(work, copies, count)
                rate, label = 60 * args.files / took, f"{args.files} x FLAC"
                print(f"{name:<15} {label:<22} {count:>8} {took:>9.1f} {rate:>11.1f}")
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""Rescanning an unchanged music folder: ``ingest audio`` against re-reading every file's tags.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_audio_scan.py [--files 10000] [--repeat 3]
        [--db URL] [--folder DIR]

Writes ``--files`` real audio files (0.05 s WAVs of a tone, 48 per folder in
``Artist NNN/Album NN/`` folders), then records them in a fresh catalog through the
ingest's own batch writer (:meth:`AudioRun.write`: tracks, local features,
embeddings and file rows, exactly what a first ingest writes) with placeholder
measurements: analysing 10,000 files for real takes about an hour here and says
nothing about a rescan, which must not open them.  Then times, best of ``--repeat``:

* ``rescan``: :func:`ingest_audio` on the unchanged folder (walk, one query for the
  root's rows, comparison, the run's ``ingests`` row, the folder's playlists: none);
* ``walk only``: the os.scandir/stat walk alone, the floor of any rescan;
* ``tinytag``: the naive peer, reading every file's tags again (what a scanner that
  trusts no stored size/mtime does before deciding what changed).

Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile

from mixtape.audio import ANALYSER, AUDIO_EXTENSIONS, SONIC_DIM, Analysis, names_from_path
from mixtape.catalog import open_catalog
from mixtape.ingest.audio_ingest import AudioRun, ingest_audio
from mixtape.ingest.audio_m3u import PLAYLIST_EXTENSIONS
from mixtape.ingest.audio_scan import plan_scan
from mixtape.ingest.audio_walk import walk

RATE = 8000
PER_FOLDER = 48
BATCH = 1000


def write_folder(root: Path, n: int) -> None:
    t = np.arange(int(RATE * 0.05)) / RATE
    samples = (0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for i in range(n):
        folder = root / f"Artist {i // (PER_FOLDER * 4):03d}" / f"Album {i // PER_FOLDER % 4:02d}"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{i % PER_FOLDER + 1:02d} - Song {i}.wav"
        if not path.exists():  # a --folder kept from an earlier run is reused
            soundfile.write(path, samples, RATE)


def placeholder(path: Path, root: Path) -> Analysis:
    """What the batch writer stores for a file, without analysing it."""
    return Analysis(
        path=str(path),
        tags=names_from_path(path, root),
        duration_s=0.05,
        tempo=None,
        key=None,
        mode=None,
        loudness=-30.0,
        time_signature=None,
        energy=0.1,
        danceability=0.1,
        embedding=np.zeros(SONIC_DIM, dtype=np.float32),
        excerpt_start_s=0.0,
        excerpt_s=0.05,
        decoder="soundfile",
    )


def record(url: str, root: Path) -> None:
    """Every file of ``root`` recorded as a first ingest would, placeholders measured."""
    catalog = open_catalog(url)
    try:
        found = walk(root, AUDIO_EXTENSIONS, PLAYLIST_EXTENSIONS)
        with catalog.connect() as conn:
            plan = plan_scan(conn, found, ANALYSER)
        run = AudioRun(catalog, [root], strict=False, workers=1)
        run.start([plan])
        for start in range(0, len(plan.todo), BATCH):
            todo = plan.todo[start : start + BATCH]
            run.write(plan, [(t, placeholder(root / t.found.relative, root)) for t in todo])
        run.finish()
    finally:
        catalog.dispose()


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", help="catalog URL (default: a new SQLite file)")
    parser.add_argument(
        "--folder", type=Path, help="where to write the files, kept and reused (default: tmp)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = (args.folder or Path(tmp) / "music").resolve()
        started = time.perf_counter()
        write_folder(root, args.files)
        wrote = time.perf_counter() - started
        url = args.db or f"sqlite:///{Path(tmp) / 'catalog.db'}"
        started = time.perf_counter()
        record(url, root)
        recorded = time.perf_counter() - started

        catalog = open_catalog(url)
        summaries = []
        try:
            rescan = best(
                args.repeat, lambda: summaries.append(ingest_audio(catalog, [root], workers=1))
            )
        finally:
            catalog.dispose()
        assert all(s.unchanged == args.files and s.analysed == 0 for s in summaries)
        walked = best(args.repeat, lambda: walk(root, AUDIO_EXTENSIONS, PLAYLIST_EXTENSIONS))
        from tinytag import TinyTag

        paths = sorted(root.rglob("*.wav"))
        tags = best(args.repeat, lambda: [TinyTag.get(p) for p in paths])

    print(
        f"{args.files:,} unchanged WAV files; files written in {wrote:.1f} s, "
        f"recorded in {recorded:.1f} s; best of {args.repeat}; {url.split(':')[0]} catalog"
    )
    print(f"{'what':<34} {'seconds':>8} {'files/s':>10}")
    for name, seconds in (
        ("rescan (mixtape ingest audio)", rescan),
        ("walk only (scandir + stat)", walked),
        ("naive: tinytag on every file", tags),
    ):
        print(f"{name:<34} {seconds:>8.2f} {args.files / seconds:>10,.0f}")


if __name__ == "__main__":
    main()

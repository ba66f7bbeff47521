"""Analysing many files on every core: a process pool fed through a bounded window.

``analysed(paths, root, workers)`` yields ``(index, outcome)`` as files finish, where
the outcome is the :class:`~mixtape.audio.Analysis` or the one-line reason the file
failed.  At most ``WINDOW_PER_WORKER * workers`` files are submitted at a time, so a
folder of 100,000 files never holds 100,000 futures (or their results) in memory;
the parent writes results as they come.

The first file is analysed in this process, and only then are the workers started:
on Linux they are forked from it and so start with librosa imported and its numba
functions compiled (10-15 s a process otherwise, more than a short file's analysis).
With one worker, or one file, everything runs in this process.  Workers ignore
SIGINT: Ctrl-C reaches the parent, which cancels what is queued and waits for the
files under way (each bounded: the analysis reads an excerpt), so no worker dies
half-way with a traceback.  The analysis keeps the numerical libraries to one thread
each: the pool is the parallelism.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from mixtape.errors import AudioError, MixtapeError

#: Files in flight per worker: enough to keep every worker busy between two writes.
WINDOW_PER_WORKER = 4


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def analyse_one(path: str, root: str) -> Any:
    """The analysis of one file under ``root`` (names from the path where tags are
    missing), or the reason it failed (a string): never raises for a bad file, so one
    file cannot stop a folder."""
    from mixtape import audio

    try:
        return audio.analyse(Path(path), root=Path(root))
    except AudioError as exc:
        return exc.reason
    except MemoryError:
        return "not enough memory to analyse it"
    except Exception as exc:  # a decoder's or analyser's bug on this input: this file fails
        detail = str(exc).strip().splitlines()
        return f"analysis failed ({type(exc).__name__}{': ' + detail[0][:120] if detail else ''})"


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> Any:
    """Fork on Linux (workers inherit the warm analysis); spawn where fork is unsafe
    (macOS's system libraries) or missing (Windows)."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def analysed(
    paths: Sequence[str], root: str, workers: int
) -> Generator[tuple[int, Any], None, None]:
    """``(index into paths, analysis or failure reason)`` for every path, as they finish."""
    if workers <= 1 or len(paths) <= 2:
        for index, path in enumerate(paths):
            yield index, analyse_one(path, root)
        return
    yield 0, analyse_one(paths[0], root)  # warms this process up before the fork
    workers = min(workers, len(paths) - 1)
    window = WINDOW_PER_WORKER * workers
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker)
    pending: dict[Future[Any], int] = {}
    following = iter(list(enumerate(paths))[1:])
    try:
        while True:
            for index, path in following:
                pending[pool.submit(analyse_one, path, root)] = index
                if len(pending) >= window:
                    break
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    raise MixtapeError(
                        f"{paths[index]}: a worker process died while analysing it "
                        "(killed, or out of memory)",
                        hint="what was committed stays; run again, with fewer workers if "
                        "memory is short",
                    ) from None
                yield index, outcome
    finally:
        # Normal end, Ctrl-C or the consumer stopping early: drop what is queued and
        # let the files under way finish (their workers ignore SIGINT).
        pool.shutdown(wait=True, cancel_futures=True)

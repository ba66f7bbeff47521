"""Fits off the request path: models are prepared by one background thread.

A page that needs a model which is not fitted yet asks :meth:`Preparer.state`;
that queues the fit (once) and the page shows "preparing model…" and polls
with htmx until the state is ``ready``.  Fitted models live in the facade's
cache, shared by every request; this class only remembers which ones are done
so that the request path never blocks on a fit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from mixtape.errors import MixtapeError

log = logging.getLogger("mixtape.web")

ARRAYS = ":arrays"  # the job that builds the catalog's arrays


@dataclass(frozen=True)
class JobState:
    """``state`` is ``ready``, ``pending`` or ``failed`` (with the error's message)."""

    name: str
    state: str
    message: str = ""

    @property
    def ready(self) -> bool:
        return self.state == "ready"


class Preparer:
    """Runs ``work(name)`` once per name in one background thread; thread-safe."""

    def __init__(self, work: Callable[[str], object]) -> None:
        self._work = work
        self._lock = threading.Lock()
        self._done: dict[str, JobState] = {}
        self._running: dict[str, Future[object]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            # One worker: a fit already uses the cores it can; two would only compete.
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mixtape-fit")
        return self._pool

    def state(self, name: str, *, start: bool = True) -> JobState:
        """Where ``name`` stands; queues it when it has not been asked for yet."""
        with self._lock:
            done = self._done.get(name)
            if done is not None:
                return done
            if name not in self._running and start:
                future = self._executor().submit(self._run, name)
                self._running[name] = future
            return JobState(name, "pending" if name in self._running else "idle")

    def run(self, name: str, job: Callable[[], object]) -> JobState:
        """Queue ``job`` under ``name`` (once; a later call with the same name changes nothing)."""
        with self._lock:
            done = self._done.get(name)
            if done is not None:
                return done
            if name not in self._running:
                self._running[name] = self._executor().submit(self._run, name, job)
            return JobState(name, "pending")

    def _run(self, name: str, job: Callable[[], object] | None = None) -> object:
        try:
            result = job() if job is not None else self._work(name)
        except MixtapeError as exc:
            outcome = JobState(name, "failed", str(exc))
            result = None
        except Exception as exc:  # logged; the page says it failed, without a traceback
            log.exception("preparing %s failed", name)
            outcome = JobState(name, "failed", f"unexpected {type(exc).__name__}")
            result = None
        else:
            outcome = JobState(name, "ready")
        with self._lock:
            self._done[name] = outcome
            self._running.pop(name, None)
        return result

    def start(self, names: Iterable[str]) -> None:
        for name in names:
            self.state(name)

    def mark_ready(self, name: str) -> None:
        """Record a fit that happened on a request thread (e.g. an API call that waited)."""
        with self._lock:
            self._done[name] = JobState(name, "ready")

    def forget(self) -> None:
        """Forget what is done (the catalog changed: the facade refits on next use)."""
        with self._lock:
            self._done.clear()

    def wait(self, name: str, timeout: float | None = None) -> JobState:
        """Block until ``name`` is done (tests, the CLI's warm-up); returns its state."""
        self.state(name)
        with self._lock:
            future = self._running.get(name)
        if future is not None:
            future.result(timeout=timeout)
        return self.state(name, start=False)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

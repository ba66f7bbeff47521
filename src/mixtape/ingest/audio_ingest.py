"""``ingest audio``: music folders into the catalog, incrementally and safely.

A run walks every root (:mod:`.audio_walk`), compares what it found with the rows
recorded for that root (:mod:`.audio_scan`: unchanged files are never opened), marks
vanished files missing, then analyses the new and changed files on a process pool
(:mod:`.audio_pool`) and writes the results in batches: each batch is one
transaction holding its files' tracks (through :class:`BatchWriter`, so names,
artists, albums, genres and search documents stay in step), measured features,
embeddings and file rows, and the run's ``ingests`` row brought up to date.  Last,
each root's M3U files become playlists (:mod:`.audio_playlists`).

Ctrl-C keeps the committed batches (the batch being gathered is dropped) and
raises :class:`~mixtape.errors.Interrupted` with the summary so far; the next run
finds those files unchanged and goes on with the rest.  A file that fails is
recorded as ``failed`` with its reason, one line of the summary, and is retried
only once it changes; ``strict`` stops at the first problem instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mixtape.audio import ANALYSER, AUDIO_EXTENSIONS
from mixtape.catalog.db import Catalog, record_ingest
from mixtape.catalog.local_audio import (
    drop_orphan_measurements,
    file_row,
    files_of_tracks,
    mark_missing,
    mark_ok,
    replace_measurements,
    update_ingest,
    upsert_files,
)
from mixtape.catalog.writes import BatchWriter, IdCache
from mixtape.errors import IngestError, InputError, Interrupted
from mixtape.ingest.audio_m3u import PLAYLIST_EXTENSIONS, read_m3u
from mixtape.ingest.audio_playlists import EntryMatcher, write_playlist
from mixtape.ingest.audio_pool import analysed, default_workers
from mixtape.ingest.audio_scan import ScanPlan, Todo, plan_scan, shown_path
from mixtape.ingest.audio_summary import AudioIngestSummary
from mixtape.ingest.audio_tracks import track_record
from mixtape.ingest.audio_walk import Walk, walk
from mixtape.records import IngestSummary

KIND = "audio"
#: A batch is committed after this many files or this many seconds, whichever first.
BATCH_FILES = 64
BATCH_SECONDS = 10.0

#: ``(files analysed, files to analyse)`` in this run.
Progress = Callable[[int, int], None]


def check_roots(dirs: Sequence[Path]) -> list[Path]:
    """Each folder resolved (symbolic links and ``..`` gone); :class:`InputError` for one
    that is not a folder, before anything is read or written."""
    if not dirs:
        raise InputError("name at least one music folder", field="dirs")
    roots: list[Path] = []
    for folder in dirs:
        path = Path(folder).expanduser()
        if not path.exists():
            raise InputError(f"{folder}: no such folder", field="dirs")
        if not path.is_dir():
            raise InputError(f"{folder}: not a folder", field="dirs")
        roots.append(path.resolve())
    return list(dict.fromkeys(roots))  # a folder named twice is walked once


class AudioRun:
    """One run over some roots: its counters, its ``ingests`` row and its batches."""

    def __init__(self, catalog: Catalog, roots: Sequence[Path], strict: bool, workers: int) -> None:
        self.catalog = catalog
        self.analyser = ANALYSER
        self.strict = strict
        self.workers = workers
        self.cache = IdCache()
        self.started = datetime.now(UTC)
        self.clock = time.perf_counter()
        self.summary = AudioIngestSummary(roots=tuple(str(r) for r in roots))
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.ingest_id = 0
        self.same_song: set[int] = set()  # tracks already warned about
        self.done = 0

    # -- bookkeeping ------------------------------------------------------------------
    def add(self, **counts: int) -> None:
        values = {k: getattr(self.summary, k) + v for k, v in counts.items()}
        self.summary = dataclasses.replace(self.summary, **values)

    def result(self, *, stopped: bool = False) -> AudioIngestSummary:
        return dataclasses.replace(
            self.summary,
            problems=tuple(self.problems),
            warnings=tuple(self.warnings),
            stopped=stopped,
            seconds=round(time.perf_counter() - self.clock, 2),
        )

    def _ingest_values(self, status: str) -> dict[str, Any]:
        s = self.result()
        return {
            "status": status,
            "records_read": s.found,
            "records_loaded": s.analysed,
            "records_skipped": s.unchanged + s.failed + s.failed_before,
            "message": s.message(),
            "finished_at": datetime.now(UTC),
        }

    def problem(self, path: str, reason: str) -> None:
        """One line of the summary; with ``strict`` the run stops here."""
        if self.strict:
            raise IngestError(reason, source=path, hint="fix or remove it, or run without --strict")
        self.problems.append(f"{path}: {reason}")

    # -- the steps ----------------------------------------------------------------------
    def start(self, plans: Sequence[ScanPlan]) -> None:
        """The run's ``ingests`` row, vanished files marked missing, returned ones ok."""
        with self.catalog.begin() as conn:
            source = ", ".join(self.summary.roots)
            self.ingest_id = record_ingest(
                conn, IngestSummary(kind=KIND, source=source, status="partial"), self.started
            )
            for plan in plans:
                mark_missing(conn, plan.vanished, self.ingest_id)
                mark_ok(conn, plan.restored, self.ingest_id)
            update_ingest(conn, self.ingest_id, self._ingest_values("partial"))

    def analyse(self, plan: ScanPlan, total: int, on_progress: Progress | None) -> None:
        """Analyse the plan's files on the pool, committing a batch every so often."""
        root = str(plan.root)
        batch: list[tuple[Todo, Any]] = []
        empty = [t for t in plan.todo if t.found.size == 0]
        todo = [t for t in plan.todo if t.found.size > 0]
        since = time.monotonic()
        for item in empty:  # nothing to decode: recorded as failed straight away
            batch.append((item, "empty file"))
            self.done += 1
            if on_progress is not None:
                on_progress(self.done, total)
            if self.strict:
                self.problem(f"{root}/{shown_path(item.found.relative)}", "empty file")
        paths = [f"{root}/{t.found.relative}" for t in todo]
        with contextlib.closing(analysed(paths, root, self.workers)) as results:
            for index, outcome in results:
                batch.append((todo[index], outcome))
                self.done += 1
                if on_progress is not None:
                    on_progress(self.done, total)
                if isinstance(outcome, str) and self.strict:
                    self.write(plan, batch[:-1])
                    self.problem(f"{root}/{shown_path(todo[index].found.relative)}", outcome)
                if len(batch) >= BATCH_FILES or time.monotonic() - since >= BATCH_SECONDS:
                    self.write(plan, batch)
                    batch, since = [], time.monotonic()
        if batch:
            self.write(plan, batch)

    def write(self, plan: ScanPlan, batch: Sequence[tuple[Todo, Any]]) -> None:
        """One transaction: the batch's tracks, measurements, file rows and the run's row."""
        if not batch:
            return
        root = str(plan.root)
        now = datetime.now(UTC)
        with self.catalog.begin() as conn:
            writer = BatchWriter(conn, self.cache)
            good = [(t, a) for t, a in batch if not isinstance(a, str)]
            records = [track_record(a) for _, a in good]
            ids = writer.upsert_tracks(records) if records else {}
            features: dict[int, dict[str, Any]] = {}
            vectors: dict[int, bytes] = {}
            files_of: dict[int, list[str]] = {}
            rows = []
            for (todo, analysis), record in zip(good, records, strict=True):
                track_id = ids[record.key]
                features[track_id] = analysis.features()
                vectors[track_id] = analysis.embedding_bytes()
                files_of.setdefault(track_id, []).append(todo.found.relative)
                rows.append(self._row(root, todo, "ok", None, now, track_id))
            failed = [(t, reason) for t, reason in batch if isinstance(reason, str)]
            for todo, reason in failed:
                rows.append(self._row(root, todo, "failed", reason, now, None))
            replace_measurements(conn, features, vectors, self.analyser)
            upsert_files(conn, rows)
            moved = [
                t.stored.track_id
                for t, _ in batch
                if t.stored is not None and t.stored.track_id is not None
            ]
            drop_orphan_measurements(conn, moved)
            self._same_song(conn, root, files_of, {t.key for t, _ in batch})
            self.add(analysed=len(good), failed=len(failed))
            for todo, reason in failed:
                self.problems.append(f"{root}/{shown_path(todo.found.relative)}: {reason}")
            update_ingest(conn, self.ingest_id, self._ingest_values("partial"))
        writer.commit_to_cache()

    def _row(
        self,
        root: str,
        todo: Todo,
        status: str,
        message: str | None,
        now: datetime,
        track_id: int | None,
    ) -> dict[str, Any]:
        f = todo.found
        return file_row(
            todo.key,
            root,
            shown_path(f.relative),
            f.size,
            f.mtime_ns,
            status=status,
            message=message,
            analyser=self.analyser,
            analysed_at=now,
            ingest_id=self.ingest_id,
            track_id=track_id,
        )

    def _same_song(
        self, conn: Any, root: str, files_of: dict[int, list[str]], keys: set[str]
    ) -> None:
        """A warning for each track that more than one file became (once per run); an
        earlier file of the track that is gone from disk moved here: marked missing."""
        others: dict[int, list[str]] = {}
        moved: list[str] = []
        for track_id, other_root, path, key in files_of_tracks(conn, sorted(files_of), keys):
            where = f"{other_root}/{path}"
            if os.path.lexists(where):
                others.setdefault(track_id, []).append(where)
            else:  # a library moved or renamed: the old place is missing, not a duplicate
                moved.append(key)
        mark_missing(conn, moved, self.ingest_id)
        self.add(missing=len(moved))
        for track_id, relatives in files_of.items():
            paths = [f"{root}/{r}" for r in relatives] + others.get(track_id, [])
            if len(paths) > 1 and track_id not in self.same_song:
                self.same_song.add(track_id)
                self.warnings.append(
                    f"{', '.join(paths)}: the same song by their tags; one track, "
                    "measured from the last file analysed"
                )

    def playlists(self, found: Walk) -> None:
        """Each M3U file of the root as a playlist (one transaction for the root's lists)."""
        if not found.playlists:
            return
        with self.catalog.begin() as conn:
            writer = BatchWriter(conn, self.cache)
            matcher = EntryMatcher.of_root(conn, found.root)
            for path in found.playlists:
                try:
                    playlist = read_m3u(path)
                except OSError as exc:
                    self.problem(str(path), f"cannot read it ({(exc.strerror or '').lower()})")
                    continue
                outcome = write_playlist(writer, matcher, playlist, str(path), self.ingest_id)
                if outcome.matched:
                    self.add(playlists=1, playlist_entries=outcome.matched)
                self.add(unmatched_entries=len(outcome.unmatched))
                if outcome.unmatched:
                    self.warnings.append(outcome.line())
            update_ingest(conn, self.ingest_id, self._ingest_values("partial"))
        writer.commit_to_cache()

    def finish(self, status: str = "ok") -> AudioIngestSummary:
        """The run's row marked ``status`` (nothing to do before it was written)."""
        if self.ingest_id:
            with self.catalog.begin() as conn:
                update_ingest(conn, self.ingest_id, self._ingest_values(status))
        return self.result(stopped=status != "ok")


def ingest_audio(
    catalog: Catalog,
    dirs: Sequence[Path],
    *,
    strict: bool = False,
    workers: int | None = None,
    on_progress: Progress | None = None,
    on_scan: Callable[[int], None] | None = None,
) -> AudioIngestSummary:
    """Ingest the audio files and M3U playlists under ``dirs`` (see the module's notes).

    :class:`InputError` for a folder that does not exist (before anything is done);
    with ``strict`` an :class:`IngestError` at the first problem (earlier batches stay
    committed); Ctrl-C raises :class:`Interrupted` carrying the summary so far.
    ``on_scan(files found)`` hears while the folders are walked, ``on_progress(done,
    total)`` while files are analysed.
    """
    roots = check_roots(dirs)
    run = AudioRun(catalog, roots, strict, workers or default_workers())
    try:
        walks: list[Walk] = []
        for root in roots:
            before = sum(len(w.files) for w in walks)
            scanned = None if on_scan is None else _offset(on_scan, before)
            walks.append(walk(root, AUDIO_EXTENSIONS, PLAYLIST_EXTENSIONS, scanned))
        for found in walks:
            for p in found.problems:
                run.problem(f"{found.root}/{p.path}", p.reason)
        handled: set[str] = set()
        with catalog.connect() as conn:
            plans = [plan_scan(conn, found, ANALYSER, handled) for found in walks]
        run.add(
            found=len(handled),  # a file under two roots given (one inside the other) once
            unchanged=sum(p.unchanged for p in plans),
            failed_before=sum(p.failed_before for p in plans),
            missing=sum(len(p.vanished) for p in plans),
            restored=sum(len(p.restored) for p in plans),
            to_analyse=sum(len(p.todo) for p in plans),
        )
        run.start(plans)
        total = run.summary.to_analyse
        if on_progress is not None and total:
            on_progress(0, total)
        for found, plan in zip(walks, plans, strict=True):
            run.analyse(plan, total, on_progress)
            run.playlists(found)
        return run.finish()
    except IngestError:  # strict: the first problem stops the run
        run.finish("failed")
        raise
    except KeyboardInterrupt:
        summary = run.result(stopped=True)
        raise Interrupted(
            f"stopped after {summary.analysed} of {summary.to_analyse} files were analysed "
            "and committed; the batch under way was dropped",
            done=(summary,),
            hint="run the same command again to go on: committed files are not analysed again",
        ) from None


def _offset(callback: Callable[[int], None], before: int) -> Callable[[int], None]:
    """``callback`` hearing counts that go on from ``before`` (files of earlier roots)."""
    return lambda found: callback(before + found)

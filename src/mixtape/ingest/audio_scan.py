"""What a scan of one root has to do: the walk compared with the files already recorded.

A file is identified by the hash of its absolute path (``audio_files.key``) and is
unchanged when its size and modification time (ns) are the ones stored: such a file
is never opened again.  Decided here, with no decoding and one query for the root's
rows (plus a keyed look-up for files first recorded under another root):

* ``todo``: new files, changed ones, and ones analysed by an older analyser version;
* ``unchanged``: analysed, same size and time;
* ``failed_before``: failed last time and unchanged (retried only once they change);
* ``restored``: marked missing, back unchanged with their analysis: ``ok`` again;
* ``vanished``: recorded under this root, gone now: to be marked ``missing``
  (files under a folder that could not be listed this time are not).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from mixtape.catalog.local_audio import StoredFile, files_by_key, stored_files
from mixtape.ingest.audio_walk import Found, Walk


def file_key(root: Path, relative: str) -> str:
    """``audio_files.key``: the sha256 (hex) of the file's absolute path."""
    absolute = f"{root.as_posix().rstrip('/')}/{relative}"
    return hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()


def shown_path(relative: str) -> str:
    """A relative path as stored and printed (a name that is not UTF-8 gets U+FFFD)."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Todo:
    """A file to analyse, with what the catalog knew of it."""

    key: str
    found: Found
    stored: StoredFile | None


@dataclass
class ScanPlan:
    root: Path
    todo: list[Todo] = field(default_factory=list)
    unchanged: int = 0
    failed_before: int = 0
    restored: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)


def plan_scan(
    conn: Connection, walk: Walk, analyser: str, already: set[str] | None = None
) -> ScanPlan:
    """Compare ``walk`` with the catalog's rows; ``already``: keys handled earlier in this
    run (a root inside another one given too), skipped and filled with this root's keys."""
    root = walk.root
    handled = already if already is not None else set()
    stored = stored_files(conn, str(root))
    found = {file_key(root, f.relative): f for f in walk.files}
    elsewhere = [k for k in found if k not in stored]
    if elsewhere:  # recorded while scanning another root holding the same files
        stored |= files_by_key(conn, elsewhere)
    plan = ScanPlan(root)
    for key, f in found.items():
        if key in handled:
            continue
        handled.add(key)
        row = stored.get(key)
        same = row is not None and row.size == f.size and row.mtime_ns == f.mtime_ns
        if row is None or not same:
            plan.todo.append(Todo(key, f, row))
        elif row.status == "failed":
            plan.failed_before += 1
        elif row.analyser != analyser or row.track_id is None:
            plan.todo.append(Todo(key, f, row))
        elif row.status == "missing":
            plan.restored.append(key)
        else:
            plan.unchanged += 1
    plan.vanished = [
        key
        for key, row in stored.items()
        if key not in found
        and row.root == str(root)
        and row.status != "missing"
        and not walk.is_unusable(row.path)
    ]
    return plan

"""What the ingest of several files shares: one summary per file, and what a stop leaves.

Each file is its own transaction, so a run stopped by Ctrl-C (a
``KeyboardInterrupt``) keeps the files committed before the stop; the
generators of summaries turn the interrupt into :class:`~mixtape.errors.Interrupted`
carrying those files' summaries, so a front end can say what was kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from mixtape.errors import Interrupted
from mixtape.records import IngestSummary


def interrupted(done: Sequence[IngestSummary]) -> Interrupted:
    """The error for a run stopped after the files in ``done``."""
    ok = [s for s in done if s.status == "ok"]
    records = sum(s.records_loaded for s in ok)
    return Interrupted(
        f"stopped after {len(ok)} file(s) ({records:,} records) were committed; "
        "the file under way was rolled back",
        done=done,
        hint="loading the same files again resumes: committed files load again unchanged",
    )


@contextlib.contextmanager
def interruptible(done: Sequence[IngestSummary]) -> Iterator[None]:
    """Turn a ``KeyboardInterrupt`` inside the block into :func:`interrupted` (``done``)."""
    try:
        yield
    except KeyboardInterrupt:
        raise interrupted(done) from None

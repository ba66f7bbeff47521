"""Loading CSV files, each in one transaction, with a summary per file.

``ingest_csv`` parses one file's rows (see :mod:`mixtape.ingest.csv_read`)
with a kind-specific parser (tracks, artists), skips bad rows (or fails the
whole file when ``strict``) and writes batches through one
:class:`BatchWriter` inside one transaction, with its provenance row.
``ingest_csv_files`` loads several files the way ``ingest_mpd`` loads slices:
a bad file is rolled back and reported in its summary, the others load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy import Connection, Table, func, select

from mixtape.catalog.db import Catalog, record_failure, record_ingest
from mixtape.catalog.writes import BatchWriter, IdCache
from mixtape.errors import IngestError
from mixtape.ingest.csv_layouts import ColumnPlan, FieldSet, Layout, plan_columns
from mixtape.ingest.csv_read import (
    DEFAULT_ENCODING,
    CsvHeader,
    check_file,
    codec_for,
    count_lines,
    iter_rows,
    read_header,
)
from mixtape.ingest.csv_values import BadValue
from mixtape.ingest.runs import interruptible
from mixtape.records import IngestSummary

BATCH_ROWS = 5000
MAX_SKIPPED_LINES = 1000  # line numbers kept in the summary; the count is always exact

R = TypeVar("R")
T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class CsvKind(Generic[R]):
    """What one kind of CSV file (tracks, artists) means and how it is written."""

    kind: str  # the ``ingests.kind`` value
    fields: FieldSet
    layouts: tuple[Layout, ...]
    table: Table  # counted before and after, for the "N new" message
    row_parser: Callable[[ColumnPlan], Callable[[list[str]], R]]
    key: Callable[[R], str]
    merge: Callable[[R, R], R]  # two rows of the same entity in one batch
    write: Callable[[BatchWriter, list[R]], object]


def plan_file(
    spec: CsvKind[R],
    path: Path,
    mapping: Mapping[str, str] | None = None,
    encoding: str = DEFAULT_ENCODING,
) -> tuple[CsvHeader, ColumnPlan]:
    """Read and check a file's header; raises before anything is written."""
    header = read_header(path, encoding)
    plan = plan_columns(str(path), header.columns, spec.fields, spec.layouts, mapping)
    return header, plan


class _Load(Generic[R]):
    """The state of one file's load, readable after a failure."""

    def __init__(self, spec: CsvKind[R], header: CsvHeader, plan: ColumnPlan) -> None:
        self.spec = spec
        self.header = header
        self.plan = plan
        self.read = 0
        self.loaded = 0
        self.skipped = 0
        self.skipped_lines: list[int] = []
        self.first_problem: str | None = None

    def run(
        self,
        writer: BatchWriter,
        *,
        strict: bool,
        batch_rows: int,
        on_progress: Callable[[int], None] | None,
    ) -> None:
        spec, source = self.spec, str(self.header.path)
        parse = spec.row_parser(self.plan)
        width = len(self.plan.header)
        batch: dict[str, R] = {}
        for line, row in iter_rows(self.header):
            self.read += 1
            try:
                if len(row) != width:
                    raise BadValue(f"has {len(row)} fields; the header has {width}")
                record = parse(row)
            except BadValue as exc:
                if strict:
                    raise IngestError(
                        str(exc),
                        source=source,
                        location=f"line {line}",
                        hint="fix the row, or load without strict checking to skip bad rows",
                    ) from exc
                self.skipped += 1
                if len(self.skipped_lines) < MAX_SKIPPED_LINES:
                    self.skipped_lines.append(line)
                if self.first_problem is None:
                    self.first_problem = f"line {line}: {exc}"
                continue
            self.loaded += 1
            key = spec.key(record)
            known = batch.get(key)
            batch[key] = record if known is None else spec.merge(known, record)
            if len(batch) >= batch_rows:
                spec.write(writer, list(batch.values()))
                batch.clear()
                if on_progress is not None:
                    on_progress(self.read)
        if batch:
            spec.write(writer, list(batch.values()))
        if on_progress is not None:
            on_progress(self.read)


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def ingest_csv(
    catalog: Catalog,
    spec: CsvKind[R],
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    encoding: str = DEFAULT_ENCODING,
    on_progress: Callable[[int], None] | None = None,
    cache: IdCache | None = None,
    batch_rows: int = BATCH_ROWS,
) -> IngestSummary:
    """Load one CSV file in one transaction and record it in ``ingests``.

    Bad rows are skipped and counted (their line numbers are in the summary),
    or with ``strict`` the first one fails the file.  A failed file leaves
    nothing but a ``failed`` provenance row, and its :class:`IngestError`
    propagates.  ``on_progress`` gets the number of rows read so far.
    """
    summary, error = _load_file(
        catalog, spec, path, mapping, strict, encoding, on_progress, cache, batch_rows
    )
    if error is not None:
        raise error
    return summary


def _load_file(
    catalog: Catalog,
    spec: CsvKind[R],
    path: Path,
    mapping: Mapping[str, str] | None,
    strict: bool,
    encoding: str,
    on_progress: Callable[[int], None] | None,
    cache: IdCache | None,
    batch_rows: int,
) -> tuple[IngestSummary, IngestError | None]:
    """(summary, None) for a loaded file; (failed summary, its error) for a bad one."""
    started = datetime.now(UTC)
    source = str(path)
    load: _Load[R] | None = None
    try:
        header, plan = plan_file(spec, path, mapping, encoding)
        load = _Load(spec, header, plan)
        with catalog.begin() as conn:
            writer = BatchWriter(conn, cache, feature_source="catalog")
            before = _count(conn, spec.table)
            load.run(writer, strict=strict, batch_rows=batch_rows, on_progress=on_progress)
            added = _count(conn, spec.table) - before
            layout = f"{plan.layout} layout"
            if plan.layout == "generic":  # say what was guessed
                layout += f" ({plan.describe()})"
            message = f"{layout}; {added} new {spec.table.name}"
            if load.first_problem:
                message += f"; {load.skipped} bad row(s) skipped, first at {load.first_problem}"
            summary = IngestSummary(
                kind=spec.kind,
                source=source,
                status="ok",
                records_read=load.read,
                records_loaded=load.loaded,
                records_skipped=load.skipped,
                message=message,
                skipped_lines=tuple(load.skipped_lines),
            )
            record_ingest(conn, summary, started)
    except IngestError as exc:
        failed = IngestSummary(
            kind=spec.kind,
            source=source,
            status="failed",
            records_read=load.read if load else 0,
            message=str(exc),
        )
        record_failure(catalog, failed, started)
        return failed, exc
    writer.commit_to_cache()
    return summary, None


def ingest_csv_files(
    catalog: Catalog,
    spec: CsvKind[R],
    paths: Sequence[Path],
    *,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    encoding: str = DEFAULT_ENCODING,
    on_progress: Callable[[Path, int], None] | None = None,
) -> Iterator[IngestSummary]:
    """Load each file in its own transaction, yielding one summary per file.

    A path that is not a file raises :class:`InputError` before anything is
    written.  A bad file (not text in ``encoding``, an unusable header,
    malformed CSV, ...) is rolled back, recorded as failed and yielded with
    status ``failed`` and the reason; the other files load.  With ``strict``
    every header is checked before anything is written, a bad row fails its
    file, and the first failed file raises its :class:`IngestError` (the files
    before it stay committed).  A ``KeyboardInterrupt`` (Ctrl-C) becomes
    :class:`~mixtape.errors.Interrupted` carrying the summaries of the files
    done so far.
    """
    codec_for(encoding)  # an unknown encoding is a usage error, not a bad file
    for path in paths:
        check_file(path)
    if strict:
        for path in paths:
            plan_file(spec, path, mapping, encoding)
    cache = IdCache()
    done: list[IngestSummary] = []
    with interruptible(done):
        for path in paths:
            progress = None
            if on_progress is not None:
                progress = _bind(on_progress, path)
            summary, error = _load_file(
                catalog, spec, path, mapping, strict, encoding, progress, cache, BATCH_ROWS
            )
            if error is not None and strict:
                raise error
            done.append(summary)
            yield summary


def _bind(callback: Callable[[Path, int], None], path: Path) -> Callable[[int], None]:
    return lambda rows: callback(path, rows)


def for_kind(
    load: Callable[Concatenate[Catalog, CsvKind[R], P], T], spec: CsvKind[R]
) -> Callable[Concatenate[Catalog, P], T]:
    """``load`` (:func:`ingest_csv` or :func:`ingest_csv_files`) for one kind of file.

    ``for_kind(ingest_csv, TRACKS)(catalog, path, strict=True)`` is
    ``ingest_csv(catalog, TRACKS, path, strict=True)``; each kind's module
    names its loaders this way rather than writing the options out again.
    """

    def bound(catalog: Catalog, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return load(catalog, spec, *args, **kwargs)

    bound.__name__ = bound.__qualname__ = f"{load.__name__}[{spec.kind}]"
    bound.__doc__ = f"{load.__name__} with the {spec.kind} kind fixed: {load.__doc__}"
    return bound


__all__ = [
    "BATCH_ROWS",
    "CsvHeader",
    "CsvKind",
    "count_lines",
    "for_kind",
    "ingest_csv",
    "ingest_csv_files",
    "iter_rows",
    "plan_file",
    "read_header",
]

"""Reading CSV files as a stream of rows, and loading one file in one transaction.

``read_header`` refuses what is not a CSV file before anything is written;
``iter_rows`` is a generator of ``(line number, cells)``; ``ingest_csv``
parses rows with a kind-specific parser (tracks, artists), skips bad rows (or
fails the whole file when ``strict``) and writes batches through one
:class:`BatchWriter` inside one transaction, with its provenance row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import Connection, Table, func, select

from mixtape.catalog.db import Catalog, record_failure, record_ingest
from mixtape.catalog.writes import BatchWriter, IdCache
from mixtape.errors import IngestError, InputError
from mixtape.ingest.csv_layouts import ColumnPlan, FieldSet, Layout, plan_columns
from mixtape.ingest.csv_values import BadValue
from mixtape.records import IngestSummary

BATCH_ROWS = 5000
MAX_SKIPPED_LINES = 1000  # line numbers kept in the summary; the count is always exact
SNIFF_BYTES = 64 * 1024

_MAGIC = {
    b"\x1f\x8b": "it is gzip-compressed; decompress it first",
    b"PK\x03\x04": "it is a zip archive (or a spreadsheet); unzip it or export it as CSV",
    b"%PDF": "it is a PDF document",
    b"\x89PNG": "it is a PNG image",
    b"SQLite format 3\x00": "it is a SQLite database",
    b"\xff\xfe": "it is UTF-16 text; save it as UTF-8",
    b"\xfe\xff": "it is UTF-16 text; save it as UTF-8",
}

R = TypeVar("R")


@dataclass(frozen=True)
class CsvHeader:
    path: Path
    columns: list[str]
    delimiter: str


def read_header(path: Path) -> CsvHeader:
    """Check that ``path`` is a readable text CSV file and return its header."""
    source = str(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the CSV file itself")
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise IngestError(exc.strerror or str(exc), source=source) from exc
    if not head.strip():
        raise IngestError("empty file; expected a CSV header line", source=source)
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise IngestError(f"not a CSV file: {what}", source=source)
    if b"\x00" in head:
        raise IngestError(
            "not a CSV file: it holds binary data", source=source, hint="export it as UTF-8 CSV"
        )
    first, newline, _ = head.partition(b"\n")
    if not newline and len(head) == SNIFF_BYTES:
        raise IngestError("not a CSV file: no line break in its first 64 KiB", source=source)
    try:
        text = first.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise IngestError(
            "not a CSV file: the header is not UTF-8 text", source=source, hint="save it as UTF-8"
        ) from exc
    delimiter = ","
    if "," not in text:
        delimiter = max((";", "\t", "|"), key=text.count) if text.strip() else ","
    columns = next(csv.reader([text], delimiter=delimiter), [])
    return CsvHeader(path=path, columns=columns, delimiter=delimiter)


def iter_rows(header: CsvHeader) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` for each data row; blank lines are passed over."""
    source = str(header.path)
    line = 2
    try:
        with header.path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, delimiter=header.delimiter)
            next(reader, None)
            line = reader.line_num + 1
            for row in reader:
                if row:
                    yield line, row
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise IngestError(
            "the file is not UTF-8 text", source=source, location=f"near line {line}"
        ) from exc
    except csv.Error as exc:
        raise IngestError(
            f"malformed CSV ({exc})",
            source=source,
            location=f"line {line}",
            hint="is a quote left open?",
        ) from exc
    except OSError as exc:
        raise IngestError(exc.strerror or str(exc), source=source) from exc


def count_lines(path: Path) -> int:
    """Lines after the header (a cheap total for progress bars; quoted newlines count too)."""
    total = 0
    last = b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            total += chunk.count(b"\n")
            last = chunk[-1:]
    return max(total + (last != b"\n") - 1, 0)


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
    spec: CsvKind[R], path: Path, mapping: Mapping[str, str] | None = None
) -> tuple[CsvHeader, ColumnPlan]:
    """Read and check a file's header; raises before anything is written."""
    header = read_header(path)
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
    started = datetime.now(UTC)
    source = str(path)
    load: _Load[R] | None = None
    try:
        header, plan = plan_file(spec, path, mapping)
        load = _Load(spec, header, plan)
        with catalog.begin() as conn:
            writer = BatchWriter(conn, cache)
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
        raise
    writer.commit_to_cache()
    return summary


def ingest_csv_files(
    catalog: Catalog,
    spec: CsvKind[R],
    paths: Sequence[Path],
    *,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    on_progress: Callable[[Path, int], None] | None = None,
) -> Iterator[IngestSummary]:
    """Check every header first (nothing is written if one is wrong), then load each file."""
    for path in paths:
        plan_file(spec, path, mapping)
    cache = IdCache()
    for path in paths:
        progress = None
        if on_progress is not None:
            progress = _bind(on_progress, path)
        yield ingest_csv(
            catalog, spec, path, mapping=mapping, strict=strict, on_progress=progress, cache=cache
        )


def _bind(callback: Callable[[Path, int], None], path: Path) -> Callable[[int], None]:
    return lambda rows: callback(path, rows)

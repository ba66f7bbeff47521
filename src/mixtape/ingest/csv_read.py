"""Reading a CSV file as a stream of rows, in a given text encoding.

``read_header`` refuses what is not a CSV file before anything is written;
``iter_rows`` is a generator of ``(line number, cells)``.  A byte that is not
valid in the file's encoding is reported with its line and column (found by a
second, binary pass over the file, only once decoding has failed).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mixtape.errors import IngestError, InputError

SNIFF_BYTES = 64 * 1024
DEFAULT_ENCODING = "utf-8"

_MAGIC = {
    b"\x1f\x8b": "it is gzip-compressed; decompress it first",
    b"PK\x03\x04": "it is a zip archive (or a spreadsheet); unzip it or export it as CSV",
    b"%PDF": "it is a PDF document",
    b"\x89PNG": "it is a PNG image",
    b"SQLite format 3\x00": "it is a SQLite database",
}
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 (and UTF-32 little-endian) text


@dataclass(frozen=True)
class CsvHeader:
    path: Path
    columns: list[str]
    delimiter: str
    encoding: str = "utf-8-sig"  # a Python codec name; UTF-8 drops a leading BOM


def codec_for(encoding: str) -> str:
    """The codec to decode with: ``utf-8`` reads (and drops) a byte-order mark too."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"unknown text encoding {encoding!r}",
            hint="e.g. utf-8, latin-1, cp1252 or utf-16",
            field="encoding",
        ) from None
    return "utf-8-sig" if name == "utf-8" else name


def _wide(codec: str) -> bool:
    return codec.startswith(("utf-16", "utf-32"))


def check_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` names a file (not a folder)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the CSV file itself")


def read_header(path: Path, encoding: str = DEFAULT_ENCODING) -> CsvHeader:
    """Check that ``path`` is a readable CSV text file in ``encoding``; return its header."""
    codec = codec_for(encoding)
    source = str(path)
    check_file(path)
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
    if not _wide(codec):
        if head.startswith(_WIDE_BOMS):
            raise IngestError(
                "it is UTF-16 text", source=source, hint="its encoding is utf-16", field="encoding"
            )
        if b"\x00" in head:
            raise IngestError(
                "not a CSV file: it holds binary data", source=source, hint="export it as CSV text"
            )
        if b"\n" not in head and len(head) == SNIFF_BYTES:
            raise IngestError("not a CSV file: no line break in its first 64 KiB", source=source)
    try:
        if _wide(codec):  # a line break is more than one byte: let the codec find it
            with path.open(encoding=codec, newline="") as f:
                text = f.readline(SNIFF_BYTES)
        else:  # only the header line: a bad byte further down is a later row's problem
            text = head.partition(b"\n")[0].decode(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(path, codec, 1) from exc
    text = text.rstrip("\r\n")
    delimiter = ","
    if "," not in text:
        delimiter = max((";", "\t", "|"), key=text.count) if text.strip() else ","
    columns = next(csv.reader([text], delimiter=delimiter), [])
    return CsvHeader(path=path, columns=columns, delimiter=delimiter, encoding=codec)


def iter_rows(header: CsvHeader) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` for each data row; blank lines are passed over."""
    source = str(header.path)
    line = 2
    try:
        with header.path.open(encoding=header.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=header.delimiter)
            next(reader, None)
            line = reader.line_num + 1
            for row in reader:
                if row:
                    yield line, row
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise _undecodable(header.path, header.encoding, line) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = f"a field is longer than {csv.field_size_limit():,} characters"
        else:
            message = f"malformed CSV ({exc})"
        raise IngestError(
            message, source=source, location=f"line {line}", hint="is a quote left open?"
        ) from exc
    except OSError as exc:
        raise IngestError(exc.strerror or str(exc), source=source) from exc


def _undecodable(path: Path, codec: str, near_line: int) -> IngestError:
    """The error for text that ``codec`` cannot decode, naming the first bad byte's line."""
    name = "UTF-8" if codec == "utf-8-sig" else codec
    hint = "try the encoding latin-1, or cp1252 for files from Windows"
    found = first_bad_byte(path, codec)
    if found is None:  # a multi-byte encoding whose lines cannot be decoded one by one
        return IngestError(
            f"not valid {name} text",
            source=str(path),
            location=f"near line {near_line}",
            hint=hint,
            field="encoding",
        )
    line, column, byte = found
    return IngestError(
        f"not valid {name} at line {line}, column {column} (byte 0x{byte:02X})",
        source=str(path),
        hint=hint,
        field="encoding",
    )


def first_bad_byte(path: Path, codec: str) -> tuple[int, int, int] | None:
    """(line, byte column, byte) of the first byte ``codec`` cannot decode, or None.

    Lines are decoded one by one, which is exact for UTF-8 and the single-byte
    encodings (a line break is never part of a multi-byte character there).
    """
    if _wide(codec):
        return None
    decode = codecs.getdecoder("utf-8" if codec == "utf-8-sig" else codec)
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                decode(raw)
            except UnicodeDecodeError as exc:
                return number, exc.start + 1, raw[exc.start]
    return None


def count_lines(path: Path) -> int:
    """Lines after the header (a cheap total for progress bars; quoted newlines count too)."""
    total = 0
    last = b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            total += chunk.count(b"\n")
            last = chunk[-1:]
    return max(total + (last != b"\n") - 1, 0)

"""Reading CSV files: sniffing what is not CSV, encodings, line numbers, the first bad byte."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from mixtape.errors import IngestError, InputError
from mixtape.ingest.csv_read import count_lines, first_bad_byte, iter_rows, read_header


def test_read_header_refuses_what_is_not_csv(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_header(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_header(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(IngestError, match="empty file"):
        read_header(empty)
    binary = tmp_path / "blob.csv"
    binary.write_bytes(b"id,energy\n\x00\x01\x02\xff")
    with pytest.raises(IngestError, match="binary data"):
        read_header(binary)
    packed = tmp_path / "tracks.csv.gz"
    packed.write_bytes(gzip.compress(b"id,energy\n"))
    with pytest.raises(IngestError, match="gzip"):
        read_header(packed)
    wide = tmp_path / "wide.csv"
    wide.write_text("id,energy\n", encoding="utf-16")
    with pytest.raises(IngestError, match="UTF-16") as err:
        read_header(wide)
    assert err.value.field == "encoding"


def test_a_latin_1_header_names_its_first_bad_byte(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,énergie\n".encode("latin-1"))
    with pytest.raises(IngestError) as err:
        read_header(latin)
    assert str(err.value) == (
        f"{latin}: not valid UTF-8 at line 1, column 4 (byte 0xE9) "
        "(try the encoding latin-1, or cp1252 for files from Windows)"
    )
    assert err.value.field == "encoding"
    assert read_header(latin, "latin-1").columns == ["id", "énergie"]


def test_the_line_of_the_first_bad_byte_is_exact_far_into_a_file(tmp_path: Path) -> None:
    # Decoding runs ahead of the CSV reader in 8 KiB blocks: the line must come
    # from the bytes, not from where the reader was.
    path = tmp_path / "bad.csv"
    rows = [f"{i},name {i}\n".encode() for i in range(2, 1234)]
    path.write_bytes(b"id,name\n" + b"".join(rows) + b"1234,Caf\xe9\n1235,ok\n")
    with pytest.raises(IngestError) as err:
        list(iter_rows(read_header(path)))
    assert "not valid UTF-8 at line 1234, column 9 (byte 0xE9)" in str(err.value)
    assert first_bad_byte(path, "utf-8") == (1234, 9, 0xE9)
    assert first_bad_byte(path, "latin-1") is None
    loaded = list(iter_rows(read_header(path, "latin-1")))
    assert loaded[-2] == (1234, ["1234", "Café"])


def test_other_encodings_and_an_unknown_one(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("id;name\n1;Björk\n", encoding="utf-16")
    header = read_header(path, "utf-16")
    assert (header.columns, header.delimiter) == (["id", "name"], ";")
    assert list(iter_rows(header)) == [(2, ["1", "Björk"])]
    with pytest.raises(InputError, match="unknown text encoding 'klingon'") as err:
        read_header(path, "klingon")
    assert err.value.field == "encoding"


def test_header_dialects_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text('\ufeffid;name\n1;"two\nlines"\n\n3;x\n', encoding="utf-8")
    header = read_header(path)
    assert header.delimiter == ";" and header.columns == ["id", "name"]
    assert list(iter_rows(header)) == [(2, ["1", "two\nlines"]), (5, ["3", "x"])]
    assert count_lines(path) == 4


def test_an_oversized_field_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "open_quote.csv"
    huge = "x" * (csv.field_size_limit() + 1)
    path.write_text(f'id,name\n1,ok\n2,"{huge}"\n', encoding="utf-8")
    with pytest.raises(IngestError) as err:
        list(iter_rows(read_header(path)))
    assert str(err.value) == (
        f"{path}, line 3: a field is longer than {csv.field_size_limit():,} characters "
        "(is a quote left open?)"
    )

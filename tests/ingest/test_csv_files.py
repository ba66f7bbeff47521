"""Several CSV files in one run: each its own transaction, bad files reported, Ctrl-C."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mixtape.catalog import Catalog, open_catalog, schema
from mixtape.catalog.writes import BatchWriter
from mixtape.errors import IngestError, InputError, Interrupted
from mixtape.ingest.artists_csv import ingest_artists_csv_files
from mixtape.ingest.tracks_csv import ingest_tracks_csv_files
from tests.factories.cli import Cli
from tests.factories.csv_files import ARTIST_HEADERS, SHORT_GENRE_CRAWL, tid, write_csv


@pytest.fixture
def catalog(sqlite_url: str) -> Iterator[Catalog]:
    cat = open_catalog(sqlite_url)
    yield cat
    cat.dispose()


def track_keys(catalog: Catalog) -> set[str]:
    with catalog.connect() as conn:
        return set(conn.execute(select(schema.tracks.c.key)).scalars())


def good(tmp_path: Path, name: str, first: int, n: int = 1) -> Path:
    rows = [[tid(i), "rock", f"Song {i}", "Band", 0.5, 0.5] for i in range(first, first + n)]
    return write_csv(tmp_path / name, SHORT_GENRE_CRAWL, rows)


def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One file for each way a whole file can be bad."""
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"id,name,artist,energy\n" + f"{tid(50)},Caf\xe9,X,0.5\n".encode("latin-1"))
    huge = "x" * (csv.field_size_limit() + 1)
    return {
        "latin": latin,
        "header": write_csv(tmp_path / "header.csv", ["foo", "bar"], [["1", "2"]]),
        "huge": write_csv(tmp_path / "huge.csv", SHORT_GENRE_CRAWL, [[tid(60), "", huge]]),
    }


@pytest.mark.parametrize("bad", ["latin", "header", "huge"])
def test_a_bad_file_fails_alone_and_the_rest_load(
    tmp_path: Path, catalog: Catalog, bad: str
) -> None:
    a, b = good(tmp_path, "a.csv", 1), good(tmp_path, "b.csv", 2)
    broken = bad_files(tmp_path)[bad]
    summaries = list(ingest_tracks_csv_files(catalog, [a, broken, b]))
    assert [x.status for x in summaries] == ["ok", "failed", "ok"]
    reason = summaries[1].message
    assert reason is not None and reason.startswith(str(broken)) and "\n" not in reason
    expected = {
        "latin": "not valid UTF-8 at line 2, column 27 (byte 0xE9)",
        "header": "no id column in the header",
        "huge": "line 2: a field is longer than",
    }[bad]
    assert expected in reason
    assert track_keys(catalog) == {tid(1), tid(2)}
    with catalog.connect() as conn:
        statuses = conn.execute(
            select(schema.ingests.c.status).order_by(schema.ingests.c.id)
        ).scalars()
        assert list(statuses) == ["ok", "failed", "ok"]


def test_strict_checks_every_header_first_then_stops_at_the_first_bad_file(
    tmp_path: Path, catalog: Catalog
) -> None:
    a, b = good(tmp_path, "a.csv", 1), good(tmp_path, "b.csv", 2)
    files = bad_files(tmp_path)
    with pytest.raises(IngestError, match=r"header\.csv: no id column"):
        list(ingest_tracks_csv_files(catalog, [a, files["header"], b], strict=True))
    assert track_keys(catalog) == set()  # nothing written: a header was wrong
    run = ingest_tracks_csv_files(catalog, [a, files["huge"], b], strict=True)
    assert next(run).source == str(a)
    with pytest.raises(IngestError, match=r"huge\.csv, line 2"):
        next(run)  # a.csv was committed and reported; b.csv never read
    assert track_keys(catalog) == {tid(1)}


def test_an_encoding_reads_latin_1_files(tmp_path: Path, catalog: Catalog) -> None:
    row = [tid(1), "", "Café", "Zoé", 0.5, 0.5]
    path = write_csv(tmp_path / "latin.csv", SHORT_GENRE_CRAWL, [row], encoding="latin-1")
    (summary,) = ingest_tracks_csv_files(catalog, [path], encoding="latin-1")
    assert summary.status == "ok"
    with catalog.connect() as conn:
        assert conn.execute(select(schema.tracks.c.name)).scalar_one() == "Café"
        assert conn.execute(select(schema.artists.c.name)).scalar_one() == "Zoé"
    with pytest.raises(InputError, match="unknown text encoding"):
        list(ingest_tracks_csv_files(catalog, [path], encoding="latin-9000"))


def test_paths_that_are_not_files_fail_before_anything_is_written(
    tmp_path: Path, catalog: Catalog
) -> None:
    a = good(tmp_path, "a.csv", 1)
    with pytest.raises(InputError, match=r"missing\.csv: no such file"):
        list(ingest_tracks_csv_files(catalog, [a, tmp_path / "missing.csv"]))
    with pytest.raises(InputError, match="is a folder"):
        list(ingest_tracks_csv_files(catalog, [tmp_path]))
    assert track_keys(catalog) == set()


def test_ctrl_c_mid_file_keeps_the_files_before_it(tmp_path: Path, catalog: Catalog) -> None:
    a, b, c = (good(tmp_path, f"{n}.csv", 10 * i, n=3) for i, n in enumerate("abc", 1))

    def progress(path: Path, rows: int) -> None:
        if path == b:  # Ctrl-C while b.csv is being written
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as err:
        list(ingest_tracks_csv_files(catalog, [a, b, c], on_progress=progress))
    assert [d.source for d in err.value.done] == [str(a)]
    assert str(err.value) == (
        "stopped after 1 file(s) (3 records) were committed; the file under way was rolled "
        "back (loading the same files again resumes: committed files load again unchanged)"
    )
    assert track_keys(catalog) == {tid(10), tid(11), tid(12)}
    with catalog.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.ingests)).scalar_one() == 1


def test_artist_files_behave_the_same(tmp_path: Path, catalog: Catalog) -> None:
    header = ARTIST_HEADERS["kaggle-artists-600k"]
    ok = write_csv(tmp_path / "ok.csv", header, [["", 10, "['pop']", "Zoé", 50]])
    latin = write_csv(
        tmp_path / "latin.csv", header, [["", 1, "[]", "Björk", 1]], encoding="latin-1"
    )
    summaries = list(ingest_artists_csv_files(catalog, [latin, ok]))
    assert [x.status for x in summaries] == ["failed", "ok"]
    assert "not valid UTF-8 at line 2" in (summaries[0].message or "")
    (again,) = ingest_artists_csv_files(catalog, [latin], encoding="latin-1")
    assert again.status == "ok"
    with catalog.connect() as conn:
        assert set(conn.execute(select(schema.artists.c.name)).scalars()) == {"Zoé", "Björk"}


def test_cli_reports_every_file_and_what_it_kept(tmp_path: Path, cli: Cli) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    a, b = good(tmp_path, "a.csv", 1), good(tmp_path, "b.csv", 2)
    latin = bad_files(tmp_path)["latin"]
    code, out, err = cli(["--db", db, "ingest", "tracks", "--json", str(a), str(latin), str(b)])
    assert code == 1 and "Traceback" not in err
    report = json.loads(out)
    assert [source["status"] for source in report["sources"]] == ["ok", "failed", "ok"]
    assert (report["ok"], report["failed"], report["stopped"]) == (2, 1, False)
    assert "not valid UTF-8 at line 2" in report["sources"][1]["message"]

    code, out, _ = cli(["--db", db, "ingest", "tracks", str(a), str(latin)])
    assert code == 1
    assert "2 source(s): 1 ok, 1 failed" in out
    assert "failed" in out.split("latin.csv", 1)[1].split("\n", 1)[0]  # its row in the table

    code, out, err = cli(["--db", db, "ingest", "tracks", "--encoding", "latin-1", str(latin)])
    assert code == 0, err
    assert "1 source(s): 1 ok, 0 failed" in out
    code, _, err = cli(["--db", db, "ingest", "tracks", "--encoding", "nope", str(latin)])
    assert code == 2 and err.startswith("error: --encoding: unknown text encoding 'nope'")


def test_cli_ctrl_c_says_what_was_committed(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    files = [str(good(tmp_path, f"{n}.csv", 10 * i, n=2)) for i, n in enumerate("abc", 1)]
    writes = []
    upsert = BatchWriter.upsert_tracks

    def stop_on_the_second_file(self: BatchWriter, *args: Any, **kw: Any) -> dict[str, int]:
        writes.append(1)
        if len(writes) == 2:
            raise KeyboardInterrupt
        return upsert(self, *args, **kw)

    monkeypatch.setattr(BatchWriter, "upsert_tracks", stop_on_the_second_file)
    code, out, err = cli(["--db", db, "ingest", "tracks", *files])
    assert code == 130
    assert "interrupted: 1 files (2 rows) committed; re-run the same command to resume" in err
    assert "1 source(s): 1 ok, 0 failed" in out
    monkeypatch.setattr(BatchWriter, "upsert_tracks", upsert)
    code, out, _ = cli(["--db", db, "ingest", "tracks", *files])
    assert code == 0 and "3 source(s): 3 ok, 0 failed; 6 records read, 6 loaded" in out

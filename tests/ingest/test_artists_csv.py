"""Artist CSV ingest: genres and popularity by name or id, validation, CLI."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mixtape.catalog import Catalog, open_catalog, schema
from mixtape.errors import IngestError
from mixtape.ingest.artists_csv import ingest_artists_csv
from mixtape.ingest.tracks_csv import ingest_tracks_csv
from tests.factories.cli import Cli
from tests.factories.csv_files import ARTIST_HEADERS, SHORT_GENRE_CRAWL, aid, tid, write_csv

WITH_GENRES_HEADER = ARTIST_HEADERS["artists-with-genres"]
AVERAGES = [0.59, 0.46, 250318.5556, 0.39, 0.011, 0.29, -14.448, 0.21, 117.5, 0.38]


@pytest.fixture
def catalog(sqlite_url: str) -> Iterator[Catalog]:
    cat = open_catalog(sqlite_url)
    yield cat
    cat.dispose()


def artists(catalog: Catalog) -> dict[str, dict[str, Any]]:
    """name -> key, popularity, followers and genres."""
    a, ag, g = schema.artists, schema.artist_genres, schema.genres
    with catalog.connect() as conn:
        rows = conn.execute(select(a.c.id, a.c.key, a.c.name, a.c.popularity, a.c.followers))
        out = {r.name: {**r._mapping, "genres": set()} for r in rows}
        by_id = {v["id"]: v for v in out.values()}
        for artist_id, genre in conn.execute(
            select(ag.c.artist_id, g.c.name).join(g, g.c.id == ag.c.genre_id)
        ):
            by_id[artist_id]["genres"].add(genre)
    return out


def with_genres_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "artists_with_genres.csv",
        WITH_GENRES_HEADER,
        [
            ["show tunes", '"Cats" 1981 Original London Cast', *AVERAGES, "38.33333333", 5, 1, 9],
            ["[]", "Nobody Tagged", *AVERAGES, 30, 5, 1, 26],
            ["emo rap, florida rap, sad rap", "XXXTENTACION", *AVERAGES, 84, 5, 1, 31],
            ["['chillhop', 'lo-fi beats']", "[bsd.u]", *AVERAGES, 68, 8, 0, 2],
        ],
    )


def test_artists_with_genres_by_name(tmp_path: Path, catalog: Catalog) -> None:
    summary = ingest_artists_csv(catalog, with_genres_file(tmp_path))
    assert (summary.status, summary.records_loaded, summary.records_skipped) == ("ok", 4, 0)
    assert summary.message is not None
    assert summary.message.startswith("artists-with-genres layout; 4 new artists")
    found = artists(catalog)
    assert set(found) == {
        '"Cats" 1981 Original London Cast',
        "Nobody Tagged",
        "XXXTENTACION",
        "[bsd.u]",
    }
    cats = found['"Cats" 1981 Original London Cast']
    assert (cats["popularity"], cats["genres"], cats["key"][:6]) == (38, {"show tunes"}, "local:")
    assert found["Nobody Tagged"]["genres"] == set()
    assert found["XXXTENTACION"]["genres"] == {"emo rap", "florida rap", "sad rap"}
    assert found["[bsd.u]"]["genres"] == {"chillhop", "lo-fi beats"}
    with catalog.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(schema.audio_features)).scalar_one() == 0
        )


def test_kaggle_artists_with_ids_and_followers(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "artists.csv",
        ARTIST_HEADERS["kaggle-artists-600k"],
        [
            [aid(1), "44.0", "[]", "Uli", 0],
            [
                f"spotify:artist:{aid(2)}",
                123456,
                "['carnaval cadiz', 'classic spanish pop']",
                "Mon",
                7,
            ],
            [aid(3), "", "['pop']", "Uli", 50],  # another Uli: a different artist
        ],
    )
    summary = ingest_artists_csv(catalog, path)
    assert summary.message is not None and summary.message.startswith("kaggle-artists-600k")
    with catalog.connect() as conn:
        rows = {
            r.key: r
            for r in conn.execute(
                select(schema.artists.c.key, schema.artists.c.name, schema.artists.c.followers)
            )
        }
    assert set(rows) == {aid(1), aid(2), aid(3)}
    assert (rows[aid(1)].followers, rows[aid(2)].followers, rows[aid(3)].followers) == (
        44,
        123456,
        None,
    )


def test_artists_join_tracks_by_name_and_update_without_deleting(
    tmp_path: Path, catalog: Catalog
) -> None:
    tracks = write_csv(
        tmp_path / "tracks.csv",
        SHORT_GENRE_CRAWL,
        [[tid(1), "rap", "Sad!", "XXXTENTACION", 0.5, 0.5]],
    )
    ingest_tracks_csv(catalog, tracks)
    ingest_artists_csv(catalog, with_genres_file(tmp_path))
    found = artists(catalog)
    assert len(found) == 4  # the file's XXXTENTACION is the track's artist
    assert found["XXXTENTACION"]["genres"] == {"emo rap", "florida rap", "sad rap"}
    later = write_csv(
        tmp_path / "later.csv",
        ["artists", "genres", "popularity"],
        [["XXXTENTACION", "trap", ""]],
    )
    ingest_artists_csv(catalog, later)
    again = artists(catalog)["XXXTENTACION"]
    assert again["genres"] == {"emo rap", "florida rap", "sad rap", "trap"}
    assert again["popularity"] == 84  # an empty cell never erases


def test_names_differing_only_by_case_are_different_artists(
    tmp_path: Path, catalog: Catalog
) -> None:
    """As in artists_with_genres.csv, where "ALI" and "Ali" are two rows, two artists."""
    path = write_csv(
        tmp_path / "artists.csv",
        ["artists", "genres", "popularity"],
        [
            ["ALI", "k-pop", 30],
            ["Ali", "afrobeat", 20],
            ["Anonymous\xa0", "[]", 1],
            ["Anonymous", "[]", 2],
        ],
    )
    ingest_artists_csv(catalog, path)
    assert set(artists(catalog)) == {"ALI", "Ali", "Anonymous\xa0", "Anonymous"}


def test_reingest_is_idempotent(tmp_path: Path, any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    try:
        path = with_genres_file(tmp_path)
        ingest_artists_csv(catalog, path)
        first = artists(catalog)
        summary = ingest_artists_csv(catalog, path)
        assert artists(catalog) == first
        assert len(first) == 4 and first["XXXTENTACION"]["popularity"] == 84
        assert summary.message is not None and "0 new artists" in summary.message
    finally:
        catalog.dispose()


def test_bad_rows_skipped_or_strict(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        ["id", "name", "genres", "popularity", "followers"],
        [
            [aid(1), "Good", "pop", 10, 5],  # line 2
            [aid(2), "Too popular", "pop", 101, 5],  # line 3
            ["nope", "Bad id", "pop", 10, 5],  # line 4
            ["", "", "pop", 10, 5],  # line 5: neither name nor id
            [aid(5), "Negative", "pop", 10, -3],  # line 6
        ],
    )
    with pytest.raises(
        IngestError, match=r"bad\.csv, line 3: popularity '101' is outside 0\.\.100"
    ):
        ingest_artists_csv(catalog, path, strict=True)
    assert artists(catalog) == {}
    summary = ingest_artists_csv(catalog, path)
    assert summary.skipped_lines == (3, 4, 5, 6)
    assert set(artists(catalog)) == {"Good"}


def test_cli_artists(tmp_path: Path, cli: Cli) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, _ = cli(["--db", db, "ingest", "artists", "--json", str(with_genres_file(tmp_path))])
    assert code == 0
    assert '"records_loaded": 4' in out
    wrong = write_csv(tmp_path / "wrong.csv", ["foo", "bar"], [["1", "2"]])
    code, out, err = cli(["--db", db, "ingest", "artists", "--json", str(wrong)])
    assert code == 1 and "Traceback" not in err
    (source,) = json.loads(out)["sources"]
    assert source["status"] == "failed"
    assert "wrong.csv: no name or id column" in source["message"]


@pytest.mark.shared_data
def test_real_artists_with_genres(shared_data: Path, tmp_path: Path) -> None:
    """Every artist row of the shared file is in the catalog (about 3 s)."""
    path = shared_data / "catalogs" / "artists_with_genres.csv"
    catalog = open_catalog(f"sqlite:///{tmp_path / 'artists.db'}")
    summary = ingest_artists_csv(catalog, path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with catalog.connect() as conn:
        names = set(conn.execute(select(schema.artists.c.name_norm)).scalars())
        tagged = conn.execute(
            select(func.count(func.distinct(schema.artist_genres.c.artist_id)))
        ).scalar_one()
    catalog.dispose()
    assert (summary.records_read, summary.records_skipped) == (28680, 0)
    # Every row is its own artist, even "ALI"/"Ali" and "Anonymous"/"Anonymous\xa0".
    assert {r["artists"].strip(" \t\r\n") for r in rows} == names
    assert len(names) == 28680
    assert tagged == len({r["artists"] for r in rows if r["genres"] != "[]"}) == 18823

"""Track CSV ingest: every known layout, validation, strictness, idempotence, CLI."""

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
from mixtape.ingest.tracks_csv import ingest_tracks_csv
from mixtape.records import IngestSummary
from tests.factories.cli import Cli
from tests.factories.csv_files import FEATURES, SHORT_GENRE_CRAWL, aid, alid, tid, write_csv
from tests.factories.csv_files import TRACK_HEADERS as HEADERS

COUNTED = ("tracks", "artists", "albums", "audio_features", "artist_track", "track_genres")


@pytest.fixture
def catalog(sqlite_url: str) -> Iterator[Catalog]:
    cat = open_catalog(sqlite_url)
    yield cat
    cat.dispose()


def load(catalog: Catalog, path: Path, **kw: Any) -> IngestSummary:
    return ingest_tracks_csv(catalog, path, **kw)


def counts(catalog: Catalog) -> dict[str, int]:
    with catalog.connect() as conn:
        return {
            t: conn.execute(
                select(func.count()).select_from(schema.metadata.tables[t])
            ).scalar_one()
            for t in COUNTED
        }


def track(catalog: Catalog, key: str) -> dict[str, Any]:
    """A track's columns, features, artists (in order), album and genres."""
    t, af = schema.tracks, schema.audio_features
    with catalog.connect() as conn:
        row = conn.execute(
            select(
                *[c for c in t.c if c.name != "key"],
                *[af.c[f] for f in (*FEATURES, "time_signature")],
                af.c.duration_ms.label("f_ms"),
            )
            .outerjoin(af, af.c.track_id == t.c.id)
            .where(t.c.key == key)
        ).one()
        out = dict(row._mapping)
        out["artists"] = conn.execute(
            select(schema.artists.c.name, schema.artists.c.key, schema.artist_track.c.position)
            .join(schema.artist_track, schema.artist_track.c.artist_id == schema.artists.c.id)
            .where(schema.artist_track.c.track_id == row.id)
            .order_by(schema.artist_track.c.position)
        ).all()
        out["album"] = conn.execute(
            select(schema.albums).where(schema.albums.c.id == row.album_id)
        ).one_or_none()
        out["genres"] = set(
            conn.execute(
                select(schema.genres.c.name)
                .join(schema.track_genres, schema.track_genres.c.genre_id == schema.genres.c.id)
                .where(schema.track_genres.c.track_id == row.id)
            ).scalars()
        )
    return out


SONGS_HEADER = HEADERS["spotify-songs-30000"]
FEATS = ["0.748", "0.916", "6", "-2.634", "1", "0.0583", "0.102", "0", "0.0653", "0.518", "122.036"]


def songs_30000(tmp_path: Path) -> Path:
    """The TidyTuesday layout: a track once per playlist, R's NA for missing."""
    return write_csv(
        tmp_path / "spotify_songs.csv",
        SONGS_HEADER,
        [
            [tid(1), "I Don't Care", "Ed Sheeran", 66, alid(1), "I Don't Care", "2019-06-14",
             "Pop Remix", "37i9dQZF1DXcZDD7cfEKhW", "pop", "dance pop", *FEATS, 194754],
            [tid(2), "Memories", "Maroon 5", 67, alid(2), "Memories", "2012",
             "Pop Remix", "37i9dQZF1DXcZDD7cfEKhW", "pop", "dance pop", *FEATS, 162600],
            [tid(1), "I Don't Care", "Ed Sheeran", 66, alid(1), "I Don't Care", "2019-06-14",
             "Rock Hits", "37i9dQZF1DWXRqgorJj26U", "rock", "hard rock", *FEATS, 194754],
            [tid(3), "NA", "NA", 0, alid(3), "NA", "1998-07",
             "Lost", "37i9dQZF1DWXRqgorJj26U", "r&b", "neo soul", *FEATS, 200000],
        ],
    )  # fmt: skip


def test_songs_30000_layout_accumulates_genres_and_reads_na(
    tmp_path: Path, catalog: Catalog
) -> None:
    summary = load(catalog, songs_30000(tmp_path))
    assert (summary.status, summary.records_read, summary.records_loaded) == ("ok", 4, 4)
    assert summary.message is not None and "spotify-songs-30000" in summary.message
    assert "3 new tracks" in summary.message
    c = counts(catalog)
    assert (c["tracks"], c["audio_features"], c["albums"], c["artists"]) == (3, 3, 3, 2)
    one = track(catalog, tid(1))
    assert one["genres"] == {"pop", "dance pop", "rock", "hard rock"}
    assert (one["name"], one["popularity"], one["duration_ms"]) == ("I Don't Care", 66, 194754)
    assert (one["release_date"], one["release_year"]) == ("2019-06-14", 2019)
    assert (one["danceability"], one["key"], one["loudness"], one["tempo"]) == (
        0.748, 6, -2.634, 122.036
    )  # fmt: skip
    assert one["f_ms"] == 194754 and one["time_signature"] is None
    assert [a.name for a in one["artists"]] == ["Ed Sheeran"]
    assert (one["album"].key, one["album"].name, one["album"].release_year) == (
        alid(1), "I Don't Care", 2019
    )  # fmt: skip
    assert track(catalog, tid(2))["release_year"] == 2012
    na = track(catalog, tid(3))
    assert na["name"] is None and na["artists"] == [] and na["album"].name is None
    assert na["release_date"] == "1998-07"


def test_every_engine_loads_and_reloads(tmp_path: Path, any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    try:
        path = songs_30000(tmp_path)
        load(catalog, path)
        first = counts(catalog)
        load(catalog, path)
        assert counts(catalog) == first
        assert (first["tracks"], first["audio_features"], first["track_genres"]) == (3, 3, 8)
        one = track(catalog, tid(1))
        assert one["genres"] == {"pop", "dance pop", "rock", "hard rock"}
        assert (one["key"], one["mode"], one["release_year"]) == (6, 1, 2019)
    finally:
        catalog.dispose()


GENRE_CRAWL_HEADER = HEADERS["genre-crawl"]


def test_genre_crawl_full_with_list_artists(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "features_11k.csv",
        GENRE_CRAWL_HEADER,
        [
            [tid(1), "acoustic", "One Love", "['Justin Bieber']", "Believe", 0.206, 0.622,
             0.0029, 0.686, 234493, 0.0, 11, 0.0917, -7.47, 1, 0.0324, 127.897],
            [tid(2), "acoustic", "Duet", "['Kurt Hugo Schneider', \"Sam O'Tsui\"]", "Covers",
             0.5, 0.5, 0.5, 0.5, 200000, "3.58e-06", 3, 0.1, -8.5, 0, 0.03, 75.7],
            [tid(3), "groove", "", "['']", "", 0.949, 0.558, 0.665, 0.579, 119133, 0.0, 8,
             0.8, -12.083, 0, 0.276, 172.806],
        ],
    )  # fmt: skip
    summary = load(catalog, path)
    assert summary.message is not None and summary.message.startswith("genre-crawl")
    duet = track(catalog, tid(2))
    assert [(a.name, a.position) for a in duet["artists"]] == [
        ("Kurt Hugo Schneider", 0),
        ("Sam O'Tsui", 1),
    ]
    assert duet["instrumentalness"] == pytest.approx(3.58e-06)
    assert duet["album"].name == "Covers" and duet["album"].key.startswith("local:")
    assert duet["genres"] == {"acoustic"}
    nameless = track(catalog, tid(3))
    assert nameless["name"] is None and nameless["artists"] == [] and nameless["album"] is None
    assert nameless["genres"] == {"groove"}


def test_short_genre_crawl_loads_only_its_features(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "dataset_11k.csv",
        SHORT_GENRE_CRAWL,
        [[tid(1), "acoustic", "Lego House", "Ed Sheeran", 0.565, 0.637]],
    )
    load(catalog, path)
    one = track(catalog, tid(1))
    assert (one["valence"], one["energy"], one["tempo"], one["key"]) == (0.565, 0.637, None, None)
    assert [a.name for a in one["artists"]] == ["Ed Sheeran"]


def test_kaggle_160k_layout(tmp_path: Path, catalog: Catalog) -> None:
    header = HEADERS["kaggle-160k"]
    path = write_csv(
        tmp_path / "data.csv",
        header,
        [
            [0.0594, 1921, 0.982, "['Sergei Rachmaninoff', 'James Levine']", 0.279, 831667,
             0.211, 0, tid(1), 0.878, 10, 0.665, -20.096, 1, "Piano Concerto No. 3", 4, "1921",
             0.0366, 80.954],
            [0.963, 1928, 0.732, "['Dennis Day']", 0.819, 180533, 0.341, 1, tid(2), 0.0, 7,
             0.16, -12.441, 1, "Clancy Lowered the Boom", 5, "1928-09-25", 0.415, 60.936],
        ],
    )  # fmt: skip
    summary = load(catalog, path)
    assert summary.message is not None and summary.message.startswith("kaggle-160k")
    one, two = track(catalog, tid(1)), track(catalog, tid(2))
    assert [a.name for a in one["artists"]] == ["Sergei Rachmaninoff", "James Levine"]
    assert (one["release_year"], one["explicit"], one["popularity"]) == (1921, False, 4)
    assert (two["release_date"], two["release_year"], two["explicit"]) == ("1928-09-25", 1928, True)


def test_kaggle_1_2m_layout_pairs_artist_ids(tmp_path: Path, catalog: Catalog) -> None:
    header = HEADERS["kaggle-1.2m"]
    path = write_csv(
        tmp_path / "tracks_features.csv",
        header,
        [
            [tid(1), "Testify", "The Battle Of Los Angeles", alid(1),
             "['Rage Against The Machine']", f"['{aid(1)}']", 1, 1, "False", 0.47, 0.978, 7,
             -5.399, 1, 0.0727, 0.0261, 1.09e-05, 0.356, 0.503, 117.906, 210133, "4.0", 1999,
             "1999-11-02"],
            [tid(2), "Unknown year", "Odd", alid(2), "['A', 'B']", f"['{aid(2)}', '{aid(3)}']",
             2, 1, "True", 0.5, 0.5, 0, -5.0, 0, 0.1, 0.1, 0.0, 0.1, 0.5, 100.0, 1000, 4, 0,
             "0000"],
        ],
    )  # fmt: skip
    summary = load(catalog, path)
    assert summary.message is not None and summary.message.startswith("kaggle-1.2m")
    one, two = track(catalog, tid(1)), track(catalog, tid(2))
    assert [(a.name, a.key) for a in one["artists"]] == [("Rage Against The Machine", aid(1))]
    assert (one["track_number"], one["disc_number"], one["time_signature"]) == (1, 1, 4)
    assert (one["release_year"], one["album"].key, one["album"].release_date) == (
        1999, alid(1), "1999-11-02"
    )  # fmt: skip
    assert [(a.name, a.key) for a in two["artists"]] == [("A", aid(2)), ("B", aid(3))]
    assert (two["release_date"], two["release_year"], two["explicit"]) == (None, None, True)


def test_kaggle_600k_layout_with_uri_ids(tmp_path: Path, catalog: Catalog) -> None:
    header = HEADERS["kaggle-600k"]
    path = write_csv(
        tmp_path / "tracks.csv",
        header,
        [
            [f"spotify:track:{tid(1)}", "Carve", 6, 126903, 0, "['Uli']", f"['{aid(1)}']",
             "1922-02-22", 0.645, 0.445, 0, -13.338, 1, 0.451, 0.674, 0.744, 0.151, 0.127,
             104.851, 3],
            [f"https://open.spotify.com/track/{tid(2)}?si=x", "Capítulo 2.16", 0, 98200, 0,
             "['Fernando Pessoa']", f"['{aid(2)}']", "1922", 0.695, 0.263, 0, -22.136, 1,
             0.957, 0.797, 0, 0.148, 0.655, 102.009, 1],
        ],
    )  # fmt: skip
    summary = load(catalog, path)
    assert summary.message is not None and summary.message.startswith("kaggle-600k")
    assert counts(catalog)["tracks"] == 2
    assert track(catalog, tid(1))["artists"][0].key == aid(1)
    assert track(catalog, tid(2))["name"] == "Capítulo 2.16"


def test_spotify_features_layout_maps_notes_modes_and_bars(
    tmp_path: Path, catalog: Catalog
) -> None:
    header = HEADERS["spotify-features"]
    path = write_csv(
        tmp_path / "SpotifyFeatures.csv",
        header,
        [
            ["Movie", "Henri Salvador", "C'est beau", tid(1), 0, 0.611, 0.389, 99373, 0.91, 0,
             "C#", 0.346, -1.828, "Major", 0.0525, 166.969, "4/4", 0.814],
            ["Children’s Music", "Henri Salvador", "C'est beau", tid(1), 0, 0.611, 0.389,
             99373, 0.91, 0, "C#", 0.346, -1.828, "Major", 0.0525, 166.969, "4/4", 0.814],
            ["R&B", "Joseph Williams", "Bb tune", tid(2), 10, 0.2, 0.3, 120000, 0.4, 0.1,
             "A#", 0.1, -6.0, "Minor", 0.05, 90.0, "3/4", 0.2],
        ],
    )  # fmt: skip
    summary = load(catalog, path)
    assert summary.message is not None and summary.message.startswith("spotify-features")
    one, two = track(catalog, tid(1)), track(catalog, tid(2))
    assert (one["key"], one["mode"], one["time_signature"]) == (1, 1, 4)
    assert (two["key"], two["mode"], two["time_signature"]) == (10, 0, 3)
    assert one["genres"] == {"movie", "children’s music"}
    assert two["genres"] == {"r&b"}


def bad_rows_file(tmp_path: Path) -> Path:
    header = ["id", "name", "artist", "energy", "key", "tempo"]
    return write_csv(
        tmp_path / "bad.csv",
        header,
        [
            [tid(1), "ok", "A", 0.5, 5, 120],  # line 2
            [tid(2), "too loud", "A", 1.7, 5, 120],  # line 3: energy out of range
            ["not-an-id", "x", "A", 0.5, 5, 120],  # line 4
            [tid(4), "bad key", "A", 0.5, 12, 120],  # line 5
            [tid(5), "short"],  # line 6: wrong field count
            [tid(6), "negative tempo", "A", 0.5, 5, -1],  # line 7
            [tid(7), "ok too", "B", "", "", ""],  # line 8: empty values are None
        ],
    )


def test_bad_rows_are_skipped_with_their_lines(tmp_path: Path, catalog: Catalog) -> None:
    summary = load(catalog, bad_rows_file(tmp_path))
    assert summary.status == "ok"
    assert (summary.records_read, summary.records_loaded, summary.records_skipped) == (7, 2, 5)
    assert summary.skipped_lines == (3, 4, 5, 6, 7)
    assert summary.message is not None
    assert "first at line 3: energy '1.7' is outside [0, 1]" in summary.message
    with catalog.connect() as conn:
        keys = set(conn.execute(select(schema.tracks.c.key)).scalars())
        ingest = conn.execute(select(schema.ingests)).one()
    assert keys == {tid(1), tid(7)}
    assert (ingest.kind, ingest.status, ingest.records_skipped) == ("tracks-csv", "ok", 5)
    empty = track(catalog, tid(7))
    assert empty["energy"] is None and empty["f_ms"] is None  # no features row at all


def test_strict_fails_the_file_and_writes_nothing(tmp_path: Path, catalog: Catalog) -> None:
    with pytest.raises(IngestError) as err:
        load(catalog, bad_rows_file(tmp_path), strict=True, batch_rows=1)
    assert "bad.csv, line 3: energy '1.7' is outside [0, 1]" in str(err.value)
    assert counts(catalog) == dict.fromkeys(COUNTED, 0)
    with catalog.connect() as conn:
        ingest = conn.execute(select(schema.ingests)).one()
    assert ingest.status == "failed" and "line 3" in ingest.message


def test_wrong_header_fails_before_anything_is_written(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(tmp_path / "artists.csv", ["genres", "artists", "popularity"], [["a", "b", 1]])
    with pytest.raises(IngestError, match=r"artists\.csv: not a track file.*ingest artists"):
        load(catalog, path)
    assert counts(catalog)["tracks"] == 0


def test_reingest_changes_nothing(tmp_path: Path, catalog: Catalog) -> None:
    path = songs_30000(tmp_path)
    load(catalog, path)
    first = counts(catalog)
    again = load(catalog, path)
    assert counts(catalog) == first
    assert again.message is not None and "0 new tracks" in again.message
    assert track(catalog, tid(1))["genres"] == {"pop", "dance pop", "rock", "hard rock"}


def test_later_file_updates_only_what_it_provides(tmp_path: Path, catalog: Catalog) -> None:
    load(
        catalog,
        write_csv(
            tmp_path / "full.csv",
            GENRE_CRAWL_HEADER,
            [
                [
                    tid(1),
                    "acoustic",
                    "One Love",
                    "['Justin Bieber']",
                    "Believe",
                    0.2,
                    0.6,
                    0.01,
                    0.7,
                    234493,
                    0.0,
                    11,
                    0.09,
                    -7.47,
                    1,
                    0.03,
                    127.9,
                ]
            ],
        ),
    )
    load(
        catalog,
        write_csv(
            tmp_path / "short.csv",
            SHORT_GENRE_CRAWL,
            [[tid(1), "pop", "", "Justin Bieber", 0.3, ""]],
        ),
    )
    one = track(catalog, tid(1))
    assert (one["valence"], one["energy"], one["tempo"], one["key"]) == (0.3, 0.6, 127.9, 11)
    assert one["name"] == "One Love"  # an empty cell never erases
    assert one["genres"] == {"acoustic", "pop"}
    assert [a.name for a in one["artists"]] == ["Justin Bieber"]
    assert counts(catalog)["artists"] == 1


def test_map_names_what_cannot_be_guessed(tmp_path: Path, catalog: Catalog) -> None:
    path = write_csv(
        tmp_path / "custom.csv",
        ["song_ref", "title", "happiness", "bpm", "energy"],
        [[f"spotify:track:{tid(1)}", "Tune", 0.9, 99.5, 0.4]],
    )
    with pytest.raises(IngestError, match="no id column"):
        load(catalog, path)
    summary = load(
        catalog, path, mapping={"song_ref": "id", "happiness": "valence", "energy": "ignore"}
    )
    assert summary.message is not None
    assert summary.message.startswith(
        "generic layout (song_ref=id, title=name, happiness=valence, bpm=tempo); 1 new tracks"
    )
    one = track(catalog, tid(1))
    assert (one["name"], one["valence"], one["tempo"], one["energy"]) == ("Tune", 0.9, 99.5, None)


def test_cli_end_to_end(tmp_path: Path, cli: Cli) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    songs, bad = songs_30000(tmp_path), bad_rows_file(tmp_path)
    code, out, err = cli(["--db", db, "ingest", "tracks", str(songs), str(bad)])
    assert code == 0, err
    assert "2 source(s): 2 ok, 0 failed; 11 records read, 6 loaded, 5 skipped" in out
    assert "bad.csv: skipped lines 3, 4, 5, 6, 7" in err
    assert "energy '1.7' is outside [0, 1]" in err

    code, out, _ = cli(["--db", db, "ingest", "tracks", "--json", str(songs)])
    report = json.loads(out)
    assert code == 0 and report["ok"] == 1
    assert report["sources"][0]["records_loaded"] == 4

    code, out, err = cli(["--db", db, "ingest", "tracks", "--strict", str(bad)])
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "line 3" in err

    code, _, err = cli(["--db", db, "ingest", "tracks", str(tmp_path / "missing.csv")])
    assert code == 2 and err == f"error: {tmp_path / 'missing.csv'}: no such file\n"

    header_only = write_csv(tmp_path / "wrong.csv", ["foo", "bar"], [])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)))
    for path, expected in [
        (header_only, "wrong.csv: no id column in the header"),
        (Path(__file__), "no id column"),
        (binary, "binary.csv: not a CSV file: it holds binary data"),
    ]:
        code, out, err = cli(["--db", db, "ingest", "tracks", "--json", str(path)])
        assert code == 1, (path, err)
        (source,) = json.loads(out)["sources"]
        assert source["status"] == "failed" and expected in source["message"]
        assert "Traceback" not in err

    code, _, err = cli(["--db", db, "ingest", "tracks", "--map", "x", str(songs)])
    assert code == 2 and "not COLUMN=FIELD" in err

    # With --strict every header is checked first: a wrong second file means nothing loads.
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    code, _, err = cli(
        ["--db", fresh, "ingest", "tracks", "--strict", str(songs), str(header_only)]
    )
    assert code == 2 and "wrong.csv" in err
    catalog = open_catalog(fresh)
    try:
        assert counts(catalog)["tracks"] == 0
    finally:
        catalog.dispose()


def distinct(path: Path, column: str) -> int:
    with path.open(newline="", encoding="utf-8") as f:
        return len({row[column] for row in csv.DictReader(f)})


@pytest.mark.shared_data
def test_real_tidytuesday_songs(shared_data: Path, tmp_path: Path) -> None:
    """The shared "30000 Spotify Songs" file loads whole: one track per distinct id (~5 s)."""
    path = shared_data / "catalogs" / "tidytuesday_spotify_songs.csv"
    catalog = open_catalog(f"sqlite:///{tmp_path / 'songs.db'}")
    summary = load(catalog, path)
    c = counts(catalog)
    with catalog.connect() as conn:
        named = conn.execute(
            select(func.count()).select_from(schema.tracks).where(schema.tracks.c.name.is_not(None))
        ).scalar_one()
    catalog.dispose()
    assert (summary.records_read, summary.records_skipped) == (32833, 0)
    assert c["tracks"] == c["audio_features"] == distinct(path, "track_id") == 28356
    assert named == 28356 - 4  # the rows with NA names (5 rows, 4 tracks)

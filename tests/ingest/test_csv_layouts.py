"""Header detection, column mapping, value parsing and file sniffing for CSV ingest."""

from __future__ import annotations

import pytest

from mixtape.errors import IngestError, InputError
from mixtape.ingest.artists_csv import ARTIST_FIELDS
from mixtape.ingest.csv_layouts import (
    ARTIST_LAYOUTS,
    TRACK_LAYOUTS,
    normalize_column,
    parse_map_options,
    plan_columns,
)
from mixtape.ingest.csv_values import (
    BadValue,
    CellReader,
    bool_value,
    date_value,
    duration_value,
    isrc_value,
    key_value,
    mode_value,
    popularity_value,
    small_count_value,
    split_genres,
    split_list,
    tempo_value,
    time_signature_value,
    unit_value,
    year_value,
)
from mixtape.ingest.tracks_csv import TRACK_FIELDS
from tests.factories.csv_files import ARTIST_HEADERS, FEATURES, SHORT_GENRE_CRAWL
from tests.factories.csv_files import TRACK_HEADERS as HEADERS


@pytest.mark.parametrize("layout", sorted(HEADERS))
def test_each_track_layout_is_detected_and_every_feature_mapped(layout: str) -> None:
    plan = plan_columns("f.csv", HEADERS[layout], TRACK_FIELDS, TRACK_LAYOUTS)
    assert plan.layout == layout
    assert plan.header[plan.columns["id"]] in ("id", "track_id")
    header = HEADERS[layout]
    for feature in FEATURES:
        if feature in header:
            assert plan.header[plan.columns[feature]] == feature


def test_short_genre_crawl_and_genre_columns() -> None:
    plan = plan_columns("f.csv", SHORT_GENRE_CRAWL, TRACK_FIELDS, TRACK_LAYOUTS)
    assert plan.layout == "genre-crawl"
    assert set(plan.columns) == {"id", "name", "artists", "valence", "energy"}
    assert plan.multi["genre"] == (1,)
    songs = plan_columns("f.csv", HEADERS["spotify-songs-30000"], TRACK_FIELDS, TRACK_LAYOUTS)
    assert [songs.header[i] for i in songs.multi["genre"]] == [
        "playlist_genre",
        "playlist_subgenre",
    ]
    assert songs.nulls == {"", "NA"}
    assert songs.header[songs.columns["release_date"]] == "track_album_release_date"


def test_generic_header_with_uri_and_odd_names() -> None:
    header = ["Track URI", "Track Name", "Artist Name(s)", "Energy", "BPM", "type"]
    plan = plan_columns("f.csv", header, TRACK_FIELDS, TRACK_LAYOUTS)
    assert plan.layout == "generic"
    assert plan.columns == {"id": 0, "name": 1, "artists": 2, "energy": 3, "tempo": 4}
    assert normalize_column(" Artist Name(s) ") == "artist_names"


def test_map_overrides_and_ignores_columns() -> None:
    header = ["uri", "title", "nrg", "val", "energy"]
    mapping = parse_map_options(["nrg=energy", "val=Valence", "energy="], TRACK_FIELDS)
    assert mapping == {"nrg": "energy", "val": "valence", "energy": "ignore"}
    plan = plan_columns("f.csv", header, TRACK_FIELDS, TRACK_LAYOUTS, mapping)
    assert plan.columns == {"id": 0, "name": 1, "energy": 2, "valence": 3}


def test_map_option_errors() -> None:
    with pytest.raises(InputError, match="not COLUMN=FIELD"):
        parse_map_options(["tempo"], TRACK_FIELDS)
    with pytest.raises(InputError, match="'speed' is not a track field") as err:
        parse_map_options(["bpm=speed"], TRACK_FIELDS)
    assert "tempo" in str(err.value)  # the hint lists the fields
    with pytest.raises(IngestError, match="does not have"):
        plan_columns("f.csv", ["id", "energy"], TRACK_FIELDS, TRACK_LAYOUTS, {"bpm": "tempo"})


def test_unusable_headers_name_the_file_and_the_expected_columns() -> None:
    with pytest.raises(IngestError) as err:
        plan_columns("data/x.csv", ["genres", "artists", "energy"], TRACK_FIELDS, TRACK_LAYOUTS)
    msg = str(err.value)
    assert msg.startswith("data/x.csv: no id column")
    assert "track_id" in msg and "found: genres, artists, energy" in msg
    assert "mixtape ingest artists" in msg
    with pytest.raises(IngestError, match="nothing to load besides id"):
        plan_columns("x.csv", ["id", "comment"], TRACK_FIELDS, TRACK_LAYOUTS)
    with pytest.raises(IngestError, match="no name or id column"):
        plan_columns("x.csv", ["genres", "popularity"], ARTIST_FIELDS, ARTIST_LAYOUTS)


def test_a_file_of_the_other_kind_is_refused() -> None:
    kaggle_artists = ARTIST_HEADERS["kaggle-artists-600k"]
    with pytest.raises(IngestError) as err:
        plan_columns("artists.csv", kaggle_artists, TRACK_FIELDS, TRACK_LAYOUTS)
    assert str(err.value) == (
        "artists.csv: not a track file: its header is the kaggle-artists-600k layout "
        "(load it with `mixtape ingest artists`)"
    )
    crawl = SHORT_GENRE_CRAWL
    with pytest.raises(IngestError, match=r"not an artist file.*mixtape ingest tracks"):
        plan_columns("crawl.csv", crawl, ARTIST_FIELDS, ARTIST_LAYOUTS)
    # naming the columns says the user means it
    plan = plan_columns("crawl.csv", crawl, ARTIST_FIELDS, ARTIST_LAYOUTS, {"artist": "name"})
    assert plan.layout == "generic"


def test_artist_layouts() -> None:
    with_genres = ARTIST_HEADERS["artists-with-genres"]
    plan = plan_columns("a.csv", with_genres, ARTIST_FIELDS, ARTIST_LAYOUTS)
    assert plan.layout == "artists-with-genres"
    assert plan.columns == {"name": 1, "popularity": 12}
    kaggle = ARTIST_HEADERS["kaggle-artists-600k"]
    plan = plan_columns("a.csv", kaggle, ARTIST_FIELDS, ARTIST_LAYOUTS)
    assert plan.layout == "kaggle-artists-600k"
    assert plan.columns == {"id": 0, "name": 3, "popularity": 4, "followers": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("11", 11), ("-1", -1), ("C", 0), ("C#", 1), ("Db", 1), ("F#", 6), ("B", 11)],
)
def test_key_numbers_and_note_names(text: str, expected: int) -> None:
    assert key_value(text) == expected


@pytest.mark.parametrize(
    ("parse", "good", "bad"),
    [
        (unit_value, {"0": 0.0, "1": 1.0, "3.58e-06": 3.58e-06}, ["1.01", "-0.1", "nan", "x"]),
        (key_value, {"5.0": 5}, ["12", "-2", "H", "5.5"]),
        (mode_value, {"Major": 1, "minor": 0, "1": 1}, ["2", "-1", "sharp"]),
        (tempo_value, {"0": 0.0, "239.44": 239.44}, ["-1", "inf"]),
        (duration_value, {"4000": 4000, "250318.5556": 250319}, ["0", "-5"]),
        (time_signature_value, {"4/4": 4, "3": 3, "0/4": 0}, ["8", "9/8", "x"]),
        (popularity_value, {"100": 100, "38.33333333": 38}, ["101", "-1"]),
        (bool_value, {"True": True, "0": False, "false": False}, ["maybe"]),
        (year_value, {"1999": 1999, "0": None}, ["99", "3000", "1999.5"]),
        (small_count_value, {"3": 3, "0": 0}, ["40000", "-1", "1.5"]),
        (isrc_value, {"US-UM7-15-00123": "USUM71500123", "gbayE0601498": "GBAYE0601498"}, ["123"]),
    ],
)
def test_value_parsers_accept_and_refuse(parse, good, bad) -> None:
    for text, value in good.items():
        assert parse(text) == value
    for text in bad:
        with pytest.raises(BadValue):
            parse(text)


def test_dates() -> None:
    assert date_value("2019-06-14") == ("2019-06-14", 2019)
    assert date_value("2012") == ("2012", 2012)
    assert date_value("1998-07") == ("1998-07", 1998)
    assert date_value("0000") == (None, None)
    for bad in ("2019-02-30", "2019-13", "14/06/2019", "19", "2019-W24-5"):
        with pytest.raises(BadValue):
            date_value(bad)


def test_cell_reader_names_the_column_and_keeps_nulls() -> None:
    reader = CellReader({"energy": 1, "key": 2}, ["id", "energy", "key"], {"", "NA"})
    assert reader.read(["x", "0.5", "C#"]) == {"energy": 0.5, "key": 1}
    assert reader.read(["x", "NA", ""]) == {"energy": None, "key": None}
    with pytest.raises(BadValue, match=r"energy '1\.7' is outside \[0, 1\]"):
        reader.read(["x", "1.7", "1"])


def test_split_list() -> None:
    assert split_list("['Sergei Rachmaninoff', 'James Levine']") == [
        "Sergei Rachmaninoff",
        "James Levine",
    ]
    assert split_list("[\"D'banj\", 'Wizkid']") == ["D'banj", "Wizkid"]
    assert split_list("['Israel \"IZ\" Kamakawiwoʻole']") == ['Israel "IZ" Kamakawiwoʻole']
    assert split_list("['']") == []
    assert split_list("[]") == []
    assert split_list("Ed Sheeran") == ["Ed Sheeran"]
    assert split_list("[bsd.u]") == ["[bsd.u]"]  # a name, not a list


def test_split_genres() -> None:
    assert split_genres("emo rap, florida rap, sad rap", commas=True) == [
        "emo rap",
        "florida rap",
        "sad rap",
    ]
    assert split_genres("[]", commas=True) == []
    assert split_genres("['show tunes', 'broadway']", commas=True) == ["show tunes", "broadway"]
    assert split_genres("Children's Music, Kids", commas=False) == ["Children's Music, Kids"]
    assert split_genres("x" * 256 + ", rock", commas=True) == ["rock"]  # too long for a genre

from __future__ import annotations

import ast
import csv
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mixtape.catalog import open_catalog, schema
from mixtape.demo import DemoCatalog, write_demo_files
from mixtape.demo.write_files import prepare_folder
from mixtape.errors import InputError
from mixtape.ingest.mpd import expand_paths, ingest_mpd, parse_slice
from tests.factories.csv_files import ARTIST_HEADERS, TRACK_HEADERS

KAGGLE_TRACKS = ",".join(TRACK_HEADERS["kaggle-1.2m"])
MPD_PLAYLIST = {
    "name",
    "collaborative",
    "pid",
    "modified_at",
    "num_tracks",
    "num_albums",
    "num_followers",
    "num_edits",
    "duration_ms",
    "num_artists",
    "tracks",
}
MPD_TRACK = {
    "pos",
    "artist_name",
    "track_uri",
    "artist_uri",
    "track_name",
    "album_uri",
    "duration_ms",
    "album_name",
}


@pytest.fixture(scope="module")
def out(small: DemoCatalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    write_demo_files(small, folder)
    return folder


def test_files_written(out: Path) -> None:
    names = sorted(p.name for p in out.iterdir())
    assert names == ["artists.csv", "mpd.slice.0-299.json", "tracks_features.csv"]


def test_tracks_csv_has_the_kaggle_layout(small: DemoCatalog, out: Path) -> None:
    text = (out / "tracks_features.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == KAGGLE_TRACKS
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == small.n_tracks
    with_features = next(r for r in rows if len(ast.literal_eval(r["artists"])) > 1)
    names = ast.literal_eval(with_features["artists"])
    ids = ast.literal_eval(with_features["artist_ids"])
    assert len(names) == len(ids) and all(len(i) == 22 for i in ids)
    first = rows[0]
    assert first["id"] == small.track_ids[0]
    assert first["explicit"] in ("True", "False")
    assert float(first["energy"]) == small.audio["energy"][0]
    assert first["time_signature"].endswith(".0")
    assert first["release_date"][:4] == first["year"]


def test_artists_csv_has_the_kaggle_layout(small: DemoCatalog, out: Path) -> None:
    with (out / "artists.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ARTIST_HEADERS["kaggle-artists-600k"]
        rows = list(reader)
    assert len(rows) == len(small.artist_ids)
    genres = ast.literal_eval(rows[0][2])
    assert isinstance(genres, list) and 1 <= len(genres) <= 3
    assert float(rows[0][1]) == small.artist_followers[0]


def test_mpd_slices_have_the_full_schema_and_parse(small: DemoCatalog, out: Path) -> None:
    path = out / "mpd.slice.0-299.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert set(raw["info"]) == {"generated_on", "slice", "version"}
    for p in raw["playlists"]:
        assert MPD_PLAYLIST <= set(p) <= MPD_PLAYLIST | {"description"}
        assert p["collaborative"] in ("true", "false")
        assert p["num_tracks"] == len(p["tracks"])
        assert all(set(t) == MPD_TRACK for t in p["tracks"])
    playlists = parse_slice(path)
    assert small.playlists is not None
    assert len(playlists) == len(small.playlists)
    assert playlists[0].key == "mpd:0"
    assert [t.spotify_id for t in playlists[0].tracks] == [
        small.track_ids[t] for t in small.playlists.tracks_of(0)
    ]


def test_written_slices_load_with_ingest_mpd(small: DemoCatalog, out: Path, tmp_path: Path) -> None:
    catalog = open_catalog(f"sqlite:///{tmp_path / 'mpd.db'}")
    try:
        statuses = [summary.status for summary in ingest_mpd(catalog, expand_paths([out]))]
        with catalog.connect() as conn:
            entries = conn.execute(
                select(func.count()).select_from(schema.playlist_tracks)
            ).scalar_one()
    finally:
        catalog.dispose()
    assert statuses == ["ok"]
    assert small.playlists is not None
    assert entries == len(small.playlists.entries)


def test_output_folder_errors(out: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        prepare_folder(a_file)
    with pytest.raises(InputError, match="already holds demo files"):
        prepare_folder(out)
    with pytest.raises(InputError, match="cannot create"):
        prepare_folder(a_file / "below")


def test_overwrite_removes_stale_slices(small: DemoCatalog, tmp_path: Path) -> None:
    stale = tmp_path / "mpd.slice.5000-5999.json"
    stale.write_text("{}")
    prepare_folder(tmp_path, overwrite=True)
    assert not stale.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(InputError, match="not writable"):
        prepare_folder(locked)

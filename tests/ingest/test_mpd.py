from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mixtape.catalog import open_catalog, schema
from mixtape.errors import IngestError, InputError, Interrupted
from mixtape.ingest import mpd
from mixtape.ingest.mpd import expand_paths, ingest_mpd, parse_slice
from mixtape.records import IngestSummary
from tests.factories.cli import Cli
from tests.factories.mpd import fake_id, playlist, write_slice

TABLES = (
    "playlists",
    "playlist_tracks",
    "tracks",
    "artists",
    "albums",
    "artist_track",
    "artist_album",
)


def counts(url: str) -> dict[str, int]:
    catalog = open_catalog(url)
    try:
        with catalog.connect() as conn:
            return {
                t: conn.execute(
                    select(func.count()).select_from(schema.metadata.tables[t])
                ).scalar_one()
                for t in TABLES
            }
    finally:
        catalog.dispose()


def ingest(url: str, paths: list[Path], **kw: bool) -> list[str]:
    catalog = open_catalog(url)
    try:
        return [summary.status for summary in ingest_mpd(catalog, paths, **kw)]
    finally:
        catalog.dispose()


@pytest.fixture
def slices(tmp_path: Path) -> Path:
    folder = tmp_path / "mpd"
    folder.mkdir()
    write_slice(folder, 0, [playlist(0, [1, 2, 3, 4]), playlist(1, [3, 4, 5, 6, 7, 3])])
    write_slice(folder, 2, [playlist(2, [10, 11, 1], full=False)])
    return folder


def test_full_and_reduced_schema_load_with_exact_counts(slices: Path, any_db_url: str) -> None:
    assert ingest(any_db_url, [slices]) == ["ok", "ok"]
    c = counts(any_db_url)
    assert c["playlists"] == 3
    assert c["playlist_tracks"] == 4 + 6 + 3
    assert c["tracks"] == 9  # 1..7, 10, 11
    # the reduced slice's "Artist 0/1" (no URIs) merge into the artists with ids
    assert c["artists"] == 5
    assert c["albums"] == 7
    assert c["artist_track"] == 9


def test_reingest_changes_nothing(slices: Path, sqlite_url: str) -> None:
    ingest(sqlite_url, [slices])
    first = counts(sqlite_url)
    ingest(sqlite_url, [slices])
    assert counts(sqlite_url) == first


def test_positions_follow_the_list_and_fields_are_kept(slices: Path, sqlite_url: str) -> None:
    ingest(sqlite_url, [slices])
    catalog = open_catalog(sqlite_url)
    with catalog.connect() as conn:
        rows = conn.execute(
            select(
                schema.playlist_tracks.c.position, schema.tracks.c.key, schema.tracks.c.duration_ms
            )
            .join(schema.tracks, schema.tracks.c.id == schema.playlist_tracks.c.track_id)
            .join(schema.playlists, schema.playlists.c.id == schema.playlist_tracks.c.playlist_id)
            .where(schema.playlists.c.key == "mpd:1")
            .order_by(schema.playlist_tracks.c.position)
        ).all()
        meta = conn.execute(
            select(schema.playlists.c.collaborative, schema.playlists.c.num_followers).where(
                schema.playlists.c.key == "mpd:2"
            )
        ).one()
    catalog.dispose()
    assert [r.key for r in rows] == [fake_id("track", n) for n in [3, 4, 5, 6, 7, 3]]
    assert [r.position for r in rows] == list(range(6))
    assert rows[0].duration_ms == 180003
    assert meta.collaborative is None  # the reduced slice does not say
    assert meta.num_followers == 3


def test_truncated_slice_fails_alone_and_leaves_nothing(slices: Path, sqlite_url: str) -> None:
    bad = slices / "mpd.slice.5-5.json"
    good = json.dumps({"playlists": [playlist(5, [20, 21])]})
    bad.write_text(good[: len(good) // 2])
    statuses = ingest(sqlite_url, [slices])
    assert sorted(statuses) == ["failed", "ok", "ok"]
    c = counts(sqlite_url)
    assert c["playlists"] == 3  # pid 5 absent
    catalog = open_catalog(sqlite_url)
    with catalog.connect() as conn:
        failed = conn.execute(
            select(schema.ingests.c.source, schema.ingests.c.message).where(
                schema.ingests.c.status == "failed"
            )
        ).one()
    catalog.dispose()
    assert failed.source.endswith("mpd.slice.5-5.json")
    assert "truncated" in failed.message


def test_bad_track_names_file_and_playlist_and_rolls_back(tmp_path: Path) -> None:
    p = playlist(7, [1, 2])
    p["tracks"][1]["track_uri"] = "spotify:album:" + fake_id("album", 1)
    path = write_slice(tmp_path, 7, [playlist(6, [1]), p])
    with pytest.raises(IngestError) as err:
        parse_slice(path)
    msg = str(err.value)
    assert path.name in msg and "playlist #1" in msg and "pid 7" in msg

    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert ingest(url, [path]) == ["failed"]
    assert counts(url)["playlists"] == 0 and counts(url)["tracks"] == 0


def test_wrong_type_names_the_playlist(tmp_path: Path) -> None:
    p = playlist(3, [1])
    p["tracks"] = "not a list"
    path = write_slice(tmp_path, 3, [playlist(2, [1]), p])
    with pytest.raises(IngestError, match=r"playlist #1"):
        parse_slice(path)


def test_strict_stops_at_first_bad_slice(slices: Path, sqlite_url: str) -> None:
    (slices / "mpd.slice.1-1.json").write_text("{")
    catalog = open_catalog(sqlite_url)
    with pytest.raises(IngestError):
        list(ingest_mpd(catalog, [slices], strict=True))
    catalog.dispose()
    assert counts(sqlite_url)["playlists"] == 2  # the slice before the bad one is in


def test_expand_paths_orders_naturally_and_rejects_missing(tmp_path: Path) -> None:
    for first in (10000, 0, 1000):
        write_slice(tmp_path, first, [playlist(first, [1])])
    names = [p.name for p in expand_paths([tmp_path])]
    assert names == ["mpd.slice.0-0.json", "mpd.slice.1000-1000.json", "mpd.slice.10000-10000.json"]
    with pytest.raises(InputError, match="no such file"):
        expand_paths([tmp_path / "nope"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no \*\.json files"):
        expand_paths([empty])


@pytest.mark.shared_data
def test_real_mpd_slices_load_with_independently_counted_totals(
    shared_data: Path, tmp_path: Path
) -> None:
    """Real reduced slices: counts equal what plain json reading says; re-ingest is a no-op.

    20 slices by default (a second); MIXTAPE_FULL_DATA_TESTS=1 loads all 699 and
    checks the README's totals (5,336 / 527,707 / 168,684; about 30 s).
    """
    files = sorted((shared_data / "mpd-subset").glob("*.json"))
    full = os.environ.get("MIXTAPE_FULL_DATA_TESTS") == "1"
    if not full:
        files = files[:20]
    playlists = entries = 0
    uris: set[str] = set()
    for f in files:
        for p in json.loads(f.read_text())["playlists"]:
            playlists += 1
            entries += len(p["tracks"])
            uris.update(t["track_uri"] for t in p["tracks"])
    url = f"sqlite:///{tmp_path / 'mpd.db'}"
    assert set(ingest(url, files)) == {"ok"}
    c = counts(url)
    assert (c["playlists"], c["playlist_tracks"], c["tracks"]) == (playlists, entries, len(uris))
    if full:
        assert (playlists, entries, len(uris)) == (5336, 527707, 168684)
    assert set(ingest(url, files)) == {"ok"}
    assert counts(url) == c


def playlist_tracks(url: str, key: str) -> list[str]:
    catalog = open_catalog(url)
    try:
        with catalog.connect() as conn:
            return list(
                conn.execute(
                    select(schema.tracks.c.key)
                    .join(
                        schema.playlist_tracks,
                        schema.playlist_tracks.c.track_id == schema.tracks.c.id,
                    )
                    .join(
                        schema.playlists,
                        schema.playlists.c.id == schema.playlist_tracks.c.playlist_id,
                    )
                    .where(schema.playlists.c.key == key)
                    .order_by(schema.playlist_tracks.c.position)
                ).scalars()
            )
    finally:
        catalog.dispose()


def test_another_file_reusing_a_pid_is_refused_and_named(tmp_path: Path, any_db_url: str) -> None:
    first = write_slice(tmp_path, 0, [playlist(0, list(range(1, 121))), playlist(1, [1])])
    other = tmp_path / "other"
    other.mkdir()
    clash = write_slice(other, 1, [playlist(1, [1, 2, 3]), playlist(5, [4])])
    clash = clash.rename(other / "mine.json")
    catalog = open_catalog(any_db_url)
    try:
        list(ingest_mpd(catalog, [first]))
        (summary,) = ingest_mpd(catalog, [clash])
    finally:
        catalog.dispose()
    assert (summary.status, summary.records_read, summary.records_loaded) == ("ok", 2, 1)
    assert (summary.conflicts, summary.records_skipped) == (1, 1)
    assert summary.warnings == (
        f"pid 1: kept the playlist loaded from {first}; "
        f"{clash} has another playlist with this pid, not loaded",
    )
    assert summary.as_dict()["conflicts"] == 1
    assert playlist_tracks(any_db_url, "mpd:1") == [fake_id("track", 1)]  # the stored one
    assert len(playlist_tracks(any_db_url, "mpd:0")) == 120
    assert len(playlist_tracks(any_db_url, "mpd:5")) == 1  # the rest of the file loads


def test_the_same_slice_again_replaces_even_from_another_folder(
    tmp_path: Path, sqlite_url: str
) -> None:
    path = write_slice(tmp_path, 0, [playlist(0, [1, 2, 3])])
    catalog = open_catalog(sqlite_url)
    try:
        list(ingest_mpd(catalog, [path]))
        moved = tmp_path / "moved"
        moved.mkdir()
        # the same file name: the same slice, corrected
        write_slice(moved, 0, [playlist(0, [3, 2])])
        (again,) = ingest_mpd(catalog, [moved])
        # another name but identical content: nothing changes, nothing to refuse
        copy = (moved / "mpd.slice.0-0.json").rename(moved / "copy.json")
        (same,) = ingest_mpd(catalog, [copy])
    finally:
        catalog.dispose()
    assert (again.conflicts, again.records_loaded, same.conflicts) == (0, 1, 0)
    assert playlist_tracks(sqlite_url, "mpd:0") == [fake_id("track", n) for n in (3, 2)]


def test_a_pid_twice_in_one_slice_fails_the_slice(tmp_path: Path, sqlite_url: str) -> None:
    path = write_slice(tmp_path, 0, [playlist(4, [1]), playlist(9, [2]), playlist(4, [3])])
    with pytest.raises(IngestError) as err:
        parse_slice(path)
    assert str(err.value) == (
        f"{path}, playlist #2: pid 4 is used twice in this file, by playlists #0 and #2"
    )
    assert ingest(sqlite_url, [path]) == ["failed"]
    assert counts(sqlite_url)["playlists"] == 0


def test_ctrl_c_keeps_the_committed_slices_and_says_so(slices: Path, sqlite_url: str) -> None:
    write_slice(slices, 3, [playlist(3, [1])])
    seen: list[str] = []

    def stop_after_two(path: Path, summary: IngestSummary) -> None:
        seen.append(path.name)
        if len(seen) == 2:
            raise KeyboardInterrupt

    catalog = open_catalog(sqlite_url)
    try:
        with pytest.raises(Interrupted) as err:
            list(ingest_mpd(catalog, [slices], on_file=stop_after_two))
    finally:
        catalog.dispose()
    done = err.value.done
    assert (
        [Path(d.source).name for d in done] == seen == ["mpd.slice.0-1.json", "mpd.slice.2-2.json"]
    )
    assert str(err.value).startswith("stopped after 2 file(s) (3 records) were committed")
    assert err.value.exit_code == 130
    assert counts(sqlite_url)["playlists"] == 3  # the third slice never loaded


def test_cli_names_conflicts_and_reports_ctrl_c(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    first = write_slice(tmp_path, 0, [playlist(0, [1, 2, 3])])
    other = tmp_path / "other"
    other.mkdir()
    clash = write_slice(other, 0, [playlist(0, [4])]).rename(other / "mine.json")
    assert cli(["--db", db, "ingest", "mpd", str(first)])[0] == 0
    code, out, err = cli(["--db", db, "ingest", "mpd", "--json", str(clash)])
    assert code == 0
    report = json.loads(out)
    assert report["conflicts"] == 1 and report["sources"][0]["conflicts"] == 1
    assert f"warning: pid 0: kept the playlist loaded from {first}; {clash} has another" in err

    calls = []
    load = mpd.load_slice

    def stop_on_the_second_slice(*args: Any) -> IngestSummary:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return load(*args)

    more = write_slice(tmp_path, 1, [playlist(1, [1])])
    monkeypatch.setattr(mpd, "load_slice", stop_on_the_second_slice)
    code, _, err = cli(["--db", db, "ingest", "mpd", str(first), str(more)])
    assert code == 130
    assert "interrupted: 1 files (1 rows) committed; re-run the same command to resume" in err

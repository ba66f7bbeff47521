"""``ingest audio`` end to end on generated music folders: tracks, measurements, file rows,
problems, rescans, missing files, Ctrl-C, --strict and playlists from M3U files."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mixtape import audio
from mixtape.catalog import open_catalog, schema
from mixtape.catalog.db import Catalog
from mixtape.errors import IngestError, InputError, Interrupted
from mixtape.ingest import audio_ingest
from mixtape.ingest.audio_ingest import ingest_audio
from mixtape.ingest.audio_summary import AudioIngestSummary
from tests.factories.music_folder import PROBLEM_TAILS, has_ffmpeg, music_folder, tone, touch_later


@pytest.fixture(scope="module")
def first(
    tmp_path_factory: pytest.TempPathFactory, new_catalog: Callable[[Path], str]
) -> tuple[Path, str, AudioIngestSummary]:
    """The music folder ingested once on two workers (read-only for the tests)."""
    base = tmp_path_factory.mktemp("audio-ingest")
    root = music_folder(base / "music")
    url = new_catalog(base / "catalog.db")
    catalog = open_catalog(url)
    try:
        summary = ingest_audio(catalog, [root], workers=2)
    finally:
        catalog.dispose()
    return root.resolve(), url, summary


def rows(catalog: Catalog, table: Any, *cols: str) -> list[tuple[Any, ...]]:
    with catalog.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*(table.c[c] for c in cols)))]


def files(catalog: Catalog) -> dict[str, tuple[str, Any]]:
    """relative path → (status, analysed_at)."""
    return {
        path: (status, at)
        for path, status, at in rows(catalog, schema.audio_files, "path", "status", "analysed_at")
    }


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the analysis is asked for (in this process: use workers=1)."""
    calls: list[Path] = []
    real = audio.analyse

    def analyse(path: Path, **kw: Any) -> audio.Analysis:
        calls.append(Path(path))
        return real(path, **kw)

    monkeypatch.setattr(audio, "analyse", analyse)
    return calls


def small_folder(root: Path) -> Path:
    tone(root / "Band" / "Record" / "01 - One.wav", 220)
    tone(root / "Band" / "Record" / "02 - Two.flac", 330)
    tone(root / "three.wav", 440, tags={"title": "Three", "artist": "Solo"})
    (root / "list.m3u").write_bytes("Band/Record/01 - One.wav\nthree.wav\n".encode("latin-1"))
    return root


def test_a_folder_becomes_tracks_features_embeddings_and_files(
    first: tuple[Path, str, AudioIngestSummary],
) -> None:
    _, url, summary = first
    usable = 4 if has_ffmpeg() else 3
    assert summary.found == usable + 2  # the corrupt and the empty file are found too
    assert (summary.analysed, summary.failed, summary.unchanged) == (usable, 2, 0)
    catalog = open_catalog(url)
    try:
        by_path = {
            p: (s, m, t)
            for p, s, m, t in rows(
                catalog, schema.audio_files, "path", "status", "message", "track_id"
            )
        }
        assert by_path["broken/empty.mp3"][:2] == ("failed", "empty file")
        assert by_path["broken/corrupt.flac"][0] == "failed"
        ok = {p: t for p, (s, _, t) in by_path.items() if s == "ok"}
        assert len(ok) == usable and all(t is not None for t in ok.values())
        with catalog.connect() as conn:
            t, al = schema.tracks, schema.albums
            named = {
                r.name: r
                for r in conn.execute(
                    select(
                        t.c.name, t.c.track_number, t.c.duration_ms, al.c.name.label("album")
                    ).select_from(t.outerjoin(al, t.c.album_id == al.c.id))
                )
            }
            # From the path: Artist/Album/NN - Title; from the tags: title, album, genre.
            assert named["Opening"].track_number == 1
            assert named["Opening"].album == "First Album"
            assert named["Tagged Song"].album == "Tag Album"
            assert abs(named["Tagged Song"].duration_ms - 3500) <= 50
            genres = conn.execute(
                select(schema.genres.c.name).join(
                    schema.track_genres, schema.track_genres.c.genre_id == schema.genres.c.id
                )
            ).scalars()
            assert set(genres) == {"jazz"}
            lf = schema.local_features
            measured = conn.execute(select(lf.c.track_id, lf.c.loudness, lf.c.analyser)).all()
            vectors = conn.execute(select(schema.sonic_embeddings.c.vector)).scalars().all()
            artists = set(conn.execute(select(schema.artists.c.name)).scalars())
            features = conn.execute(select(schema.audio_features.c.track_id)).all()
        assert {"Artist A", "Tag Artist"} <= artists
        assert {m[0] for m in measured} == set(ok.values())
        assert all(-60 <= m[1] <= 0 and m[2] == audio.ANALYSER for m in measured)
        assert [len(v) for v in vectors] == [audio.SONIC_DIM * 4] * usable
        assert features == []  # nothing measured passes for Spotify's features
    finally:
        catalog.dispose()


def test_each_unusable_thing_is_one_line_and_the_rest_load(
    first: tuple[Path, str, AudioIngestSummary],
) -> None:
    root, _, summary = first
    assert len(summary.problems) == len(PROBLEM_TAILS)
    for tail in PROBLEM_TAILS:
        [line] = [p for p in summary.problems if p.startswith(f"{root}/{tail}: ")]
        assert "\n" not in line
    assert any("symlink loop" in p for p in summary.problems)


def test_m3u8_in_the_folder_becomes_a_playlist_and_bad_entries_are_named(
    first: tuple[Path, str, AudioIngestSummary],
) -> None:
    _, url, summary = first
    assert (summary.playlists, summary.playlist_entries, summary.unmatched_entries) == (1, 2, 1)
    [warning] = [w for w in summary.warnings if "mix.m3u8" in w]
    assert "line 7: gone/nowhere.mp3" in warning
    catalog = open_catalog(url)
    try:
        [(key, name)] = rows(catalog, schema.playlists, "key", "name")
        with catalog.connect() as conn:
            pt, t = schema.playlist_tracks, schema.tracks
            entries = conn.execute(
                select(t.c.name).join(pt, pt.c.track_id == t.c.id).order_by(pt.c.position)
            ).scalars()
            assert list(entries) == ["Opening", "Tagged Song"]
    finally:
        catalog.dispose()
    assert key.startswith("m3u:") and name == "Road trip"


def test_rescans_open_only_changed_files_and_keep_missing_ones(
    tmp_path: Path, sqlite_url: str, counted: list[Path]
) -> None:
    root = small_folder(tmp_path / "music").resolve()
    catalog = open_catalog(sqlite_url)
    try:
        first = ingest_audio(catalog, [root], workers=1)
        assert (first.analysed, first.playlists, first.playlist_entries) == (3, 1, 2)
        before = files(catalog)
        tracks = rows(catalog, schema.tracks, "id", "key", "name")

        counted.clear()
        again = ingest_audio(catalog, [root], workers=1)
        assert counted == []  # nothing decoded
        assert (again.analysed, again.unchanged, again.missing) == (0, 3, 0)
        assert files(catalog) == before
        assert rows(catalog, schema.tracks, "id", "key", "name") == tracks

        touch_later(root / "Band" / "Record" / "02 - Two.flac")
        (root / "three.wav").unlink()
        changed = ingest_audio(catalog, [root], workers=1)
        assert counted == [root / "Band" / "Record" / "02 - Two.flac"]
        assert (changed.analysed, changed.unchanged, changed.missing) == (1, 1, 1)
        after = files(catalog)
        assert after["Band/Record/01 - One.wav"] == before["Band/Record/01 - One.wav"]
        assert after["Band/Record/02 - Two.flac"][1] != before["Band/Record/02 - Two.flac"][1]
        assert after["three.wav"][0] == "missing"
        # The vanished file's track and its place in the playlist stay.
        assert rows(catalog, schema.tracks, "id", "key", "name") == tracks
        assert len(rows(catalog, schema.playlist_tracks, "track_id")) == 2
        assert len(rows(catalog, schema.local_features, "track_id")) == 3
        statuses = rows(catalog, schema.ingests, "kind", "status", "records_loaded")
        assert statuses == [("audio", "ok", 3), ("audio", "ok", 0), ("audio", "ok", 1)]
    finally:
        catalog.dispose()


def test_a_failed_file_is_retried_only_once_it_changes(
    tmp_path: Path, sqlite_url: str, counted: list[Path]
) -> None:
    root = tmp_path / "music"
    tone(root / "good.wav", 220)
    bad = root / "bad.flac"
    bad.write_bytes(b"not audio at all" * 100)
    catalog = open_catalog(sqlite_url)
    try:
        assert ingest_audio(catalog, [root], workers=1).failed == 1
        counted.clear()
        again = ingest_audio(catalog, [root], workers=1)
        assert (again.failed, again.failed_before, again.problems, counted) == (0, 1, (), [])
        tone(bad, 330)
        touch_later(bad)
        fixed = ingest_audio(catalog, [root], workers=1)
        assert (fixed.analysed, fixed.failed) == (1, 0)
        assert files(catalog)["bad.flac"][0] == "ok"
    finally:
        catalog.dispose()


def test_ctrl_c_keeps_the_committed_batches_and_the_next_run_resumes(
    tmp_path: Path, sqlite_url: str, counted: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_folder(tmp_path / "music").resolve()
    monkeypatch.setattr(audio_ingest, "BATCH_FILES", 1)

    def stop_at_second(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    catalog = open_catalog(sqlite_url)
    try:
        with pytest.raises(Interrupted) as stopped:
            ingest_audio(catalog, [root], workers=1, on_progress=stop_at_second)
        [summary] = stopped.value.done
        assert summary.stopped and summary.analysed == 1
        kept = files(catalog)
        assert [s for s, _ in kept.values()] == ["ok"]
        assert rows(catalog, schema.ingests, "status") == [("partial",)]

        counted.clear()
        resumed = ingest_audio(catalog, [root], workers=1)
        assert (resumed.analysed, resumed.unchanged) == (2, 1)
        assert len(counted) == 2 and root / next(iter(kept)) not in counted
        assert resumed.playlists == 1
    finally:
        catalog.dispose()


def test_strict_stops_at_the_first_problem(tmp_path: Path, sqlite_url: str) -> None:
    root = tmp_path / "music"
    tone(root / "good.wav", 220)
    (root / "empty.flac").write_bytes(b"")
    catalog = open_catalog(sqlite_url)
    try:
        with pytest.raises(IngestError, match=r"empty\.flac: empty file"):
            ingest_audio(catalog, [root], strict=True, workers=1)
        assert rows(catalog, schema.ingests, "status") == [("failed",)]
        assert [s for s, _ in files(catalog).values()] == []
    finally:
        catalog.dispose()


def test_a_folder_that_does_not_exist_is_refused_before_anything(
    tmp_path: Path, sqlite_url: str
) -> None:
    catalog = open_catalog(sqlite_url)
    try:
        with pytest.raises(InputError, match="no such folder") as refused:
            ingest_audio(catalog, [tmp_path / "nope"])
        assert refused.value.field == "dirs"
        assert rows(catalog, schema.ingests, "id") == []
    finally:
        catalog.dispose()


def test_ingest_and_rescan_on_every_engine(tmp_path: Path, any_db_url: str) -> None:
    root = tmp_path / "music"
    tone(root / "Band" / "Record" / "01 - One.wav", 220)
    tone(root / "two.flac", 330, tags={"title": "Two", "artist": "Duo", "genre": "Pop"})
    catalog = open_catalog(any_db_url)
    try:
        assert ingest_audio(catalog, [root], workers=1).analysed == 2
        again = ingest_audio(catalog, [root], workers=1)
        assert (again.analysed, again.unchanged) == (0, 2)
        assert len(rows(catalog, schema.sonic_embeddings, "track_id")) == 2
    finally:
        catalog.dispose()


def test_two_files_of_one_song_are_one_track_with_a_warning(
    tmp_path: Path, sqlite_url: str
) -> None:
    song = {"title": "Same", "artist": "Band", "album": "Record"}
    root = tmp_path / "music"
    tone(root / "flac" / "same.flac", 220, tags=song)
    tone(root / "ogg" / "same.ogg", 220, tags=song)
    catalog = open_catalog(sqlite_url)
    try:
        summary = ingest_audio(catalog, [root], workers=1)
        assert summary.analysed == 2
        [warning] = summary.warnings
        assert "flac/same.flac" in warning and "ogg/same.ogg" in warning
        assert len(rows(catalog, schema.tracks, "id")) == 1
        assert len({t for (t,) in rows(catalog, schema.audio_files, "track_id")}) == 1
    finally:
        catalog.dispose()


def test_a_moved_library_keeps_its_tracks_and_marks_the_old_place_missing(
    tmp_path: Path, sqlite_url: str
) -> None:
    old = small_folder(tmp_path / "old")
    catalog = open_catalog(sqlite_url)
    try:
        ingest_audio(catalog, [old], workers=1)
        tracks = rows(catalog, schema.tracks, "id", "key")
        new = old.rename(tmp_path / "new")
        moved = ingest_audio(catalog, [new], workers=1)
        assert (moved.analysed, moved.missing, moved.warnings) == (3, 3, ())
        assert rows(catalog, schema.tracks, "id", "key") == tracks  # same keys, same tracks
        by_root = rows(catalog, schema.audio_files, "root", "status")
        assert (
            sorted(by_root)
            == [(str(new.resolve()), "ok")] * 3
            + [(str((tmp_path / "old").resolve()), "missing")] * 3
        )
        assert moved.playlists == 1 and len(rows(catalog, schema.playlists, "id")) == 2
    finally:
        catalog.dispose()


def test_a_file_unreadable_now_is_one_line_and_keeps_its_row(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = (tmp_path / "music").resolve()
    tone(root / "a.wav", 220)
    locked = tone(root / "b.wav", 330)
    catalog = open_catalog(sqlite_url)
    try:
        ingest_audio(catalog, [root], workers=1)
        before = files(catalog)
        locked.chmod(0)
        real_access = os.access  # root reads anything: let the walk see what a user would

        monkeypatch.setattr(os, "access", lambda p, m: Path(p) != locked and real_access(p, m))
        again = ingest_audio(catalog, [root], workers=1)
        assert again.problems == (f"{locked}: permission denied",)
        assert (again.unchanged, again.missing) == (1, 0)
        assert files(catalog) == before
    finally:
        catalog.dispose()


def test_a_folder_inside_another_given_too_is_ingested_once(
    tmp_path: Path, sqlite_url: str
) -> None:
    root = small_folder(tmp_path / "music")
    catalog = open_catalog(sqlite_url)
    try:
        summary = ingest_audio(catalog, [root, root / "Band", root], workers=1)
        assert (summary.found, summary.analysed, summary.playlists) == (3, 3, 1)
        assert len(rows(catalog, schema.audio_files, "key")) == 3
    finally:
        catalog.dispose()


def test_ctrl_c_during_the_pool_stops_its_workers(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_folder(tmp_path / "music").resolve()
    tone(root / "four.wav", 550)
    monkeypatch.setattr(audio_ingest, "BATCH_FILES", 1)

    def stop_at_second(done: int, total: int) -> None:
        if done == 2:  # the first came from this process, the second from a worker
            raise KeyboardInterrupt

    catalog = open_catalog(sqlite_url)
    try:
        with pytest.raises(Interrupted):
            ingest_audio(catalog, [root], workers=2, on_progress=stop_at_second)
        assert multiprocessing.active_children() == []  # the pool was shut down
        assert len(files(catalog)) == 1
        assert ingest_audio(catalog, [root], workers=2).analysed == 3
    finally:
        catalog.dispose()

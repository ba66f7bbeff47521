"""A user's own music, end to end through the command line: a generated folder is
analysed by ``mixtape ingest audio``, then every model that can use what was measured
recommends from it, a song path walks it, and a playlist a music player opens is written
into the folder with paths relative to itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories.cli import recommend_json, run_cli
from tests.factories.music_folder import tone

#: (artist, album, pitch): three artists, two songs each, named by their paths only.
SONGS = [
    ("Artist A", "First", 220.0),
    ("Artist A", "First", 247.0),
    ("Artist B", "Second", 440.0),
    ("Artist B", "Second", 494.0),
    ("Artist C", "Third", 880.0),
    ("Artist C", "Third", 988.0),
]


@pytest.fixture
def library(tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "Music"
    for i, (artist, album, hz) in enumerate(SONGS):
        tone(root / artist / album / f"0{i % 2 + 1} - Song {i}.wav", hz)
    code, out, err = run_cli(
        ["--db", sqlite_url, "ingest", "audio", str(root), "--workers", "1", "--json"], capsys
    )
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["analysed"], summary["failed"]) == (len(SONGS), 0)
    return root


def test_models_that_use_local_measurements_recommend_from_them(
    library: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The catalog has no year, popularity, valence or genre for any track: only what the
    # analysis measured.  Each of these models must still serve a seed from it.
    for model in ("sonic", "audio", "content", "content-equal", "hybrid"):
        got = recommend_json(sqlite_url, capsys, "--model", model, "--track", "Song 0", "-n", "3")
        names = [t["name"] for t in got["recommendations"]]
        assert len(names) == 3, model
        assert "Song 0" not in names, model
        assert all(t["artists"] for t in got["recommendations"]), model  # names from the paths


def test_a_song_path_walks_the_sonic_embeddings(
    library: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["--db", sqlite_url, "path", "Song 0", "Song 5", "--model", "sonic", "-n", "4", "--json"],
        capsys,
    )
    assert code == 0, err
    assert '"Song 0"' in out and '"Song 5"' in out


def test_a_playlist_written_into_the_library_points_at_its_files(
    library: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = library / "Playlists" / "like song 0.m3u8"
    code, _, err = run_cli(
        [
            "--db",
            sqlite_url,
            "recommend",
            "--model",
            "sonic",
            "--track",
            "Song 0",
            "-n",
            "5",
            "--out",
            str(out_file),
        ],
        capsys,
    )
    assert code == 0, err
    entries = [
        line
        for line in out_file.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(entries) == 5
    for entry in entries:
        assert entry.startswith("../")  # relative to the playlist's own folder
        assert (out_file.parent / entry).resolve().is_file(), entry

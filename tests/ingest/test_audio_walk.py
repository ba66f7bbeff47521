"""Walking a music folder: what is found, and one problem per thing that cannot be used."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from mixtape.ingest.audio_walk import walk

AUDIO = {".mp3", ".flac", ".wav"}
LISTS = {".m3u", ".m3u8"}


def test_files_playlists_and_problems(tmp_path: Path) -> None:
    (tmp_path / "A" / "B").mkdir(parents=True)
    (tmp_path / "A" / "B" / "01 - x.flac").write_bytes(b"x" * 10)
    (tmp_path / "Empty.MP3").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not music")
    (tmp_path / "._hidden.mp3").write_bytes(b"resource fork")
    (tmp_path / "list.m3u8").write_text("A/B/01 - x.flac\n")
    (tmp_path / "dir.mp3").mkdir()
    (tmp_path / "dir.mp3" / "inside.wav").write_bytes(b"y")
    os.symlink(tmp_path, tmp_path / "A" / "up")  # a loop: back to the root
    os.symlink(tmp_path / "self.mp3", tmp_path / "self.mp3")  # points at itself
    os.symlink(tmp_path / "A" / "B", tmp_path / "again")  # the same folder twice
    os.mkfifo(tmp_path / "pipe.wav")

    found = walk(tmp_path, AUDIO, LISTS)
    assert sorted((f.relative, f.size) for f in found.files) == [
        ("A/B/01 - x.flac", 10),
        ("Empty.MP3", 0),
        ("dir.mp3/inside.wav", 1),
    ]
    assert found.playlists == [tmp_path / "list.m3u8"]
    problems = {p.path: p.reason for p in found.problems}
    assert problems == {
        "A/up": "symlink loop (the folder .)",
        "again": "duplicate link (the folder A/B)",
        "dir.mp3": "a folder named like an audio file (walked as a folder)",
        "pipe.wav": "not a regular file",
        "self.mp3": "symlink loop",
    }
    assert found.is_unusable("pipe.wav") and not found.is_unusable("Empty.MP3")


def test_unreadable_files_and_folders_are_problems_not_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked, closed = tmp_path / "locked.mp3", tmp_path / "closed"
    locked.write_bytes(b"x")
    locked.chmod(0)
    closed.mkdir()
    (closed / "a.mp3").write_bytes(b"x")
    closed.chmod(0)
    if os.geteuid() == 0:  # root reads and lists anything: let the walk see what a user would
        real_access, real_scandir = os.access, os.scandir

        def access(path: Any, mode: int) -> bool:
            return Path(path) != locked and real_access(path, mode)

        def scandir(path: Any) -> Any:
            if Path(path) == closed:
                raise PermissionError(13, "Permission denied")
            return real_scandir(path)

        monkeypatch.setattr(os, "access", access)
        monkeypatch.setattr(os, "scandir", scandir)
    try:
        found = walk(tmp_path, AUDIO, LISTS)
    finally:
        closed.chmod(0o755)
    assert {p.path: p.reason for p in found.problems} == {
        "locked.mp3": "permission denied",
        "closed/": "cannot list folder (permission denied)",
    }
    assert found.files == []
    assert found.is_unusable("locked.mp3") and found.is_unusable("closed/a.mp3")

"""``mixtape ingest audio`` through the real entry point: JSON, problems, bad folders, stats."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.factories.cli import one_error_line
from tests.factories.music_folder import tone

Cli = Callable[[list[str]], tuple[int, str, str]]


def test_json_summary_problems_exit_code_and_stats(tmp_path: Path, cli: Cli) -> None:
    music = tmp_path / "music"
    tone(music / "Band" / "Record" / "01 - One.wav", 220)
    (music / "empty.flac").write_bytes(b"")
    url = f"sqlite:///{tmp_path / 'catalog.db'}"

    code, out, err = cli(["--db", url, "ingest", "audio", str(music), "--workers", "1", "--json"])
    assert code == 1, err  # a file could not be used
    result = json.loads(out)
    assert (result["found"], result["analysed"], result["failed"]) == (2, 1, 1)
    assert result["problems"] == [f"{music.resolve()}/empty.flac: empty file"]
    assert "Traceback" not in err

    code, out, err = cli(["--db", url, "ingest", "audio", str(music), "--workers", "1"])
    assert code == 0, err  # the failed file is unchanged: not retried, not a new problem
    assert "1 unchanged" in out and "1 failed before" in out

    code, out, err = cli(["--db", url, "stats", "--json"])
    stats = json.loads(out)
    assert stats["coverage"]["tracks_with_local_features"] == 1
    assert stats["coverage"]["tracks_with_sonic_embeddings"] == 1
    assert stats["audio_files"] == {"failed": 1, "ok": 1}


def test_a_missing_folder_is_one_error_line(tmp_path: Path, cli: Cli) -> None:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    code, out, err = cli(["--db", url, "ingest", "audio", str(tmp_path / "nope")])
    assert code == 2
    assert out == ""
    assert "no such folder" in one_error_line(err)
    assert not (tmp_path / "catalog.db").exists()  # refused before a catalog was made


def test_strict_stops_with_one_error_line(tmp_path: Path, cli: Cli) -> None:
    music = tmp_path / "music"
    music.mkdir()
    (music / "loop").symlink_to(music)
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    code, _, err = cli(["--db", url, "ingest", "audio", str(music), "--strict"])
    assert code == 2
    assert "symlink loop" in one_error_line(err)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mixtape.cli.app import main


def run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_demo_data_loads_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code = run(["--db", url, "demo-data", "--tracks", "500", "--playlists", "40", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["tracks"] == 500
    assert summary["artists"] == 50
    assert summary["playlists"] == 40
    assert summary["families"] == 15
    assert summary["target"] == url


def test_demo_data_out_reports_a_bad_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    code = run(["demo-data", "--out", str(a_file), "--tracks", "500"])
    assert code == 2
    assert "is a file" in capsys.readouterr().err

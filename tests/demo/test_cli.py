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


def test_demo_data_refuses_real_data_and_removes_only_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'real.db'}"
    real = tmp_path / "real.csv"
    real.write_text("id,name,energy\n4uLU6hMCjMI75M1A2tKUQC,Real,0.5\n", encoding="utf-8")
    assert run(["--db", url, "ingest", "tracks", str(real)]) == 0
    capsys.readouterr()
    demo = ["--db", url, "demo-data", "--tracks", "100", "--playlists", "5"]
    assert run(demo) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: --into-existing: the catalog at {url} already holds data that is not the demo's"
    )
    assert err.count("\n") == 1
    assert run([*demo, "--into-existing"]) == 0
    capsys.readouterr()
    assert run(["--db", url, "demo-data", "--remove", "--json"]) == 0
    removed = json.loads(capsys.readouterr().out)["removed"]
    assert (removed["tracks"], removed["playlists"]) == (100, 5)
    assert run(["--db", url, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["tracks"], stats["playlists"], stats["artists"]) == (1, 0, 0)
    assert run(["--db", url, "demo-data", "--remove"]) == 0
    assert capsys.readouterr().out.startswith("no demo data in ")

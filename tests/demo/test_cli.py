"""``mixtape demo-data`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

from tests.factories.cli import Cli


def test_demo_data_loads_and_prints_json(tmp_path: Path, cli: Cli) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, err = cli(
        ["--db", url, "demo-data", "--tracks", "500", "--playlists", "40", "--json"]
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["tracks"] == 500
    assert summary["artists"] == 50
    assert summary["playlists"] == 40
    assert summary["families"] == 15
    assert summary["target"] == url


def test_demo_data_out_reports_a_bad_folder(tmp_path: Path, cli: Cli) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    code, _, err = cli(["demo-data", "--out", str(a_file), "--tracks", "500"])
    assert code == 2
    assert "is a file" in err


def test_demo_data_refuses_real_data_and_removes_only_the_demo(tmp_path: Path, cli: Cli) -> None:
    url = f"sqlite:///{tmp_path / 'real.db'}"
    real = tmp_path / "real.csv"
    real.write_text("id,name,energy\n4uLU6hMCjMI75M1A2tKUQC,Real,0.5\n", encoding="utf-8")
    assert cli(["--db", url, "ingest", "tracks", str(real)])[0] == 0
    demo = ["--db", url, "demo-data", "--tracks", "100", "--playlists", "5"]
    code, _, err = cli(demo)
    assert code == 2
    assert err.startswith(
        f"error: --into-existing: the catalog at {url} already holds data that is not the demo's"
    )
    assert err.count("\n") == 1
    assert cli([*demo, "--into-existing"])[0] == 0
    code, out, _ = cli(["--db", url, "demo-data", "--remove", "--json"])
    assert code == 0
    removed = json.loads(out)["removed"]
    assert (removed["tracks"], removed["playlists"]) == (100, 5)
    code, out, _ = cli(["--db", url, "stats", "--json"])
    assert code == 0
    stats = json.loads(out)
    assert (stats["tracks"], stats["playlists"], stats["artists"]) == (1, 0, 0)
    code, out, _ = cli(["--db", url, "demo-data", "--remove"])
    assert code == 0
    assert out.startswith("no demo data in ")

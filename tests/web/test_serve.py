"""`mixtape serve`: loopback by default, any catalog, a clear line when there is none."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.factories.cli import run_cli


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What uvicorn.run was asked to serve (nothing is served)."""
    seen: dict[str, Any] = {}

    def fake_run(app: FastAPI, **kwargs: Any) -> None:
        seen.update(app=app, **kwargs)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setattr("mixtape.cli.serve.check_port", lambda host, port: None)
    return seen


def test_serve_binds_loopback_and_prints_the_url(
    catalog_file: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["--db", f"sqlite:///{catalog_file}", "serve"], capsys)
    assert code == 0
    assert isinstance(served["app"], FastAPI)
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    assert served["access_log"] is False
    assert "at http://127.0.0.1:8000 (Ctrl-C stops)" in err


def test_serve_on_another_address(
    catalog_file: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", f"sqlite:///{catalog_file}", "serve", "--host", "0.0.0.0", "--port", "9001"]
    code, _, err = run_cli(args, capsys)
    assert code == 0
    assert (served["host"], served["port"]) == ("0.0.0.0", 9001)
    assert "http://127.0.0.1:9001" in err


def test_serve_without_a_catalog_says_how_to_make_one(
    tmp_path: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    code, _, err = run_cli(["--db", f"sqlite:///{missing}", "serve"], capsys)
    assert code == 1
    assert err.startswith("error: no catalog at")
    assert "mixtape demo-data" in err
    assert not served
    assert not missing.exists()


@pytest.mark.parametrize("damage", ["not a database", "a newer schema"])
def test_serve_on_an_unreadable_catalog_is_one_line_before_serving(
    tmp_path: Path,
    new_catalog: Callable[[Path], str],
    served: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    damage: str,
) -> None:
    path = tmp_path / "catalog.db"
    if damage == "not a database":
        path.write_bytes(b"\x00not sqlite\x00" * 400)
    else:
        new_catalog(path)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0099_newer'")
    before = path.read_bytes()
    code, out, err = run_cli(["--db", f"sqlite:///{path}", "serve"], capsys)
    assert (code, out) == (1, "")
    [line] = err.strip().splitlines()
    assert line.startswith("error: ") and ("not a database" in line or "'0099_newer'" in line)
    assert not served  # nothing was served
    assert path.read_bytes() == before


def test_serve_on_a_port_in_use_is_one_line_before_serving(
    catalog_file: Path,
    served: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.undo()  # the real port check
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: seen.update(kwargs))
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        args = ["--db", f"sqlite:///{catalog_file}", "serve", "--port", str(port)]
        code, out, err = run_cli(args, capsys)
    assert (code, out) == (2, "")
    [line] = err.strip().splitlines()
    assert line == (
        f"error: --port: cannot listen on 127.0.0.1:{port}: address already in use "
        "(is another server on that port? pick another with --port)"
    )
    assert not seen  # nothing was served, and no "serving ..." line came first

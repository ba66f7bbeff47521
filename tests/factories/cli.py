"""Running the real entry point in-process, as a user would from the shell."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from mixtape.cli.app import main

#: ``cli(args) -> (exit code, stdout, stderr)``: the ``cli`` fixture of ``tests/conftest.py``.
Cli = Callable[[list[str]], tuple[int, str, str]]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``mixtape ARGS`` through ``main()``; return its exit code, stdout and stderr."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    out, err = capsys.readouterr()
    return code, out, err


def recommend_json(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """``mixtape --db URL recommend ARGS --json``, which must succeed, parsed."""
    code, out, err = run_cli(["--db", url, "recommend", *args, "--json"], capsys)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def one_error_line(err: str) -> str:
    """The one line of an error on stderr (``error: …``), which must be all there is."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]

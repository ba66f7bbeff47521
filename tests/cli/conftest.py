"""Running the real entry point in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mixtape.cli.app import main

#: ``cli(args) -> (exit code, stdout, stderr)``.
Cli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``mixtape ARGS`` through ``main()`` and return its exit code and output."""

    def run(args: list[str]) -> tuple[int, str, str]:
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        out, err = capsys.readouterr()
        return code, out, err

    return run

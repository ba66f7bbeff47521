"""Running the CLI in-process from the ingest tests: (exit code, stdout, stderr)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mixtape.cli.app import main

#: Runs the CLI with these arguments: (exit code, stdout, stderr).
RunCli = Callable[[list[str]], tuple[int, str, str]]


def cli_runner(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """A runner that captures what one CLI call prints."""

    def run(args: list[str]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        out, err = capsys.readouterr()
        code = exit_info.value.code
        return (code if isinstance(code, int) else 1), out, err

    return run

"""Fixtures shared by the ingest tests."""

from __future__ import annotations

import pytest

from tests.ingest.cli_runner import RunCli, cli_runner


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run the CLI in-process: ``run_cli(args) -> (exit code, stdout, stderr)``."""
    return cli_runner(capsys)

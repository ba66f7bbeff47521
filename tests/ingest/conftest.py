"""Fixtures shared by the ingest tests: the CLI runner of tests/cli (one, not two)."""

from tests.cli.conftest import cli

__all__ = ["cli"]

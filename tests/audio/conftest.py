"""Fixtures of the audio tests: generated files and their analyses, shared by the session."""

from __future__ import annotations

import os

import pytest

from tests.factories.audio import Synth, has_ffmpeg


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """Generated audio files (written on first use) and their analyses (computed once)."""
    return Synth(tmp_path_factory.mktemp("synth"))


@pytest.fixture(scope="session")
def ffmpeg() -> None:
    """Skip unless ffmpeg is installed (``./run`` installs it; CI fails instead)."""
    if not has_ffmpeg():
        if os.environ.get("CI"):
            pytest.fail("ffmpeg is not installed")
        pytest.skip("ffmpeg is not installed")

"""``mixtape ingest`` through the real entry point: what a stopped ingest says it kept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mixtape.demo import generate
from mixtape.demo.write_files import write_mpd_slices
from mixtape.ingest import mpd
from mixtape.records import IngestSummary


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("slices")
    return write_mpd_slices(generate(seed=5, tracks=300, playlists=2_500), folder)


def test_ctrl_c_says_what_was_committed_and_that_a_rerun_resumes(
    slices: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[[list[str]], tuple[int, str, str]],
) -> None:
    real = mpd.ingest_mpd

    def stopped_after_one(*args: Any, **kwargs: Any) -> Iterator[IngestSummary]:
        for i, summary in enumerate(real(*args, **kwargs)):
            if i == 1:
                raise KeyboardInterrupt  # the user presses Ctrl-C during the second slice
            yield summary

    monkeypatch.setattr(mpd, "ingest_mpd", stopped_after_one)
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    code, out, err = cli(["--db", url, "ingest", "mpd", *map(str, slices)])
    assert code == 130
    assert out == ""
    assert "interrupted: 1 source(s) committed (1000 records loaded) before the stop" in err
    assert "Running the same command again resumes" in err

    monkeypatch.setattr(mpd, "ingest_mpd", real)
    code, out, err = cli(["--db", url, "ingest", "mpd", "--json", *map(str, slices)])
    assert code == 0, err
    assert json.loads(out)["ok"] == 3
    code, out, _ = cli(["--db", url, "stats", "--json"])
    assert json.loads(out)["playlists"] == 2_500  # the first slice was not loaded twice

"""The evaluation report: Markdown tables and a chart, drawn without touching pyplot's state."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from mixtape.evaluation.harness import Evaluation, ModelResult
from mixtape.evaluation.report import write_report


def test_the_report_draws_its_chart_without_switching_matplotlibs_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_switching(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report switched matplotlib's global backend")

    monkeypatch.setattr(matplotlib, "use", no_switching)
    results = [
        ModelResult("popular", "all", playlists=4, r_precision=0.1, ndcg=0.2),
        ModelResult("content", "all", playlists=4, r_precision=0.3, ndcg=0.25),
    ]
    evaluation = Evaluation(results, 500, 0, [], ["popular", "content"])
    markdown = write_report(evaluation, tmp_path / "report", "mixtape evaluate")
    assert "| content | 4 | 0.3000 |" in markdown.read_text()
    assert (tmp_path / "report" / "r_precision.png").read_bytes().startswith(b"\x89PNG")

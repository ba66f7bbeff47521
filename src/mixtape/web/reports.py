"""The latest ``mixtape evaluate --report`` output in the data directory, for the pages.

``evaluate --report DIR`` writes ``DIR/report.md`` and ``DIR/r_precision.png``;
the newest such report under the data directory (a few levels deep) is shown
on the Evaluation page, and its best model (highest overall R-precision) is
the Playlist page's default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPORT = "report.md"
CHART = "r_precision.png"
MAX_DEPTH = 3
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*\d+\s*\|\s*([0-9.]+|–)\s*\|")


@dataclass(frozen=True)
class Report:
    path: Path  # report.md
    markdown: str

    @property
    def chart(self) -> Path | None:
        png = self.path.parent / CHART
        return png if png.is_file() else None

    def best_model(self) -> str | None:
        """The model with the highest R-precision in the report's "Overall" table."""
        rows: list[tuple[float, str]] = []
        in_overall = False
        for line in self.markdown.splitlines():
            if line.startswith("## "):
                in_overall = line.strip() == "## Overall"
                continue
            match = _ROW.match(line) if in_overall else None
            if match and match.group(2) != "–":
                rows.append((float(match.group(2)), match.group(1)))
        return max(rows)[1] if rows else None

    def html(self) -> str:
        """The report as HTML (its chart linked to the app's copy)."""
        from markdown_it import MarkdownIt

        text = self.markdown.replace(f"]({CHART})", "](/evaluation/chart.png)")
        return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


def latest(data_dir: Path) -> Report | None:
    """The newest ``report.md`` under ``data_dir`` (at most :data:`MAX_DEPTH` folders down)."""
    found: list[tuple[float, Path]] = []
    for depth in range(MAX_DEPTH + 1):
        for path in data_dir.glob("/".join(["*"] * depth + [REPORT])):
            try:
                found.append((path.stat().st_mtime, path))
            except OSError:
                continue
    if not found:
        return None
    path = max(found)[1]
    try:
        return Report(path, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None

"""A readable evaluation report: Markdown tables plus a PNG chart comparing models."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

from mixtape.errors import InputError
from mixtape.evaluation.harness import Evaluation, ModelResult

TABLE_COLUMNS = (
    ("playlists", "playlists", "{:d}"),
    ("r_precision", "R-prec", "{:.4f}"),
    ("r_precision_with_features", "R-prec (feat.)", "{:.4f}"),
    ("artist_r_precision", "R-prec (artist)", "{:.4f}"),
    ("ndcg", "NDCG", "{:.4f}"),
    ("ndcg_with_features", "NDCG (feat.)", "{:.4f}"),
    ("clicks", "clicks", "{:.2f}"),
    ("precision_at_10", "P@10", "{:.4f}"),
    ("recall_at_500", "R@500", "{:.4f}"),
    ("coverage", "coverage", "{:.4f}"),
    ("diversity", "diversity", "{:.3f}"),
    ("mean_popularity", "mean pop.", "{:.1f}"),
    ("artist_repetition", "artist rep.", "{:.3f}"),
)


def fmt(value: object, pattern: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return pattern.format(value)


def markdown_table(rows: list[ModelResult]) -> str:
    head = "| model | " + " | ".join(label for _, label, _ in TABLE_COLUMNS) + " |"
    sep = "|---|" + "|".join("---:" for _ in TABLE_COLUMNS) + "|"
    lines = [head, sep]
    for r in rows:
        cells = [fmt(getattr(r, key), pattern) for key, _, pattern in TABLE_COLUMNS]
        lines.append(f"| {r.model} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_category(evaluation: Evaluation) -> dict[str, list[ModelResult]]:
    out: dict[str, list[ModelResult]] = {}
    for row in evaluation.results:
        out.setdefault(row.category, []).append(row)
    return out


def chart(evaluation: Evaluation, path: Path) -> None:
    """Grouped bars: R-precision per model for each category and overall."""
    # A Figure with its own Agg canvas: no pyplot, no global backend switch.
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    groups = by_category(evaluation)
    cats = [c for c in evaluation.categories if c in groups] + ["all"]
    models = evaluation.models
    fig = Figure(figsize=(13, 5.4), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2)
    width = 0.8 / max(len(models), 1)
    x = np.arange(len(cats))
    # tab10 repeats its colours from the 11th model on; tab20 has 20 distinct ones.
    palette = [
        matplotlib.colormaps["tab10" if len(models) <= 10 else "tab20"](i) for i in range(20)
    ]
    for ax, key, title in (
        (axes[0], "r_precision", "R-precision (all held-out tracks)"),
        (axes[1], "ndcg", "NDCG (all held-out tracks)"),
    ):
        for i, model in enumerate(models):
            vals = []
            for c in cats:
                row = next((r for r in groups[c] if r.model == model), None)
                v = getattr(row, key) if row else float("nan")
                vals.append(0.0 if v is None or math.isnan(v) else v)
            colour = palette[i % len(palette)]
            ax.bar(x + i * width - 0.4 + width / 2, vals, width, label=model, color=colour)
        ax.set_xticks(x, cats, rotation=30, ha="right")
        ax.set_title(title)
        ax.set_ylabel(key)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(models), 6), fontsize=8)
    fig.suptitle(f"mixtape offline evaluation ({evaluation.n_recommendations} recommendations)")
    fig.savefig(path, dpi=110)


def write_report(evaluation: Evaluation, folder: Path, command: str) -> Path:
    """Write ``report.md`` and ``r_precision.png`` into ``folder``; return the Markdown path."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create report folder {folder}: {exc.strerror}") from exc
    png = folder / "r_precision.png"
    chart(evaluation, png)
    groups = by_category(evaluation)
    parts = [
        "# mixtape evaluation report",
        "",
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by:",
        "",
        f"```\n{command}\n```",
        "",
        f"{evaluation.n_recommendations} recommendations per playlist, seed {evaluation.seed}; "
        "seeds are excluded from recommendations; every model is fitted without the "
        "evaluated playlists.",
        "",
        "![R-precision and NDCG by category](r_precision.png)",
        "",
        "## Overall",
        "",
        markdown_table(groups.get("all", [])),
        "",
    ]
    for cat in evaluation.categories:
        if cat in groups:
            parts += [f"## {cat}", "", markdown_table(groups[cat]), ""]
    parts += (
        ["## Notes", ""]
        + [f"- {n}" for n in evaluation.notes]
        + [
            "- R-prec (artist): a recommended track by an artist of a held-out track counts 0.25 "
            "(each artist once).",
            "- NDCG: DCG = rel1 + sum rel_i/log2(i); IDCG over min(|G|, |R|) ideal hits.",
            "- clicks: floor((first relevant rank - 1) / 10); 51 when none of the list is relevant "
            "(lower is better).",
            "",
        ]
    )
    md = folder / "report.md"
    md.write_text("\n".join(parts))
    return md

"""Figures of the catalog: feature histograms and the valence–energy mood map.

Pure functions: they take a frame or arrays and a path, draw with
matplotlib's object API on the Agg canvas (no pyplot, no global backend
state, no display needed) and write one image file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mixtape.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

IMAGE_FORMATS = (".png", ".svg", ".pdf")
COLOUR = "#4c72b0"
KEY_NAMES = ("C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B")


@dataclass(frozen=True)
class Panel:
    """How to draw one column: axis label, value transform and binning."""

    label: str
    unit_range: tuple[float, float] | None = None  # fixed range, e.g. (0, 1)
    discrete: bool = False  # one bar per integer value
    integer: bool = False  # integer values: bins hold whole numbers of values
    scale: float = 1.0  # multiply values (ms -> minutes)
    ticks: Sequence[str] | None = None  # names for discrete values 0, 1, ...


PANELS: dict[str, Panel] = {
    "danceability": Panel("danceability (0–1)", (0, 1)),
    "energy": Panel("energy (0–1)", (0, 1)),
    "key": Panel("key (pitch class)", discrete=True, ticks=KEY_NAMES),
    "loudness": Panel("loudness (dB)"),
    "mode": Panel("mode", discrete=True, ticks=("minor", "major")),
    "speechiness": Panel("speechiness (0–1)", (0, 1)),
    "acousticness": Panel("acousticness (0–1)", (0, 1)),
    "instrumentalness": Panel("instrumentalness (0–1)", (0, 1)),
    "liveness": Panel("liveness (0–1)", (0, 1)),
    "valence": Panel("valence (0–1)", (0, 1)),
    "tempo": Panel("tempo (BPM)"),
    "duration_ms": Panel("duration (minutes)", scale=1 / 60000),
    "time_signature": Panel("time signature (beats per bar)", discrete=True),
    "release_year": Panel("release year", discrete=True),
    "popularity": Panel("popularity (0–100)", (0, 100), integer=True),
}

#: The four moods of the valence–energy plane, each with its quadrant's colour.
MOODS: dict[str, str] = {
    "happy": "#e6a100",  # high valence, high energy
    "angry": "#d1495b",  # low valence, high energy
    "sad": "#3a6ea5",  # low valence, low energy
    "calm": "#2e9e6a",  # high valence, low energy
}


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (.png, .svg or .pdf), creating missing folders."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_FORMATS:
        raise InputError(
            f"{path}: cannot tell the image format from the file name",
            hint=f"end it with {', '.join(IMAGE_FORMATS)}",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the folder {path.parent}: {exc.strerror or exc}",
            hint="choose another path",
        ) from exc
    if path.is_dir():
        raise InputError(f"{path} is a folder", hint="give a file name such as plot.png")
    try:
        fig.savefig(path)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="check the folder's permissions or choose another path",
        ) from exc
    return path


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _draw_panel(ax: Axes, name: str, values: np.ndarray) -> None:
    panel = PANELS.get(name, Panel(name))
    values = values[~np.isnan(values)] * panel.scale
    ax.set_title(f"{name}  (n = {len(values):,})", fontsize=10)
    ax.set_xlabel(panel.label)
    ax.set_ylabel("tracks")
    ax.grid(axis="y", alpha=0.3)
    if len(values) == 0:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        return
    if panel.discrete:
        ints = np.rint(values).astype(np.int64)
        low, high = int(ints.min()), int(ints.max())
        if panel.ticks is not None:
            low, high = 0, max(high, len(panel.ticks) - 1)
        if high - low > 150:  # e.g. a stray year 0: show the central 99 %
            low, high = (int(v) for v in np.percentile(ints, [0.5, 99.5]))
        bins = [b - 0.5 for b in range(low, high + 2)]
        if high - low <= 24:  # a few named values: separate bars
            ax.hist(ints, bins=bins, color=COLOUR, rwidth=0.85)
        else:  # one filled outline draws much faster than a hundred bars
            ax.hist(ints, bins=bins, color=COLOUR, histtype="stepfilled")
        if panel.ticks is not None:
            ax.set_xticks(range(len(panel.ticks)), list(panel.ticks))
        elif high - low <= 12:
            ax.set_xticks(range(low, high + 1))
        return
    if panel.unit_range is not None:
        lo, hi = panel.unit_range
    else:  # open-ended (loudness, tempo, duration): show the central 99 %
        lo, hi = (float(v) for v in np.percentile(values, [0.5, 99.5]))
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
    if panel.integer:  # 40 bins over 101 values would alias into a comb
        step = max(1, -(-(int(hi) - int(lo) + 1) // 40))
        edges = [b - 0.5 for b in range(int(lo), int(hi) + step + 1, step)]
        ax.hist(values, bins=edges, color=COLOUR, histtype="stepfilled")
        return
    ax.hist(values, bins=40, range=(lo, hi), color=COLOUR, histtype="stepfilled")


def feature_histograms(frame: pd.DataFrame, path: Path, *, title: str) -> Path:
    """One histogram per column of ``frame`` in a grid; writes ``path``."""
    if frame.empty:
        raise InputError("nothing to plot: the feature frame has no rows")
    columns = list(frame.columns)
    ncols = 4 if len(columns) > 6 else max(1, min(3, len(columns)))
    nrows = -(-len(columns) // ncols)
    fig = _figure(4.2 * ncols, 3.2 * nrows + 0.6)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, columns, strict=False):
        _draw_panel(ax, name, frame[name].to_numpy(dtype=np.float64))
    for ax in axes[len(columns) :]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=14)
    return save_figure(fig, path)


def mood_of(valence: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """The mood name of each point: the quadrant of the valence–energy plane."""
    high_v = np.asarray(valence) >= 0.5
    high_e = np.asarray(energy) >= 0.5
    return np.where(
        high_e, np.where(high_v, "happy", "angry"), np.where(high_v, "calm", "sad")
    ).astype(str)


def mood_counts(valence: np.ndarray, energy: np.ndarray) -> dict[str, int]:
    """How many points fall in each quadrant (valence and energy split at 0.5)."""
    moods = mood_of(valence, energy)
    return {mood: int(np.count_nonzero(moods == mood)) for mood in MOODS}


def mood_map(valence: np.ndarray, energy: np.ndarray, path: Path, *, title: str) -> Path:
    """Scatter tracks on the valence (x) – energy (y) plane with labelled quadrants."""
    valence = np.asarray(valence, dtype=np.float64)
    energy = np.asarray(energy, dtype=np.float64)
    if valence.shape != energy.shape:
        raise InputError("valence and energy must have the same length")
    if len(valence) == 0:
        raise InputError("nothing to plot: no tracks with valence and energy")
    moods = mood_of(valence, energy)
    counts = mood_counts(valence, energy)
    fig = _figure(8, 8)
    ax = fig.subplots()
    # Many points: smaller and fainter, so dense regions still read as dense.
    alpha = float(np.clip(5000 / len(valence), 0.15, 0.7))
    size = 3.0 if len(valence) > 5000 else 10.0
    for mood, colour in MOODS.items():
        mask = moods == mood
        ax.scatter(valence[mask], energy[mask], s=size, alpha=alpha, color=colour, linewidths=0)
    ax.axvline(0.5, color="0.3", linewidth=1)
    ax.axhline(0.5, color="0.3", linewidth=1)
    corners: dict[str, tuple[float, float, str, str]] = {
        "happy": (0.98, 0.98, "right", "top"),
        "angry": (0.02, 0.98, "left", "top"),
        "sad": (0.02, 0.02, "left", "bottom"),
        "calm": (0.98, 0.02, "right", "bottom"),
    }
    total = len(valence)
    for mood, (x, y, ha, va) in corners.items():
        share = 100 * counts[mood] / total
        ax.text(
            x,
            y,
            f"{mood}\n{counts[mood]:,} ({share:.0f}%)",
            ha=ha,
            va=va,
            fontsize=13,
            fontweight="bold",
            color=MOODS[mood],
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
            linespacing=1.2,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("valence (sad → happy)")
    ax.set_ylabel("energy (calm → intense)")
    ax.set_title(title)
    return save_figure(fig, path)


__all__ = [
    "MOODS",
    "PANELS",
    "feature_histograms",
    "mood_counts",
    "mood_map",
    "mood_of",
    "save_figure",
]

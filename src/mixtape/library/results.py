"""What the facade returns besides records: model descriptions and track details."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mixtape.demo import DemoSummary
    from mixtape.evaluation.harness import Evaluation
    from mixtape.evaluation.tuning import Tuning


@dataclass(frozen=True)
class ModelInfo:
    """A registered model as ``mixtape models`` lists it."""

    name: str
    summary: str
    available: bool
    reason: str | None  # why it is unavailable
    needs_network: bool
    score: str  # what its scores mean
    uses_title: bool = False  # a playlist title is a seed it uses

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "available": self.available,
            "reason": self.reason,
            "needs_network": self.needs_network,
            "score": self.score,
            "uses_title": self.uses_title,
        }


def number(value: float) -> float | None:
    """A float for JSON: None for NaN (unknown)."""
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True)
class TrackDetails:
    """One catalog track: names, year, popularity, audio features, genres, playlists."""

    track_id: str
    name: str
    artists: tuple[str, ...]
    year: float | None
    popularity: float | None
    features: dict[str, float | None]  # every audio feature, None where unknown
    genres: tuple[str, ...]  # the track's own and its artists'
    playlists: int  # how many catalog playlists hold it
    #: where its features came from: none, catalog, spotify, demo, local (measured from its
    #: audio file) or mixed (a catalog, Spotify or demo row completed by local analysis)
    feature_source: str = "none"

    def as_dict(self) -> dict[str, Any]:
        return {
            "track_id": self.track_id,
            "name": self.name,
            "artists": list(self.artists),
            "year": None if self.year is None else int(self.year),
            "popularity": self.popularity,
            "features": dict(self.features),
            "feature_source": self.feature_source,
            "genres": list(self.genres),
            "playlists": self.playlists,
        }


@dataclass(frozen=True)
class PlotResult:
    """An image written from the catalog."""

    path: Path
    plotted: int  # tracks drawn
    eligible: int  # tracks that qualified (more when sampled)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "tracks_plotted": self.plotted}


@dataclass(frozen=True)
class EvaluationRun:
    """An evaluation, what it ran on, and where its report went."""

    evaluation: Evaluation
    data: dict[str, Any]  # tracks, playlists, source of the test playlists, ...
    report: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.evaluation.as_dict(),
            "data": self.data,
            "report": str(self.report) if self.report else None,
        }


@dataclass(frozen=True)
class TuningRun:
    """A grid search on the validation pool and what it ran on."""

    tuning: Tuning
    data: dict[str, Any]  # tracks, playlists in the validation pool and in training

    def as_dict(self) -> dict[str, Any]:
        return {**self.tuning.as_dict(), "data": self.data}


@dataclass(frozen=True)
class DemoResult:
    """The demo catalog built: its summary, and the files written (with ``out``)."""

    summary: DemoSummary
    files: tuple[Path, ...] = field(default=())
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary.as_dict(),
            "files": [str(p) for p in self.files],
            "seconds": self.seconds,
        }

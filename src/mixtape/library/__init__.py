"""The facade: :class:`Mixtape`, the one object the CLI and the web app call.

::

    from mixtape.library import Mixtape
    from mixtape.settings import load_settings

    with Mixtape(load_settings()) as mx:
        result = mx.recommend("content", tracks=["Drake - One Dance"], n=5)

Also here: the result types its methods return and the parsing helpers a
front end needs for user text (``NAME=VALUE`` pairs, track-reference files).
"""

from typing import TYPE_CHECKING, Any

from mixtape.catalog.reads import RECENT_INGESTS, TOP, CatalogStats
from mixtape.demo.generate import DEFAULT_PLAYLISTS as DEMO_PLAYLISTS
from mixtape.demo.generate import DEFAULT_SEED as DEMO_SEED
from mixtape.demo.generate import DEFAULT_TRACKS as DEMO_TRACKS
from mixtape.demo.rows import DemoRemoval
from mixtape.evaluation.harness import Evaluation
from mixtape.evaluation.report import TABLE_COLUMNS, by_category, fmt
from mixtape.evaluation.runner import DEFAULT_MODELS as DEFAULT_EVALUATION_MODELS
from mixtape.evaluation.tuning import METRICS as TUNING_METRICS
from mixtape.evaluation.tuning import Tuning
from mixtape.ingest.audio_summary import AudioIngestSummary
from mixtape.inputs import (
    parse_assignments,
    parse_grid,
    parse_model_params,
    parse_params,
    parse_refs,
    read_refs_file,
)
from mixtape.library.core import Notify, Progress, Status
from mixtape.library.facade import Mixtape
from mixtape.library.results import (
    DemoResult,
    EvaluationRun,
    ModelInfo,
    PlotResult,
    TrackDetails,
    TuningRun,
)
from mixtape.records import IngestSummary, Recommendation
from mixtape.service import TITLE_MODEL, CurationOutcome, RecommendationResult, model_or_default

if TYPE_CHECKING:
    from mixtape.spotify.crawl import CrawlResult
    from mixtape.spotify.library import ExportResult, ImportResult

#: Result types of the Spotify operations, imported on first use (httpx and friends).
_SPOTIFY = {
    "CrawlResult": "mixtape.spotify.crawl",
    "ExportResult": "mixtape.spotify.library",
    "ImportResult": "mixtape.spotify.library",
}


def __getattr__(name: str) -> Any:
    if name in _SPOTIFY:
        import importlib

        return getattr(importlib.import_module(_SPOTIFY[name]), name)
    raise AttributeError(f"module 'mixtape.library' has no attribute {name!r}")


__all__ = [
    "DEFAULT_EVALUATION_MODELS",
    "DEMO_PLAYLISTS",
    "DEMO_SEED",
    "DEMO_TRACKS",
    "RECENT_INGESTS",
    "TABLE_COLUMNS",
    "TITLE_MODEL",
    "TOP",
    "TUNING_METRICS",
    "AudioIngestSummary",
    "CatalogStats",
    "CrawlResult",
    "CurationOutcome",
    "DemoRemoval",
    "DemoResult",
    "Evaluation",
    "EvaluationRun",
    "ExportResult",
    "ImportResult",
    "IngestSummary",
    "Mixtape",
    "ModelInfo",
    "Notify",
    "PlotResult",
    "Progress",
    "Recommendation",
    "RecommendationResult",
    "Status",
    "TrackDetails",
    "Tuning",
    "TuningRun",
    "by_category",
    "fmt",
    "model_or_default",
    "parse_assignments",
    "parse_grid",
    "parse_model_params",
    "parse_params",
    "parse_refs",
    "read_refs_file",
]

"""The facade: :class:`Mixtape`, the one object the CLI and the web app call.

::

    from mixtape.library import Mixtape
    from mixtape.settings import load_settings

    with Mixtape(load_settings()) as mx:
        result = mx.recommend("content", tracks=["Drake - One Dance"], n=5)

Also here: the result types its methods return and the parsing helpers a
front end needs for user text (``NAME=VALUE`` pairs, track-reference files).
"""

from mixtape.catalog.reads import RECENT_INGESTS, TOP, CatalogStats
from mixtape.inputs import parse_assignments, parse_params, parse_refs, read_refs_file
from mixtape.library.core import Notify, Progress, Status
from mixtape.library.facade import Mixtape
from mixtape.library.results import EvaluationRun, ModelInfo, PlotResult, TrackDetails
from mixtape.records import IngestSummary, Recommendation
from mixtape.service import CurationOutcome, RecommendationResult

__all__ = [
    "RECENT_INGESTS",
    "TOP",
    "CatalogStats",
    "CurationOutcome",
    "EvaluationRun",
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
    "parse_assignments",
    "parse_params",
    "parse_refs",
    "read_refs_file",
]

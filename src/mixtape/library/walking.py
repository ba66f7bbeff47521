"""Song paths through the facade: from one track to another in small steps.

A thin wrapper over :func:`mixtape.paths.song_path` (the fitted model, the
two tracks resolved, the controls built), for the web app's Path page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mixtape.errors import InputError
from mixtape.features.index import TrackIndex
from mixtape.inputs import make_controls
from mixtape.library.browsing import Browsing
from mixtape.records import Recommendation
from mixtape.service import to_recommendations

#: The models a path can walk through (those with track vectors).
PATH_MODELS = ("audio", "content", "sonic")


@dataclass(frozen=True)
class PathResult:
    """A song path: both ends included, in walking order."""

    model: str
    start: str  # track key of the first track
    end: str  # track key of the last track
    tracks: tuple[Recommendation, ...]
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "from": self.start,
            "to": self.end,
            "n": len(self.tracks),
            "tracks": [t.as_dict() for t in self.tracks],
            "warnings": list(self.warnings),
        }


def _row(index: TrackIndex, ref: str, field: str) -> int:
    """The row of one end; an unknown track names that end (not ``track``)."""
    try:
        return index.row(ref)
    except InputError as exc:
        exc.field = field
        raise


class Walking(Browsing):
    """Song paths."""

    def path(
        self,
        start: str,
        end: str,
        *,
        n: int = 12,
        model: str = "audio",
        max_per_artist: int | None = None,
        all_versions: bool = False,
    ) -> PathResult:
        """``n`` tracks from ``start`` to ``end`` (references; both included) through ``model``.

        No track twice, one version of a song (unless ``all_versions``), at most
        ``max_per_artist`` per artist (the ends count). Raises InputError naming
        the field (``from``, ``to``, ``n``, ``model``) for bad input.
        """
        from mixtape.paths import MAX_STEPS, song_path

        if not 2 <= n <= MAX_STEPS:
            raise InputError(f"a song path has 2 to {MAX_STEPS} tracks, not {n}", field="n")
        if model not in PATH_MODELS:
            raise InputError(
                f"a song path walks through a vector model, not {model!r}",
                hint="use " + ", ".join(PATH_MODELS[:-1]) + " or " + PATH_MODELS[-1],
                field="model",
            )
        fitted = self.fitted(model)
        data = fitted.data_
        index = self.index(data)
        a, b = _row(index, start, "from"), _row(index, end, "to")
        if a == b:
            raise InputError("a song path needs two different tracks", field="to")
        controls, warnings = make_controls(
            index, max_per_artist=max_per_artist, all_versions=all_versions
        )
        scored = song_path(fitted, a, b, n, controls)
        return PathResult(
            model=model,
            start=index.key(a),
            end=index.key(b),
            tracks=self._with_files(data, to_recommendations(index, scored)),
            warnings=tuple(warnings),
        )

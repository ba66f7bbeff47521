"""A submission for a challenge set: 500 tracks per playlist from one model.

Each playlist is queried with its seed tracks that the catalog holds and, for
a model that uses titles, its title.  Only tracks with Spotify ids can be
submitted (``spotify:track:`` URIs), so the others are excluded; a list the
model leaves short (a small catalog, a title nobody used, seeds it cannot
serve) is completed with the catalog's most-playlisted tracks, and the run
says how often.  The submission is checked (:func:`check_submission`) before
it is written, atomically.

A challenge set made from slices that are also in the catalog
(``challenge make``) would leak its held-out tracks: :func:`left_out` finds
the catalog playlists that are challenge playlists (``mpd:<pid>``), and the
facade fits the model without them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mixtape.errors import InputError, MixtapeError
from mixtape.evaluation.challenge import (
    SUBMISSION_SIZE,
    URI_PREFIX,
    ChallengeSet,
    check_submission,
    submission_text,
)
from mixtape.export import write_atomically
from mixtape.features.arrays import TrackArrays
from mixtape.features.titles import normalize_title
from mixtape.models.base import Recommender, Seeds
from mixtape.models.controls import Controls

_SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")


@dataclass
class ChallengeRun:
    """What a run wrote and how it got there."""

    out: Path
    model: str
    playlists: int
    with_title: int  # playlists queried with their title
    unknown_seeds: int  # seed tracks the catalog lacks (skipped)
    unserved: int  # playlists the model could not serve at all (popular tracks only)
    filled_playlists: int  # playlists completed with popular tracks
    filled_tracks: int
    left_out_of_training: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "model": self.model,
            "playlists": self.playlists,
            "with_title": self.with_title,
            "unknown_seeds": self.unknown_seeds,
            "unserved": self.unserved,
            "filled_playlists": self.filled_playlists,
            "filled_tracks": self.filled_tracks,
            "left_out_of_training": self.left_out_of_training,
            "notes": self.notes,
        }


def left_out(data: TrackArrays, challenge: ChallengeSet) -> list[int]:
    """Rows of ``data.playlists`` that are challenge playlists (key ``mpd:<pid>``)."""
    wanted = {f"mpd:{p.pid}" for p in challenge.playlists}
    return [i for i, key in enumerate(data.playlist_keys) if str(key) in wanted]


def _popular_order(data: TrackArrays, submittable: np.ndarray) -> np.ndarray:
    counts = data.playlist_counts
    rows = np.flatnonzero(submittable)
    return rows[np.lexsort((rows, -counts[rows]))]


def run_challenge(
    data: TrackArrays,
    challenge: ChallengeSet,
    model: Recommender,
    out: Path,
    team_info: Sequence[str],
    *,
    left_out_of_training: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> ChallengeRun:
    """Recommend 500 tracks per challenge playlist with the fitted ``model``, check the
    submission and write it to ``out``."""
    keys = [str(k) for k in data.keys]
    submittable = np.fromiter((bool(_SPOTIFY_ID.fullmatch(k)) for k in keys), bool, len(keys))
    popular = _popular_order(data, submittable)
    most_seeds = max((p.num_samples for p in challenge.playlists), default=0)
    if len(popular) < SUBMISSION_SIZE + most_seeds:
        raise InputError(
            f"the catalog has {len(popular):,} tracks with Spotify ids; a submission needs "
            f"{SUBMISSION_SIZE} per playlist besides its seeds",
            hint="ingest more MPD slices",
        )
    row_of = {k: i for i, k in enumerate(keys)}
    unsubmittable = frozenset(np.flatnonzero(~submittable).tolist())
    controls = Controls(exclude=unsubmittable, one_per_song=False)
    lists: dict[int, list[str]] = {}
    total = len(challenge.playlists)
    run = ChallengeRun(out, model.name, total, 0, 0, 0, 0, 0, left_out_of_training)
    for done, p in enumerate(challenge.playlists, start=1):
        rows = [row_of.get(t.track_uri.removeprefix(URI_PREFIX), -1) for t in p.tracks]
        known = list(dict.fromkeys(r for r in rows if r >= 0))
        run.unknown_seeds += len(rows) - sum(1 for r in rows if r >= 0)
        title = p.name if model.uses_title and normalize_title(p.name) else None
        run.with_title += title is not None
        try:
            if not known and title is None:
                raise MixtapeError("nothing to go on")
            recs = model.recommend(Seeds(rows=tuple(known), title=title), SUBMISSION_SIZE, controls)
        except MixtapeError:
            recs = []
            run.unserved += 1
        uris = [URI_PREFIX + keys[r.row] for r in recs]
        if len(uris) < SUBMISSION_SIZE:
            taken = set(uris) | {t.track_uri for t in p.tracks}
            extra = (URI_PREFIX + keys[r] for r in popular)
            fill = [u for u in extra if u not in taken][: SUBMISSION_SIZE - len(uris)]
            run.filled_playlists += 1
            run.filled_tracks += len(fill)
            uris += fill
        lists[p.pid] = uris
        if on_progress:
            on_progress(done, run.playlists)
    check_submission(challenge, lists)
    write_atomically(out, submission_text(team_info, lists).encode("utf-8"))
    if run.filled_playlists:
        run.notes.append(
            f"{run.filled_playlists} playlists were completed with {run.filled_tracks:,} "
            "popular tracks (the model's list was short)"
        )
    if run.unserved:
        run.notes.append(f"the {model.name} model could not serve {run.unserved} playlists")
    if run.unknown_seeds:
        run.notes.append(f"{run.unknown_seeds:,} seed tracks are not in the catalog (skipped)")
    if left_out_of_training:
        run.notes.append(
            f"{left_out_of_training} catalog playlists are challenge playlists: the model was "
            "fitted without them"
        )
    return run


__all__ = ["ChallengeRun", "left_out", "run_challenge"]

"""``spotify``: Spotify's own recommendations for up to five seed tracks.

Needs the network and credentials, and Spotify closed the recommendations
endpoint to new apps in November 2024, so :meth:`SpotifyModel.available`
says so (without a network call once the closure is known) and the model
is listed as unavailable instead of failing later.  Recommended tracks that
are not in the catalog are dropped: the model ranks catalog rows.

Spotify's developer terms forbid feeding Spotify content into ML models;
this model only relays Spotify's own answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mixtape.errors import ModelUnavailableError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.keys import is_spotify_id
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Controls, allowed_mask, select
from mixtape.models.registry import register

#: Controls attributes Spotify's endpoint understands (``year`` it does not).
TUNABLE = ("energy", "valence", "danceability", "acousticness", "tempo", "popularity")


def tuning(controls: Controls) -> dict[str, float]:
    """``Controls.bounds`` → ``min_*``/``max_*``/``target_*`` query parameters."""
    out: dict[str, float] = {}
    for name, bound in controls.bounds.items():
        if name not in TUNABLE:
            continue
        for prefix, value in (("min", bound.min), ("max", bound.max), ("target", bound.target)):
            if value is not None:
                out[f"{prefix}_{name}"] = int(value) if name == "popularity" else value
    return out


def _config() -> Any:
    from mixtape.settings import load_settings
    from mixtape.spotify.config import load_config

    return load_config(load_settings().data_dir)


@register
class SpotifyModel(Recommender):
    name = "spotify"
    summary = "Spotify's own recommendations for up to 5 seed tracks (needs network + access)."
    score_meaning = "Spotify's rank as a score: 1 - rank / (tracks + 1) (higher: earlier)"
    #: Asks a remote service: offline suites (the model contract) skip it.
    needs_network = True

    def __init__(self, candidates: int = 100) -> None:
        self.candidates = candidates

    @classmethod
    def available(cls) -> tuple[bool, str]:
        from mixtape.spotify.availability import known_closed

        config = _config()
        if not config.configured:
            return False, "no Spotify credentials (set SPOTIFY_CLIENT_ID; see docs/spotify.md)"
        if "recommendations" in known_closed(config.folder):
            return False, "Spotify has closed its recommendations endpoint to this app"
        return True, ""

    def _fit(self, data: TrackArrays) -> None:
        self.row_of_ = data.row_of()

    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        return np.array([is_spotify_id(str(self.data_.keys[r])) for r in rows], dtype=bool)

    def cannot_serve_reason(self, n_seeds: int) -> str:
        return "the spotify model needs seed tracks with Spotify ids (not local: keys)"

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        from mixtape.errors import EndpointClosed
        from mixtape.spotify.session import app_client

        data = self.data_
        ids = [str(data.keys[r]) for r in seeds.rows if is_spotify_id(str(data.keys[r]))][:5]
        if not ids:
            raise SeedError(self.cannot_serve_reason(len(seeds.rows)))
        try:
            with app_client(_config()) as client:
                found = client.recommendations(
                    seed_tracks=ids, limit=self.candidates, tuning=tuning(controls)
                )
        except EndpointClosed as exc:
            raise ModelUnavailableError(f"the spotify model is unavailable: {exc}") from exc
        rows = [self.row_of_[i] for t in found if (i := t.get("id") or "") in self.row_of_]
        rows = list(dict.fromkeys(rows))
        if not rows:
            return []
        cand = np.asarray(rows, dtype=np.int64)
        scores = 1.0 - np.arange(len(cand), dtype=np.float64) / (len(cand) + 1)
        mask = allowed_mask(data, controls, seeds.rows)
        picked = select(cand, scores, n, data, controls, mask)
        return [Scored(row, score, "recommended by Spotify") for row, score in picked]

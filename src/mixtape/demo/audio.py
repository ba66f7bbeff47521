"""Synthetic Spotify audio features that depend on genre and correlate like real ones.

Every bounded feature is drawn on the logit scale around its genre's centre
plus a per-artist style offset (an artist's songs sound alike), then mapped
back to 0..1, so values are always in range.  The couplings follow what real
catalogs show: loudness rises with energy (and with the loudness war after
1990), acousticness falls with energy, valence rises with danceability and
energy, speechiness is high for hip hop, instrumentalness is bimodal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mixtape.demo.sampling import logit, sigmoid
from mixtape.demo.taxonomy import PROFILES, Genre

#: Relative frequency of the twelve keys (C, C#, D, ...) in popular music.
KEY_WEIGHTS = np.array([12, 10, 10, 3, 8, 8, 7, 11, 6, 10, 6, 9], dtype=float)
#: Decimals kept per float feature, as in Spotify's API answers.
DECIMALS = {
    "danceability": 3,
    "energy": 3,
    "loudness": 3,
    "speechiness": 4,
    "acousticness": 4,
    "instrumentalness": 4,
    "liveness": 4,
    "valence": 3,
    "tempo": 3,
}


def genre_centres(genres: Sequence[Genre]) -> dict[str, np.ndarray]:
    """Per-genre centre of every feature (family profile plus the genre's shift)."""

    def col(field: str, lo: float, hi: float) -> np.ndarray:
        values = [getattr(PROFILES[g.family], field) + getattr(g, field) for g in genres]
        return np.clip(np.array(values, dtype=float), lo, hi)

    return {
        "dance": col("dance", 0.08, 0.92),
        "energy": col("energy", 0.04, 0.97),
        "speech": col("speech", 0.025, 0.8),
        "acoustic": col("acoustic", 0.005, 0.97),
        "instr": col("instr", 0.005, 0.95),
        "valence": col("valence", 0.04, 0.95),
        "tempo": col("tempo", 60.0, 190.0),
        "minutes": col("minutes", 1.3, 12.0),
        "major": np.array([PROFILES[g.family].major for g in genres]),
        "waltz": np.array([PROFILES[g.family].waltz for g in genres]),
        "live": np.array([0.05 + g.live for g in genres]),
    }


def audio_features(
    rng: np.random.Generator,
    genres: Sequence[Genre],
    track_genre: np.ndarray,
    track_artist: np.ndarray,
    n_artists: int,
    year: np.ndarray,
) -> dict[str, np.ndarray]:
    """The thirteen audio features for every track, in Spotify's units and ranges."""
    n = len(track_genre)
    c = {k: v[track_genre] for k, v in genre_centres(genres).items()}

    def style(scale: float) -> np.ndarray:  # one offset per artist, shared by its songs
        return (rng.normal(0.0, scale, n_artists))[track_artist]

    def noise(scale: float) -> np.ndarray:
        return rng.normal(0.0, scale, n)

    energy = sigmoid(logit(c["energy"]) + style(0.45) + noise(0.5))
    dance = sigmoid(logit(c["dance"]) + style(0.35) + noise(0.45))
    acoustic = sigmoid(
        logit(c["acoustic"]) + style(0.6) - 4.0 * (energy - c["energy"]) + noise(0.9)
    )
    valence = sigmoid(
        logit(c["valence"])
        + style(0.35)
        + 2.2 * (dance - c["dance"])
        + 1.2 * (energy - c["energy"])
        + noise(0.65)
    )
    live = rng.random(n) < c["live"]
    speech = sigmoid(logit(c["speech"]) + style(0.35) + noise(0.55) + 0.8 * live)
    # Loudness: energy drives it; masters got louder from about 1990 ("loudness war").
    era = np.clip((year - 1990) / 12.0, -1.5, 1.2)
    loudness = -24.0 + 20.0 * energy + 1.6 * era + style(1.2) + noise(1.6)
    loudness = np.clip(loudness, -60.0, 0.0)
    # Instrumentalness is bimodal: most songs have vocals (near 0), some none (near 1).
    p_instr = sigmoid(logit(c["instr"]) + style(1.2))
    instrumental = rng.random(n) < p_instr
    instr = np.where(
        instrumental,
        rng.beta(6.0, 1.6, n),
        rng.exponential(0.004, n) * (rng.random(n) < 0.55),
    )
    liveness = np.where(live, rng.uniform(0.55, 0.98, n), rng.beta(2.0, 12.0, n) + 0.02)
    tempo = c["tempo"] + style(6.0) + 18.0 * (energy - c["energy"]) + noise(14.0)
    tempo = np.clip(tempo, 45.0, 220.0)
    minutes = c["minutes"] * np.exp(style(0.15) + noise(0.22))
    duration = np.clip(np.round(minutes * 60_000), 30_000, 1_800_000)
    key = rng.choice(12, size=n, p=KEY_WEIGHTS / KEY_WEIGHTS.sum())
    mode = (rng.random(n) < c["major"]).astype(np.int8)
    u = rng.random(n)
    time_signature = np.select(
        [u < c["waltz"], u < c["waltz"] + 0.02, u < c["waltz"] + 0.025], [3, 5, 1], default=4
    )
    values = {
        "danceability": dance,
        "energy": energy,
        "key": key.astype(np.int8),
        "loudness": loudness,
        "mode": mode,
        "speechiness": np.maximum(speech, 0.022),
        "acousticness": acoustic,
        "instrumentalness": np.clip(instr, 0.0, 1.0),
        "liveness": np.clip(liveness, 0.0, 1.0),
        "valence": valence,
        "tempo": tempo,
        "duration_ms": duration.astype(np.int64),
        "time_signature": time_signature.astype(np.int8),
    }
    return {k: np.round(v, DECIMALS[k]) if k in DECIMALS else v for k, v in values.items()}

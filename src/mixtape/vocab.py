"""Words the whole project shares, declared once: audio features, genre families, moods.

A leaf module: it imports nothing of ours, so the catalog, the features, the
models, the demo generator and the plots can all read from it.
"""

from __future__ import annotations

#: The thirteen Spotify audio features, in the order Spotify documents them (also
#: the column order of ``TrackArrays.audio`` and of the ``audio_features`` table).
AUDIO_FEATURES: tuple[str, ...] = (
    "danceability",
    "energy",
    "key",
    "loudness",
    "mode",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",
    "duration_ms",
    "time_signature",
)

#: The 15 genre families (``mixtape.features.families`` maps fine genres onto them; the
#: demo catalog generates them), in the order tables and reports list them.
GENRE_FAMILIES: tuple[str, ...] = (
    "rock",
    "hip hop",
    "pop",
    "jazz",
    "blues",
    "country",
    "metal",
    "reggae",
    "folk",
    "soul",
    "EDM",
    "dance",
    "latin",
    "funk",
    "other",
)
#: The family of genres no rule places.
OTHER_FAMILY = "other"

#: The four moods of the valence-energy plane (Russell's circumplex), one per quadrant
#: (valence and energy split at 0.5), each with the (valence, energy) point that stands
#: for it.
MOOD_QUADRANTS: dict[str, tuple[float, float]] = {
    "happy": (0.8, 0.8),  # high valence, high energy
    "angry": (0.2, 0.8),  # low valence, high energy
    "sad": (0.2, 0.2),  # low valence, low energy
    "calm": (0.8, 0.2),  # high valence, low energy
}
#: Other words for the same quadrants.
MOOD_SYNONYMS: dict[str, str] = {
    "energetic": "happy",
    "tense": "angry",
    "depressed": "sad",
    "relaxed": "calm",
}

#: Pitch classes by the ``key`` feature's number (0 = C), as Spotify and local analysis
#: both number them.
KEY_NAMES: tuple[str, ...] = ("C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B")

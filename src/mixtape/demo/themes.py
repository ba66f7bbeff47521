"""What demo playlists are about: moods, eras, and the titles people give them.

Titles follow the Million Playlist Dataset's most common ones ("country",
"chill", "rap", "workout", "oldies", "party", "throwback", ...): a playlist's
title is drawn from its theme, so titles carry signal as they do in the MPD.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixtape.demo.taxonomy import FAMILIES


@dataclass(frozen=True)
class Mood:
    """A region of the valence/energy (and danceability/tempo) plane."""

    name: str
    weight: float
    titles: tuple[str, ...]
    energy: tuple[float, float] = (0.0, 1.0)
    valence: tuple[float, float] = (0.0, 1.0)
    dance: tuple[float, float] = (0.0, 1.0)
    tempo: tuple[float, float] = (0.0, 300.0)

    def mask(self, audio: dict[str, np.ndarray]) -> np.ndarray:
        out = np.ones(len(audio["energy"]), dtype=bool)
        for column, (lo, hi) in (
            ("energy", self.energy),
            ("valence", self.valence),
            ("danceability", self.dance),
            ("tempo", self.tempo),
        ):
            out &= (audio[column] >= lo) & (audio[column] <= hi)
        return out


MOODS: tuple[Mood, ...] = (
    Mood(
        "chill",
        0.3,
        ("chill", "Chill", "chill vibes", "relax", "study", "chillin", "mellow", "lazy sunday"),
        energy=(0.0, 0.45),
    ),
    Mood(
        "workout",
        0.2,
        ("workout", "Workout", "gym", "pump up", "running", "cardio", "WORKOUT"),
        energy=(0.75, 1.0),
        tempo=(115.0, 300.0),
    ),
    Mood(
        "party",
        0.2,
        ("party", "Party", "pregame", "turn up", "lit", "party time", "jams"),
        energy=(0.65, 1.0),
        dance=(0.68, 1.0),
    ),
    Mood(
        "happy",
        0.15,
        ("happy", "good vibes", "summer", "feel good", "sunshine", "Summer", "happy songs"),
        energy=(0.5, 1.0),
        valence=(0.7, 1.0),
    ),
    Mood(
        "sad",
        0.15,
        ("sad", "feels", "sad songs", "in my feels", "rainy day", "heartbreak", "Sad"),
        energy=(0.0, 0.55),
        valence=(0.0, 0.35),
    ),
)


@dataclass(frozen=True)
class Era:
    name: str
    weight: float
    years: tuple[int, int]  # [first, last]
    titles: tuple[str, ...]
    prefix: str  # for family titles: "90s rock", "old school rap"


ERAS: tuple[Era, ...] = (
    Era("oldies", 0.25, (1950, 1974), ("oldies", "Oldies", "oldies but goodies", "60s"), "60s"),
    Era("eighties", 0.2, (1975, 1992), ("80s", "70s", "80s music", "retro", "80's"), "80s"),
    Era(
        "throwback",
        0.35,
        (1993, 2010),
        ("throwback", "throwbacks", "Throwback", "2000s", "90s", "throwback jams"),
        "90s",
    ),
    Era("new", 0.2, (2019, 2024), ("new", "new music", "fresh", "current", "2020"), "new"),
)

#: What people call a playlist of one family.
FAMILY_TITLES: dict[str, tuple[str, ...]] = {
    "rock": ("rock", "Rock", "rock n roll", "Rock music", "rock 🎸", "classic rock"),
    "hip hop": ("rap", "Rap", "hip hop", "Hip Hop", "bangers", "rap 🔥", "lit"),
    "pop": ("pop", "Pop", "pop hits", "top hits", "my jams", "songs i like"),
    "jazz": ("jazz", "Jazz", "jazz vibes", "coffee jazz", "smooth"),
    "blues": ("blues", "Blues", "the blues", "blues music"),
    "country": ("country", "Country", "country music", "country 🤠", "Country Music"),
    "metal": ("metal", "Metal", "heavy", "METAL", "\\m/"),
    "reggae": ("reggae", "Reggae", "island vibes", "reggae vibes"),
    "folk": ("folk", "Folk", "acoustic", "coffee shop", "singer songwriter"),
    "soul": ("r&b", "R&B", "soul", "Soul", "rnb", "slow jams"),
    "EDM": ("edm", "EDM", "electronic", "house", "festival", "bass"),
    "dance": ("dance", "Dance", "disco", "dance party", "club"),
    "latin": ("latin", "Latin", "reggaeton", "spanish", "latino", "Spanish songs"),
    "funk": ("funk", "Funk", "groove", "funky", "Funk & Soul"),
    "other": ("instrumental", "classical", "soundtrack", "piano", "focus", "disney"),
}
assert set(FAMILY_TITLES) == set(FAMILIES)

DESCRIPTIONS: tuple[str, ...] = (
    "songs for {t}",
    "{t} vibes only",
    "my favorite {t} songs",
    "a little bit of everything",
    "updated weekly",
    "for the car",
)


def genre_title(genre: str, u: float) -> str:
    """A title for a playlist of one fine genre, e.g. "indie rock", "Deep House", "my trap"."""
    if u < 0.45:
        return genre
    if u < 0.65:
        return genre.title()
    if u < 0.75:
        return f"{genre} mix"
    if u < 0.85:
        return f"my {genre}"
    if u < 0.95:
        return f"{genre} vibes"
    return genre.upper()


def pick(titles: tuple[str, ...], u: float) -> str:
    """The title at fraction ``u`` of a list ordered by frequency (earlier = more common)."""
    return titles[min(int(len(titles) * u * u), len(titles) - 1)]

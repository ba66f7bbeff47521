"""The 15 genre families of the demo catalog and how each one sounds.

A family's :class:`Profile` gives the centre of its audio features (natural
units) and of its release years; a :class:`Genre` shifts that centre
(``energy=+0.1`` means ten points more energy than its family).  The numbers
are rough, hand-set approximations of real per-genre means: close enough that
the generated catalog looks and behaves like Spotify data, not a copy of any
data set.  The fine genres themselves are in ``taxonomy.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mixtape.vocab import GENRE_FAMILIES

FAMILIES: tuple[str, ...] = GENRE_FAMILIES


@dataclass(frozen=True)
class Profile:
    """A family's typical sound and history; ``weight`` is its share of artists."""

    weight: float
    dance: float
    energy: float
    speech: float
    acoustic: float
    instr: float  # share of instrumental tracks
    valence: float
    tempo: float
    minutes: float  # median duration
    major: float  # P(mode == 1)
    explicit: float  # P(explicit) for tracks from 1990 on
    year: float
    year_sd: float
    waltz: float = 0.05  # P(3/4 time)


# Columns: weight, dance, energy, speech, acoustic, instr, valence, tempo, minutes,
# major, explicit, year, year_sd[, waltz].
PROFILES: dict[str, Profile] = {
    "rock": Profile(0.14, 0.49, 0.72, 0.045, 0.15, 0.06, 0.50, 126, 4.0, 0.72, 0.08, 1994, 14),
    "hip hop": Profile(0.13, 0.74, 0.64, 0.20, 0.13, 0.02, 0.50, 116, 3.7, 0.55, 0.60, 2011, 8),
    "pop": Profile(0.14, 0.65, 0.66, 0.07, 0.20, 0.02, 0.55, 120, 3.5, 0.65, 0.12, 2011, 10),
    "jazz": Profile(0.05, 0.53, 0.33, 0.055, 0.75, 0.4, 0.5, 113, 5.2, 0.62, 0.0, 1968, 16, 0.12),
    "blues": Profile(0.03, 0.55, 0.47, 0.06, 0.55, 0.08, 0.60, 118, 4.0, 0.70, 0.01, 1969, 16),
    "country": Profile(0.06, 0.59, 0.58, 0.04, 0.35, 0.02, 0.60, 122, 3.4, 0.85, 0.04, 2003, 15),
    "metal": Profile(0.06, 0.37, 0.90, 0.08, 0.02, 0.20, 0.30, 128, 4.6, 0.55, 0.15, 2003, 12),
    "reggae": Profile(0.03, 0.73, 0.57, 0.13, 0.18, 0.06, 0.72, 116, 3.9, 0.65, 0.05, 1992, 15),
    "folk": Profile(0.05, 0.52, 0.40, 0.045, 0.65, 0.05, 0.45, 118, 3.8, 0.75, 0.02, 2000, 17),
    "soul": Profile(0.05, 0.62, 0.54, 0.07, 0.35, 0.03, 0.60, 114, 4.0, 0.60, 0.10, 1990, 17),
    "EDM": Profile(0.07, 0.64, 0.78, 0.07, 0.05, 0.50, 0.40, 126, 5.0, 0.45, 0.03, 2013, 6),
    "dance": Profile(0.05, 0.70, 0.74, 0.06, 0.12, 0.10, 0.65, 122, 3.9, 0.55, 0.03, 2003, 13),
    "latin": Profile(0.07, 0.70, 0.65, 0.08, 0.30, 0.04, 0.70, 118, 3.6, 0.55, 0.15, 2008, 13),
    "funk": Profile(0.03, 0.70, 0.66, 0.07, 0.18, 0.10, 0.72, 112, 4.5, 0.55, 0.03, 1981, 13),
    "other": Profile(
        0.04, 0.38, 0.30, 0.06, 0.70, 0.55, 0.25, 105, 3.9, 0.65, 0.01, 2005, 15, 0.15
    ),
}


@dataclass(frozen=True)
class Genre:
    """A fine genre: its family, relative size, and shifts from the family profile."""

    name: str
    family: str
    weight: float = 1.0
    dance: float = 0.0
    energy: float = 0.0
    speech: float = 0.0
    acoustic: float = 0.0
    instr: float = 0.0
    valence: float = 0.0
    tempo: float = 0.0
    minutes: float = 0.0
    year: float = 0.0
    year_sd: float = 0.0  # 0: the family's
    live: float = 0.0  # extra share of live recordings


RELATED: dict[str, tuple[str, ...]] = {
    "rock": ("metal", "folk", "blues", "pop"),
    "hip hop": ("soul", "pop", "latin"),
    "pop": ("dance", "soul", "rock", "EDM"),
    "jazz": ("soul", "blues", "funk", "latin"),
    "blues": ("rock", "jazz", "soul", "country"),
    "country": ("folk", "rock", "blues"),
    "metal": ("rock",),
    "reggae": ("latin", "hip hop", "soul"),
    "folk": ("country", "rock", "pop"),
    "soul": ("funk", "hip hop", "jazz", "pop"),
    "EDM": ("dance", "pop"),
    "dance": ("EDM", "pop", "funk"),
    "latin": ("pop", "reggae", "hip hop"),
    "funk": ("soul", "jazz", "dance"),
    "other": ("jazz", "folk", "pop"),
}

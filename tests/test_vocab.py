"""The shared vocabulary: each mood word means one point, in its own quadrant everywhere."""

from __future__ import annotations

import numpy as np

from mixtape.models.mood import parse_mood
from mixtape.plots import MOODS, mood_of
from mixtape.vocab import MOOD_QUADRANTS, MOOD_SYNONYMS


def test_each_mood_point_lies_in_the_quadrant_the_plots_give_it_its_name() -> None:
    assert list(MOODS) == list(MOOD_QUADRANTS)
    for name, (valence, energy) in MOOD_QUADRANTS.items():
        assert mood_of(np.array([valence]), np.array([energy]))[0] == name
        assert parse_mood(name) == (valence, energy)
    for word, quadrant in MOOD_SYNONYMS.items():
        assert parse_mood(word) == MOOD_QUADRANTS[quadrant]

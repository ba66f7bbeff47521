"""The mood model on a catalog without valence and energy says so, whatever the seeds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mixtape.errors import SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Seeds
from mixtape.models.controls import Bound, Controls
from mixtape.models.mood import MoodModel


@pytest.mark.parametrize(
    ("seeds", "controls"),
    [
        (Seeds.at(0.8, 0.2), Controls()),
        (Seeds.at(0.8, 0.2), Controls(bounds={"energy": Bound(min=0.1)})),
        (Seeds.tracks([0, 1]), Controls()),
    ],
)
def test_no_track_with_valence_and_energy_is_the_reason_given(
    tiny_data: TrackArrays, seeds: Seeds, controls: Controls
) -> None:
    bare = dataclasses.replace(tiny_data, audio=np.full_like(tiny_data.audio, np.nan))
    model = MoodModel().fit(bare)
    with pytest.raises(SeedError, match=r"^no track in the catalog has valence and energy"):
        model.recommend(seeds, 5, controls)
    with pytest.raises(SeedError, match=r"^no track in the catalog has valence and energy"):
        model.recommend_batch([seeds], 5, controls)

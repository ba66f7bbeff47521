"""The mood map's grid counts every track with a mood once; its sample is fixed and fair."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mixtape.errors import InputError
from mixtape.features.arrays import AUDIO_COLUMNS
from mixtape.features.moodmap import mood_map
from tests.factories.arrays import hand_arrays
from tests.factories.tiny import make_tiny

VALENCE, ENERGY = AUDIO_COLUMNS.index("valence"), AUDIO_COLUMNS.index("energy")


def test_grid_counts_each_track_with_a_mood_once() -> None:
    data = make_tiny().data
    grid = mood_map(data, bins=2, sample=1000)
    assert grid.total == int(data.has_mood.sum()) == int(grid.counts.sum())
    # The four groups sit in the four quadrants: (valence, energy) of their centres.
    # Row = energy bin from the bottom, column = valence bin.
    assert grid.counts[1, 1] == 70  # happy: high valence, high energy
    assert grid.counts[1, 0] == 70  # angry
    assert grid.counts[0, 0] == 70  # sad
    assert grid.counts[0, 1] == 70  # calm
    assert len(grid.rows) == grid.total  # fewer tracks than the sample: all of them


def test_bins_on_hand_placed_points() -> None:
    audio = np.full((6, len(AUDIO_COLUMNS)), 0.5, dtype=np.float32)
    audio[:, VALENCE] = [0.0, 0.49, 0.5, 1.0, 0.99, np.nan]
    audio[:, ENERGY] = [0.0, 0.0, 0.51, 1.0, 0.2, 0.5]
    data = hand_arrays([(f"k{i}", f"Song {i}", ["Someone"]) for i in range(6)], audio=audio)
    grid = mood_map(data, bins=2)
    assert grid.counts.tolist() == [[2, 1], [0, 2]]
    assert grid.rows.tolist() == [0, 1, 2, 3, 4]
    assert grid.keys.tolist() == [str(k) for k in data.keys[:5]]


def test_sample_is_bounded_deterministic_and_from_tracks_with_a_mood() -> None:
    data = make_tiny().data
    first = mood_map(data, sample=40)
    again = mood_map(data, sample=40)
    other = mood_map(data, sample=40, seed=1)
    assert len(first.rows) == 40
    assert first.rows.tolist() == again.rows.tolist() != other.rows.tolist()
    assert np.all(np.diff(first.rows) > 0)
    assert data.has_mood[first.rows].all()
    assert np.array_equal(first.valence, data.audio[first.rows, VALENCE])
    assert np.array_equal(first.energy, data.audio[first.rows, ENERGY])


def test_as_dict_is_json() -> None:
    grid = mood_map(make_tiny().data, bins=8, sample=3)
    doc = json.loads(json.dumps(grid.as_dict()))
    assert doc["bins"] == 8 and len(doc["counts"]) == 8 and len(doc["counts"][0]) == 8
    assert doc["max_count"] == max(max(row) for row in doc["counts"])
    assert [p[0] for p in doc["sample"]] == grid.keys.tolist()


def test_bad_sizes_are_input_errors() -> None:
    data = make_tiny().data
    with pytest.raises(InputError, match="at least one bin"):
        mood_map(data, bins=0)
    with pytest.raises(InputError, match="cannot be negative"):
        mood_map(data, sample=-1)

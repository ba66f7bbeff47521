"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixtape.evaluation import metrics as m


def test_r_precision_hand_computed() -> None:
    # |G| = 4; first four recommendations hold two of them
    assert m.r_precision({"a", "b", "c", "d"}, ["a", "x", "c", "y", "b"]) == 0.5
    assert m.r_precision({"a"}, ["x", "a"]) == 0.0
    assert m.r_precision(set(), ["a"]) == 0.0


def test_artist_r_precision_gives_quarter_credit_once_per_artist() -> None:
    truth = {"a", "b"}
    artist = {"a": "A1", "b": "A2", "x": "A2", "y": "A2", "z": "Z"}
    # first |G| = 2: "x" is by A2 (artist of held-out b) -> 0.25; "a" exact -> 1
    assert m.artist_r_precision(truth, ["x", "a"], artist) == pytest.approx(1.25 / 2)
    # two tracks by the same matching artist: credited once
    assert m.artist_r_precision(truth, ["x", "y"], artist) == pytest.approx(0.25 / 2)
    assert m.artist_r_precision(truth, ["z", "q"], artist) == 0.0


def test_ndcg_hand_computed() -> None:
    # hits at ranks 1 and 3: DCG = 1 + 1/log2(3); ideal for min(|G|=2, |R|=4) = 1 + 1/log2(2)
    value = m.ndcg({"a", "b"}, ["a", "x", "b", "y"])
    assert value == pytest.approx((1 + 1 / math.log2(3)) / 2.0)
    assert m.ndcg({"a", "b"}, ["a", "b"]) == pytest.approx(1.0)
    assert m.ndcg({"a"}, ["x", "y"]) == 0.0
    # |R| < |G|: the ideal has only |R| hits, so a perfect short list scores 1
    assert m.ndcg({"a", "b", "c"}, ["b"]) == pytest.approx(1.0)


def test_clicks_hand_computed() -> None:
    ranked = [f"x{i}" for i in range(500)]
    assert m.clicks({"x0"}, ranked) == 0
    assert m.clicks({"x9"}, ranked) == 0
    assert m.clicks({"x10"}, ranked) == 1
    assert m.clicks({"x499"}, ranked) == 49
    assert m.clicks({"nope"}, ranked) == 51


def test_precision_recall_at_k() -> None:
    truth = {"a", "b", "c"}
    ranked = ["a", "x", "b", "y"]
    assert m.precision_at_k(truth, ranked, 2) == 0.5
    assert m.recall_at_k(truth, ranked, 4) == pytest.approx(2 / 3)
    assert m.precision_at_k(truth, ranked, 0) == 0.0


def test_coverage_diversity_popularity_repetition() -> None:
    assert m.coverage([["a", "b"], ["b", "c"]], 10) == pytest.approx(0.3)
    # three points: distances 1, 1, sqrt(2) -> mean (2 + sqrt 2) / 3
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert m.intra_list_diversity(pts) == pytest.approx((2 + math.sqrt(2)) / 3)
    assert m.intra_list_diversity(pts[:1]) == 0.0
    assert m.mean_popularity([10, np.nan, 30]) == 20.0
    assert m.artist_repetition(["A", "B", "A", "A"]) == 0.5


@given(
    st.sets(st.integers(0, 50), min_size=1, max_size=20),
    st.lists(st.integers(0, 50), unique=True, max_size=60),
)
def test_metric_bounds(truth: set[int], ranked: list[int]) -> None:
    assert 0.0 <= m.r_precision(truth, ranked) <= 1.0
    assert 0.0 <= m.ndcg(truth, ranked) <= 1.0 + 1e-9
    assert 0 <= m.clicks(truth, ranked) <= 51
    perfect = sorted(truth)
    assert m.r_precision(truth, perfect) == 1.0
    assert m.ndcg(truth, perfect) == pytest.approx(1.0)

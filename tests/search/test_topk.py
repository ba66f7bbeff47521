"""Partial selection and its one tie rule: at equal score the lower index wins."""

from __future__ import annotations

import numpy as np

from mixtape.search.topk import best_scores, ordered, top_k


def test_top_k_matches_a_full_sort_including_sorted_and_tied_scores() -> None:
    rng = np.random.default_rng(1)
    cases = [
        rng.random(50_000).astype(np.float32),
        np.sort(rng.random(50_000)).astype(np.float32),  # the sample threshold misses: fallback
        np.repeat(rng.random(500), 100).astype(np.float32),  # many ties
    ]
    for scores in cases:
        for k in (1, 10, 300):
            got = np.sort(scores[top_k(scores, k)])[::-1]
            assert np.array_equal(got, np.sort(scores)[::-1][:k])
    assert len(top_k(np.ones(5, dtype=np.float32), 10)) == 5
    assert len(top_k(np.ones(5, dtype=np.float32), 0)) == 0


def test_top_k_breaks_ties_by_lower_index() -> None:
    scores = np.zeros(100_000, dtype=np.float32)
    scores[[5, 70_000]] = 2.0
    assert sorted(top_k(scores, 4).tolist()) == [0, 1, 5, 70_000]
    small = np.array([1.0, 3.0, 1.0, 1.0, 3.0])
    assert sorted(top_k(small, 3).tolist()) == [0, 1, 4]


def test_ordered_sorts_by_score_then_position_whatever_the_input_order() -> None:
    positions = np.array([9, 4, 7, 1, 3])
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.1], dtype=np.float32)
    got, got_scores = ordered(positions, scores, 3)
    assert got.tolist() == [4, 1, 7]  # 0.9, then the two lowest positions at 0.5
    assert got_scores.tolist() == [np.float32(0.9), np.float32(0.5), np.float32(0.5)]
    assert ordered(positions, scores, 0)[0].tolist() == []
    assert ordered(positions, scores, 10)[0].tolist() == [4, 1, 7, 9, 3]


def test_best_scores_are_the_k_highest_ascending() -> None:
    assert best_scores(np.array([3.0, 1.0, 2.0, 5.0]), 2).tolist() == [3.0, 5.0]
    assert best_scores(np.array([3.0, 1.0]), 5).tolist() == [1.0, 3.0]

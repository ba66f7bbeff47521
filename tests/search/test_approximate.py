"""Inverted lists and the HNSW graph against exact search: recall, tuning, layout, ties."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from mixtape.search.exact import ExactIndex
from mixtape.search.hnsw import HNSWIndex
from mixtape.search.ivf import IVFIndex, default_lists
from mixtape.search.tuning import TARGET_RECALL, recall_at_k, tune_width

UnitVectors = Callable[..., np.ndarray]


def exact_top(vectors: np.ndarray, sample: np.ndarray, k: int) -> np.ndarray:
    index = ExactIndex(np.ascontiguousarray(vectors.T))
    return np.stack([p for p, _ in index.search([index.query([i]) for i in sample], k)])


def tuned(index: HNSWIndex | IVFIndex, queries: np.ndarray, truth: np.ndarray) -> tuple[int, float]:
    """The index's width tuned to the recall target on these queries, and its recall."""

    def approx(width: int) -> np.ndarray:
        index.width = width
        return index.search(queries, truth.shape[1])

    start, limit = index.width_range
    width, recall = tune_width(approx, truth, start=start, limit=limit)
    index.width = width
    assert recall_at_k(truth, index.search(queries, truth.shape[1])) == recall
    return width, recall


def test_recall_at_k_hand_computed() -> None:
    exact = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    approx = np.array([[4, 3, 2, 1], [5, 6, 0, -1]])
    assert recall_at_k(exact, approx) == pytest.approx((1.0 + 0.5) / 2)


def test_width_tuning_finds_the_smallest_sufficient_value() -> None:
    exact = np.arange(10)[None, :]
    calls: list[int] = []

    def approx(width: int) -> np.ndarray:
        calls.append(width)
        return exact if width >= 100 else np.full_like(exact, -1)

    width, recall = tune_width(approx, exact)
    assert recall == 1.0
    assert 100 <= width <= 100 + 128 // 8
    assert calls[:4] == [16, 32, 64, 128]
    assert tune_width(approx, exact, limit=64) == (64, 0.0)


def test_hnsw_recall_on_random_vectors(unit_vectors: UnitVectors) -> None:
    vectors = unit_vectors(5_000)  # building the graph is most of the time: keep it small
    hnsw = HNSWIndex.build(vectors, n_threads=2)
    sample = np.random.default_rng(0).choice(len(vectors), 200, replace=False)
    truth = exact_top(vectors, sample, 10)
    assert tuned(hnsw, vectors[sample], truth)[1] >= TARGET_RECALL


def test_default_lists_grow_with_the_square_root_and_keep_forty_vectors_a_list() -> None:
    assert default_lists(1_200_000) == 4096
    assert default_lists(200_000) == 2048
    assert default_lists(3_000) == 75
    assert default_lists(10) == 1


def laid_out_lists(vectors: np.ndarray, n_lists: int) -> tuple[IVFIndex, np.ndarray, np.ndarray]:
    """Inverted lists over ``vectors``, and (the position order, each vector's list)."""
    centroids, lists = IVFIndex.train(np.ascontiguousarray(vectors.T), n_lists, n_threads=2)
    order, bounds = IVFIndex.layout(lists, len(centroids))
    return IVFIndex(centroids, bounds, np.ascontiguousarray(vectors[order].T)), order, lists


def test_ivf_lists_are_contiguous_slices_and_probing_every_list_is_exact(
    unit_vectors: UnitVectors,
) -> None:
    vectors = unit_vectors(5_000)
    ivf, order, lists = laid_out_lists(vectors, 64)
    bounds = ivf.bounds
    for lst in range(ivf.n_lists):  # each slice holds exactly its list's vectors
        assert (lists[order[bounds[lst] : bounds[lst + 1]]] == lst).all()
    # every vector sits in the list of its closest centroid
    assert (np.argmax(vectors @ ivf.centroids.T, axis=1) == lists).mean() > 0.999
    laid_out = vectors[order]
    want = exact_top(laid_out, np.arange(20), 10)
    ivf.width = ivf.n_lists
    assert np.array_equal(ivf.search(laid_out[:20], 10), want)
    ivf.width = 1  # one list: its own vectors only, best first
    got = ivf.search(laid_out[:1], 10)[0]
    own = lists[order[0]]
    assert set(got[got >= 0].tolist()) <= set(range(bounds[own], bounds[own + 1]))


def test_tuned_inverted_lists_reach_the_recall_target(unit_vectors: UnitVectors) -> None:
    vectors = unit_vectors(10_000)  # 250 lists, of which tuning must read only some
    ivf, order, _ = laid_out_lists(vectors, default_lists(len(vectors)))
    laid_out = vectors[order]
    sample = np.random.default_rng(3).choice(len(vectors), 200, replace=False)
    width, recall = tuned(ivf, laid_out[sample], exact_top(laid_out, sample, 10))
    assert recall >= TARGET_RECALL
    assert width < ivf.n_lists  # it does not just read everything


def test_inverted_lists_give_equal_scores_to_the_lowest_positions() -> None:
    same = np.ones((3, 500), dtype=np.float32) / np.sqrt(3)
    ivf = IVFIndex(same[:, :1].T, np.array([0, 500]), same)
    assert ivf.search(same[:, :1].T, 5)[0].tolist() == [0, 1, 2, 3, 4]

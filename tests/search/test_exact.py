"""The exact index against brute force: branch and bound, full scans, threads and ties."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from mixtape.search import exact, pruning
from mixtape.search.embedding import embedding, query_embedding
from mixtape.search.exact import ExactIndex
from mixtape.search.query import Query
from tests.factories.vectors import Structured


def brute_force(index: ExactIndex, query: Query, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best (positions, scores) from every position's full vector."""
    scores = embedding(index, np.arange(index.size), None) @ query_embedding(index, query, None)
    order = np.lexsort((np.arange(index.size), -scores))[:k]
    return order, scores[order]


Hits = tuple[np.ndarray, np.ndarray]


def assert_same_top(got: Hits, want: Hits) -> None:
    """Same scores; the same positions except where float error reorders near-ties."""
    assert np.allclose(got[1], want[1], atol=1e-5)
    assert len(set(got[0][:20].tolist()) ^ set(want[0][:20].tolist())) <= 2


def test_the_branch_and_bound_finds_the_exact_top_k(structured: Structured) -> None:
    index = structured(4_000)
    n_pruned = 0
    for p in np.random.default_rng(2).choice(index.size, 25, replace=False):
        for query in (index.query([p]), index.query([p, (p + 1) % index.size])):
            got = pruning.pruned(index, query, 25)
            if got is not None:
                n_pruned += 1
                assert_same_top(got, brute_force(index, query, 25))
            assert_same_top(index.search([query], 25)[0], brute_force(index, query, 25))
    assert n_pruned >= 25  # the bounds do prune here


def test_a_branch_and_bound_that_gives_up_falls_back_to_the_same_full_scan(
    structured: Structured, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = structured(3_000, seed=1)
    queries = [index.query([p]) for p in (3, 700, 2_500)] + [index.query(np.arange(40))]
    want = index.search(queries, 25)
    monkeypatch.setattr(pruning, "SHARING_BUDGET", 0.001)  # 3 tracks: it gives up at once
    assert all(pruning.pruned(index, q, 25) is None for q in queries)
    for got, expected in zip(index.search(queries, 25), want, strict=True):
        assert_same_top(got, expected)


def test_threads_and_query_blocks_do_not_change_results(
    structured: Structured, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = structured(1_000)
    queries = [index.query(p) for p in ([0], [1, 2, 3], [150], [250, 260])]
    single = index._scan(queries, 20)
    monkeypatch.setattr(exact, "PARALLEL_ABOVE", 0)
    monkeypatch.setattr(exact, "BLOCK_SCORES", 300)  # one query per block
    index.n_threads = 3
    for (p1, s1), (p2, s2) in zip(single, index._scan(queries, 20), strict=True):
        assert np.array_equal(p1, p2)
        assert np.allclose(s1, s2, atol=1e-6)


def test_scores_at_some_positions_are_the_full_scores_there(structured: Structured) -> None:
    index = structured(500)
    query = index.query([7, 8])
    full = embedding(index, np.arange(index.size), None) @ query_embedding(index, query, None)
    assert np.allclose(index.scores(query), full, atol=1e-5)
    positions = np.array([0, 7, 100, 499])
    assert np.allclose(index.scores_at(query, positions), full[positions], atol=1e-5)


def test_equal_scores_go_to_the_lowest_positions_in_a_scan_and_a_branch_and_bound() -> None:
    same = np.ones((4, 3_000), dtype=np.float32)
    plain = ExactIndex(same)
    positions, scores = plain.search([plain.query([2_999])], 5)[0]
    assert positions.tolist() == [0, 1, 2, 3, 4]
    assert np.all(scores == scores[0])

    # 200 tracks share the query's genre (a and b's other tracks do not): all tie.
    genre = np.zeros((3_000, 2), dtype=np.float32)
    genre[:, 1] = 1.0
    genre[900:1_100] = [1.0, 0.0]
    grouped = ExactIndex(
        same,
        group_bounds=np.array([0, 1_000, 3_000]),  # two groups, the same bucket
        group_buckets=np.zeros((2, 1), dtype=np.int64),
        group_scale=np.full((2, 1), 0.5, dtype=np.float32),
        n_buckets=[1],
        sparse=sp.csr_matrix(genre),
    )
    query = grouped.query([1_050])
    found = pruning.pruned(grouped, query, 5)
    assert found is not None
    assert found[0].tolist() == [900, 901, 902, 903, 904]
    assert grouped._scan([query], 5)[0][0].tolist() == [900, 901, 902, 903, 904]

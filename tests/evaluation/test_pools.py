"""The playlist pools: deterministic by key, disjoint, about the shares they promise."""

from __future__ import annotations

import numpy as np

from mixtape.evaluation import pools


def test_pools_are_disjoint_cover_every_playlist_and_have_their_shares() -> None:
    keys = [f"mpd:{i}" for i in range(4_000)]
    found = {role: set(pools.pool(keys, role).tolist()) for role in pools.SHARES}
    assert not found["test"] & found["validation"]
    assert not (found["test"] | found["validation"]) & found["train"]
    assert set().union(*found.values()) == set(range(len(keys)))
    for role, share in pools.SHARES.items():
        assert abs(len(found[role]) / len(keys) - share) < 0.02, role


def test_a_role_depends_on_the_key_alone() -> None:
    keys = np.array([f"mpd:{i}" for i in range(500)], dtype=object)
    test = {keys[i] for i in pools.pool(keys, "test")}
    shuffled = np.random.default_rng(0).permutation(keys)
    assert {shuffled[i] for i in pools.pool(shuffled, "test")} == test
    assert {keys[i] for i in pools.pool(keys[:250], "test")} == {k for k in test if k in keys[:250]}
    # pinned: a change of the hash or its salt would silently reshuffle every pool
    assert [pools.role(f"mpd:{i}") for i in (0, 1, 6, 18, 21)] == [
        "test",
        "train",
        "validation",
        "validation",
        "test",
    ]

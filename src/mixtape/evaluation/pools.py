"""A fixed role for every catalog playlist: training, validation or test.

The role comes from a hash of the playlist's key (``mpd:123``), not from its
position or a random draw, so it never changes when playlists are added,
removed or reordered, and every run on every machine agrees.  ``evaluate``
samples the playlists it reports on from the **test** pool only; ``tune``
samples from the **validation** pool and fits on the catalog without both the
validation and the test pools, so no parameter is ever chosen on a playlist a
report scores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal

import numpy as np

Role = Literal["train", "validation", "test"]

#: Shares of the catalog's playlists in each held-out pool (the rest is training only).
TEST_SHARE = 0.10
VALIDATION_SHARE = 0.10
SHARES: dict[Role, float] = {
    "test": TEST_SHARE,
    "validation": VALIDATION_SHARE,
    "train": 1.0 - TEST_SHARE - VALIDATION_SHARE,
}

_SALT = b"mixtape-pools-1"  # changing it would reshuffle every pool: never do it lightly


def position(key: str) -> float:
    """Where ``key`` falls in [0, 1): the first 8 bytes of a BLAKE2b digest, as a fraction."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8, key=_SALT).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def role(key: str) -> Role:
    """The pool of the playlist called ``key``: [0, 0.1) test, [0.1, 0.2) validation."""
    at = position(key)
    if at < TEST_SHARE:
        return "test"
    if at < TEST_SHARE + VALIDATION_SHARE:
        return "validation"
    return "train"


def pool(keys: Sequence[str] | np.ndarray, which: Role) -> np.ndarray:
    """Indices (into ``keys``) of the playlists in pool ``which``, ascending."""
    return np.array([i for i, k in enumerate(keys) if role(str(k)) == which], dtype=np.int64)

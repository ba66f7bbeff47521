"""Random building blocks for the demo generator: seeded streams, ids, segment sampling."""

from __future__ import annotations

import hashlib

import numpy as np

ALPHABET = np.frombuffer(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8
)


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """An independent generator for one stage of the build.

    Each stage draws from its own stream, so changing how one stage draws
    (or how many playlists there are) never shifts the numbers of another.
    """
    digest = hashlib.sha256(repr(("mixtape-demo", seed, *names)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def demo_ids(seed: int, kind: str, n: int) -> np.ndarray:
    """``n`` deterministic 22-character base-62 ids (numpy ``<U22``).

    Real Spotify ids encode 128 bits, so their first character is one of
    ``0``-``7``; demo ids start with a letter and can never equal a real one.
    """
    rng = stream(seed, "ids", kind)
    codes = ALPHABET[rng.integers(0, 62, size=(n, 22), dtype=np.uint8)]
    codes[:, 0] = ALPHABET[rng.integers(10, 62, size=n, dtype=np.uint8)]
    return np.ascontiguousarray(codes).view("S22").ravel().astype("U22")


def weighted_in_segments(
    rng: np.random.Generator,
    cdf: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    segment: np.ndarray,
) -> np.ndarray:
    """For each entry of ``segment``, a position drawn from that segment of ``cdf``.

    ``cdf`` is the running sum of the weights of many concatenated segments;
    segment ``k`` spans positions ``starts[k]:ends[k]`` (never empty).  A
    position inside a segment is drawn with probability proportional to its
    weight: one ``searchsorted`` for every draw of every segment at once.
    """
    lo_pos = starts[segment]
    hi_pos = ends[segment] - 1
    lo = np.where(lo_pos > 0, cdf[np.maximum(lo_pos - 1, 0)], 0.0)
    hi = cdf[hi_pos]
    u = lo + rng.random(len(segment)) * (hi - lo)
    # Sorted queries make searchsorted walk the table in order: ~5x faster on big tables.
    order = np.argsort(u)
    pos = np.empty(len(u), dtype=np.int64)
    pos[order] = np.searchsorted(cdf, u[order], side="right")
    return np.clip(pos, lo_pos, hi_pos)


def segments(groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort positions by group: (order, starts, ends) with ``order[starts[g]:ends[g]]`` in ``g``."""
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups, minlength=n_groups)
    ends = np.cumsum(counts)
    return order, ends - counts, ends


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(p / (1 - p)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))

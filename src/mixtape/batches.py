"""Cutting a sequence into batches (database look-ups, Spotify requests)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of ``items``, each ``size`` long (the last may be shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

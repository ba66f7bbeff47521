"""Held-out splits of playlists, mirroring the RecSys Challenge 2018 categories.

A playlist's tracks (duplicates collapsed, first occurrence kept) are split
into seeds and held-out tracks: the first *k* tracks, or *k* tracks drawn at
random (seeded), are the seeds; the rest is held out.  Seeds plus held-out
always equal the playlist.  A playlist too short for a category (fewer than
``k + 1`` distinct tracks) is skipped for that category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mixtape.errors import InputError


@dataclass(frozen=True)
class Category:
    name: str
    n_seeds: int
    random: bool


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("first-1", 1, False),
        Category("first-5", 5, False),
        Category("first-10", 10, False),
        Category("first-25", 25, False),
        Category("random-25", 25, True),
        Category("first-100", 100, False),
        Category("random-100", 100, True),
    )
}


@dataclass(frozen=True)
class Split:
    playlist: int  # index into the playlists given to make_splits
    category: str
    seeds: tuple[int, ...]
    held_out: tuple[int, ...]


def parse_categories(text: str | Iterable[str] | None) -> list[Category]:
    """``"first-5,random-25"`` (or None for all) → categories, with a clear error."""
    if text is None:
        return list(CATEGORIES.values())
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    out = []
    for name in names:
        if name not in CATEGORIES:
            raise InputError(
                f"unknown category {name!r}", hint="use any of " + ", ".join(CATEGORIES)
            )
        out.append(CATEGORIES[name])
    return out


def distinct(tracks: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    out = []
    for t in tracks:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def split_playlist(
    tracks: Sequence[int], category: Category, rng: np.random.Generator
) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(seeds, held_out) for one playlist, or None when it is too short."""
    items = distinct(tracks)
    k = category.n_seeds
    if len(items) <= k:
        return None
    if category.random:
        chosen = set(rng.choice(len(items), size=k, replace=False).tolist())
        seeds = tuple(t for i, t in enumerate(items) if i in chosen)
        held = tuple(t for i, t in enumerate(items) if i not in chosen)
    else:
        seeds, held = tuple(items[:k]), tuple(items[k:])
    return seeds, held


def make_splits(
    playlists: Sequence[Sequence[int] | np.ndarray],
    categories: Sequence[Category],
    per_category: int,
    seed: int,
) -> list[Split]:
    """Up to ``per_category`` splits per category from eligible playlists, deterministic by seed."""
    out: list[Split] = []
    for c_index, category in enumerate(categories):
        rng = np.random.default_rng([seed, c_index])
        eligible = [i for i, p in enumerate(playlists) if len(set(p)) > category.n_seeds]
        if len(eligible) > per_category:
            picked = sorted(rng.choice(eligible, size=per_category, replace=False).tolist())
        else:
            picked = eligible
        for i in picked:
            result = split_playlist(playlists[i], category, rng)
            if result is not None:
                out.append(Split(i, category.name, result[0], result[1]))
    return out

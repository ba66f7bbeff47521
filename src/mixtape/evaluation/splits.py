"""Held-out splits of playlists, mirroring the RecSys Challenge 2018 categories.

A playlist's tracks (duplicates collapsed, first occurrence kept) are split
into seeds and held-out tracks: the first *k* tracks, or *k* tracks drawn at
random (seeded), are the seeds; the rest is held out.  Seeds plus held-out
always equal the playlist.  A playlist too short for a category (fewer than
``k + 1`` distinct tracks) is skipped for that category.  In the title
categories (``title-only``, ``title-first-5``, ...) the playlist's title is a
seed too (*k* may be 0), and a playlist without a title is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mixtape.errors import InputError
from mixtape.features.titles import normalize_title


@dataclass(frozen=True)
class Category:
    name: str
    n_seeds: int
    random: bool
    title: bool = False  # the playlist's title is a seed too


#: Without a title (mixtape's first seven; the default, in this order, so their splits
#: stay what they were), then the challenge's categories with a title.
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
        Category("title-only", 0, False, title=True),
        Category("title-first-1", 1, False, title=True),
        Category("title-first-5", 5, False, title=True),
        Category("title-first-10", 10, False, title=True),
        Category("title-first-25", 25, False, title=True),
        Category("title-random-25", 25, True, title=True),
        Category("title-first-100", 100, False, title=True),
        Category("title-random-100", 100, True, title=True),
    )
}
#: What ``evaluate`` runs when no category is named: those without a title.
DEFAULT_CATEGORIES: tuple[str, ...] = tuple(c.name for c in CATEGORIES.values() if not c.title)
#: The RecSys Challenge 2018's ten categories, in the challenge set's order (``challenge``).
CHALLENGE_CATEGORIES: tuple[str, ...] = (
    "title-only",
    "title-first-1",
    "title-first-5",
    "first-5",
    "title-first-10",
    "first-10",
    "title-first-25",
    "title-random-25",
    "title-first-100",
    "title-random-100",
)
#: Names that stand for several categories.
GROUPS: dict[str, tuple[str, ...]] = {
    "default": DEFAULT_CATEGORIES,
    "challenge": CHALLENGE_CATEGORIES,
    "all": tuple(CATEGORIES),
}


@dataclass(frozen=True)
class Split:
    playlist: int  # index into the playlists given to make_splits
    category: str
    seeds: tuple[int, ...]
    held_out: tuple[int, ...]
    title: str | None = None  # the playlist's title, a seed in title categories


def parse_categories(text: str | Iterable[str] | None) -> list[Category]:
    """``"first-5,title-only"`` (or None for those without a title; ``challenge`` for the
    challenge's ten, ``all``) → categories, with a clear error."""
    if text is None:
        text = "default"
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    out: list[Category] = []
    for name in names:
        for each in GROUPS.get(name, (name,)):
            if each not in CATEGORIES:
                raise InputError(
                    f"unknown category {each!r}",
                    hint="use any of " + ", ".join([*CATEGORIES, *GROUPS]),
                    field="categories",
                )
            if CATEGORIES[each] not in out:
                out.append(CATEGORIES[each])
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
    titles: Sequence[str] | None = None,
) -> list[Split]:
    """Up to ``per_category`` splits per category from eligible playlists, deterministic by seed.

    ``titles`` (one per playlist, "" for none) feed the title categories: a playlist
    whose title normalises to nothing is not eligible for them.
    """
    out: list[Split] = []
    titled = [bool(normalize_title(t)) for t in titles] if titles is not None else None
    for c_index, category in enumerate(categories):
        rng = np.random.default_rng([seed, c_index])
        eligible = [
            i
            for i, p in enumerate(playlists)
            if len(set(p)) > category.n_seeds
            and (not category.title or (titled is not None and titled[i]))
        ]
        if len(eligible) > per_category:
            picked = sorted(rng.choice(eligible, size=per_category, replace=False).tolist())
        else:
            picked = eligible
        for i in picked:
            result = split_playlist(playlists[i], category, rng)
            if result is not None:
                title = str(titles[i]) if category.title and titles is not None else None
                out.append(Split(i, category.name, result[0], result[1], title))
    return out

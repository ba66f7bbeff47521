from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixtape.errors import InputError
from mixtape.evaluation.splits import CATEGORIES, make_splits, parse_categories, split_playlist


def test_first_k_and_too_short() -> None:
    rng = np.random.default_rng(0)
    first5 = CATEGORIES["first-5"]
    assert split_playlist([1, 2, 3, 4, 5, 6, 7], first5, rng) == ((1, 2, 3, 4, 5), (6, 7))
    assert split_playlist([1, 2, 3, 4, 5], first5, rng) is None
    # duplicates collapse before counting
    assert split_playlist([1, 1, 2, 2, 3, 3, 4, 5], first5, rng) is None


def test_random_split_is_seeded() -> None:
    tracks = list(range(100, 160))
    cat = CATEGORIES["random-25"]
    a = split_playlist(tracks, cat, np.random.default_rng(3))
    b = split_playlist(tracks, cat, np.random.default_rng(3))
    c = split_playlist(tracks, cat, np.random.default_rng(4))
    assert a == b
    assert a != c
    assert a is not None
    assert len(a[0]) == 25
    assert a[0] != tuple(tracks[:25])


@given(st.lists(st.integers(0, 200), min_size=1, max_size=150), st.integers(0, 2**16))
def test_seeds_plus_held_out_equal_the_playlist(tracks: list[int], seed: int) -> None:
    for cat in CATEGORIES.values():
        result = split_playlist(tracks, cat, np.random.default_rng(seed))
        if result is None:
            assert len(set(tracks)) <= cat.n_seeds
            continue
        seeds, held = result
        assert set(seeds) | set(held) == set(tracks)
        assert not set(seeds) & set(held)
        assert len(seeds) == cat.n_seeds


def test_make_splits_deterministic_and_bounded() -> None:
    rng = np.random.default_rng(1)
    playlists = [
        list(rng.choice(1000, size=int(n), replace=False)) for n in rng.integers(2, 150, 80)
    ]
    cats = parse_categories("first-1,random-100")
    a = make_splits(playlists, cats, per_category=10, seed=5)
    assert a == make_splits(playlists, cats, per_category=10, seed=5)
    assert a != make_splits(playlists, cats, per_category=10, seed=6)
    assert sum(s.category == "first-1" for s in a) == 10
    assert all(len(set(playlists[s.playlist])) > 100 for s in a if s.category == "random-100")


def test_unknown_category_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown category 'first-7'"):
        parse_categories("first-1,first-7")


def test_title_categories_give_the_title_and_skip_untitled_playlists() -> None:
    playlists = [list(range(p, p + 12)) for p in range(6)]
    titles = ["road trip", "", "🔥", "Chill", "gym", "sleep"]
    cats = parse_categories("title-only,title-first-1")
    splits = make_splits(playlists, cats, per_category=10, seed=0, titles=titles)
    assert {s.playlist for s in splits} == {0, 3, 4, 5}  # "" and "🔥" have no title
    for s in splits:
        assert s.title == titles[s.playlist]
        expected = 0 if s.category == "title-only" else 1
        assert len(s.seeds) == expected
        assert list(s.seeds) + list(s.held_out) == playlists[s.playlist]
    assert not make_splits(playlists, cats, per_category=10, seed=0)  # no titles at all


def test_the_old_categories_split_as_before() -> None:
    rng = np.random.default_rng(2)
    sizes = rng.integers(2, 120, 60)
    playlists = [list(rng.choice(500, size=int(n), replace=False)) for n in sizes]
    titles = [f"list {i}" for i in range(60)]
    default = parse_categories(None)
    assert [c.name for c in default] == [
        "first-1",
        "first-5",
        "first-10",
        "first-25",
        "random-25",
        "first-100",
        "random-100",
    ]
    before = make_splits(playlists, default, per_category=8, seed=1)
    after = make_splits(playlists, default, per_category=8, seed=1, titles=titles)
    assert before == after and all(s.title is None for s in after)


def test_the_challenge_group_is_the_ten_categories_in_order() -> None:
    names = [c.name for c in parse_categories("challenge")]
    assert names == [
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
    ]
    assert len(parse_categories("all")) == 15
    with pytest.raises(InputError) as err:
        parse_categories("title-first-2")
    assert err.value.field == "categories"

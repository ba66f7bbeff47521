"""Seeds: tracks, a point on the mood plane, a playlist title."""

from __future__ import annotations

import pytest

from mixtape.errors import InputError
from mixtape.models.base import Seeds


def test_a_title_alone_is_a_seed() -> None:
    seeds = Seeds.titled("Summer Hits")
    assert seeds.title == "Summer Hits" and seeds.rows == ()


def test_a_title_goes_with_tracks() -> None:
    seeds = Seeds.tracks([3, 1], title="road trip")
    assert seeds.rows == (3, 1) and seeds.title == "road trip"


def test_nothing_is_no_seed() -> None:
    with pytest.raises(InputError, match="no seeds given"):
        Seeds()


@pytest.mark.parametrize("title", ["", "   ", "🔥🔥!!"])
def test_a_title_without_words_is_refused_naming_the_title(title: str) -> None:
    with pytest.raises(InputError) as err:
        Seeds.titled(title)
    assert err.value.field == "title" and "no letters or digits" in str(err.value)

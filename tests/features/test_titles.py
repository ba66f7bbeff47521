"""Playlist titles in their one normal form."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.features.titles import normalize_title, normalize_titles


@pytest.mark.parametrize(
    ("title", "normal"),
    [
        ("Summer Hits ☀️!!", "summer hits"),
        ("  summer   HITS ", "summer hits"),
        ("Été Vibes", "ete vibes"),
        ("don't stop", "dont stop"),
        ("Rock ’n’ Roll", "rock n roll"),
        ("#throwback_thursday", "throwback thursday"),
        ("ＲＯＡＤ ＴＲＩＰ", "road trip"),  # full-width letters
        ("2000s", "2000s"),
        ("🔥🔥🔥", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_titles_fold_to_one_form(title: str | None, normal: str) -> None:
    assert normalize_title(title) == normal


def test_many_titles_fold_alike() -> None:
    out = normalize_titles(np.array(["Chill!", "", "chill", "Chill!"], dtype=object))
    assert out.dtype == object
    assert list(out) == ["chill", "", "chill", "chill"]

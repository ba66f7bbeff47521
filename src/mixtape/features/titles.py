"""Playlist titles as the challenge's winners read them.

One normal form for every title mixtape compares (the ``title`` model, seeds,
the challenge files): lower case, accents removed, apostrophes dropped
("don't" -> "dont"), emoji, punctuation and symbols turned into spaces,
whitespace collapsed.  "Summer Hits ☀️!!" and "summer   hits" are the same
title; "Été" is "ete".  A title with nothing left (only emoji) normalises to "".
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_DROPPED = re.compile(r"['\u2019\u02bc`´]")
#: Anything that is not a letter or digit of some script (emoji, punctuation, symbols, "_").
_SEPARATORS = re.compile(r"[\W_]+")


def normalize_title(title: str | None) -> str:
    """``title`` in the one normal form used to match playlist titles ("" for none)."""
    if not title:
        return ""
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DROPPED.sub("", text)
    return " ".join(_SEPARATORS.sub(" ", text).split())


def normalize_titles(titles: np.ndarray) -> np.ndarray:
    """Each of ``titles`` normalised, as an object array (repeated titles folded once)."""
    folded: dict[str, str] = {}
    out = np.empty(len(titles), dtype=object)
    for i, t in enumerate(titles):
        key = str(t)
        if key not in folded:
            folded[key] = normalize_title(key)
        out[i] = folded[key]
    return out


__all__ = ["normalize_title", "normalize_titles"]

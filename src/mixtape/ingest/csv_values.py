"""Reading and checking the cells of a CSV row.

Each scalar field has a parser that returns a checked value or raises
:class:`BadValue` with a reason fit for a "line N: energy '1.7' is outside
[0, 1]" message; :class:`CellReader` applies them to the cells of a row.
List-looking cells (``['A', 'B']``) are split without ``eval``.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

#: Audio features that Spotify reports as a fraction in [0, 1].
UNIT_FEATURES = frozenset(
    (
        "danceability",
        "energy",
        "speechiness",
        "acousticness",
        "instrumentalness",
        "liveness",
        "valence",
    )
)


class BadValue(ValueError):
    """A cell that does not hold what its column promises; the text says why."""


def _number(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise BadValue("is not a number") from None
    if not math.isfinite(x):
        raise BadValue("is not a finite number")
    return x


def _integer(value: str, *, exact: bool = True) -> int:
    try:
        return int(value)
    except ValueError:
        x = _number(value)
    if exact and not x.is_integer():
        raise BadValue("is not a whole number")
    return round(x)


def _within(x: int, low: int, high: int) -> int:
    if not low <= x <= high:
        raise BadValue(f"is outside {low}..{high}")
    return x


def _bounded(value: str, low: int, high: int | None, *, exact: bool = True) -> int:
    """An integer in ``low..high`` (no upper bound when ``high`` is None)."""
    try:
        x = int(value)  # the usual case, without a detour through float
    except ValueError:
        x = _integer(value, exact=exact)
    if x < low or (high is not None and x > high):
        raise BadValue(f"is outside {low}..{high}" if high is not None else f"is below {low}")
    return x


def unit_value(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise BadValue("is not a number") from None
    if not 0.0 <= x <= 1.0:  # nan fails this too
        raise BadValue("is outside [0, 1]")
    return x


def finite_value(value: str) -> float:
    return _number(value)


def tempo_value(value: str) -> float:
    x = _number(value)
    if x < 0:
        raise BadValue("is negative")
    return x


_NOTES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def key_value(value: str) -> int:
    """Pitch class -1..11, from a number or a note name such as ``C#`` or ``Eb``."""
    try:
        number = int(value)
    except ValueError:
        pass
    else:
        return _within(number, -1, 11)
    text = value.strip().replace("♯", "#").replace("♭", "b")
    if text[:1].upper() in _NOTES and len(text) <= 2 and text[1:] in ("", "#", "b"):
        shift = {"": 0, "#": 1, "b": -1}[text[1:]]
        return (_NOTES[text[0].upper()] + shift) % 12
    return _within(_integer(value), -1, 11)


def mode_value(value: str) -> int:
    if value == "0" or value == "1":
        return int(value)
    text = value.strip().lower()
    if text in ("major", "minor"):
        return 1 if text == "major" else 0
    return _within(_integer(value), 0, 1)


def duration_value(value: str) -> int:
    return _bounded(value, 1, 2**31 - 1, exact=False)


def time_signature_value(value: str) -> int:
    """Beats per bar 0..7, also from ``"4/4"`` (the numerator)."""
    return _bounded(value.partition("/")[0], 0, 7)


def popularity_value(value: str) -> int:
    return _bounded(value, 0, 100, exact=False)


def count_value(value: str) -> int:
    return _bounded(value, 0, None, exact=False)


def small_count_value(value: str) -> int:
    """A track or disc number (a SMALLINT column)."""
    return _bounded(value, 0, 32767)


_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def isrc_value(value: str) -> str:
    """``"US-UM7-15-00123"`` -> ``"USUM71500123"``."""
    code = value.replace("-", "").replace(" ", "").upper()
    if not _ISRC.match(code):
        raise BadValue("is not an ISRC (CC-XXX-YY-NNNNN)")
    return code


_TRUE = frozenset(("1", "true", "t", "yes", "y", "1.0"))
_FALSE = frozenset(("0", "false", "f", "no", "n", "0.0"))


def bool_value(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("is not true/false or 1/0")


def year_value(value: str) -> int | None:
    """A release year; Spotify's ``0`` (unknown) reads as None."""
    year = _bounded(value, 0, 2100)
    return None if year == 0 else _within(year, 1000, 2100)


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def date_value(value: str) -> tuple[str | None, int | None]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> (date, year); ``0000`` -> (None, None)."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            year = dt.date.fromisoformat(value).year
        except ValueError:
            pass
        else:
            if 1000 <= year <= 2100:
                return value, year
    m = _DATE.match(value.strip())
    if not m:
        raise BadValue("is not a date like YYYY, YYYY-MM or YYYY-MM-DD")
    year_text, month, day = m.groups()
    year = int(year_text)
    if year == 0:
        return None, None
    _within(year, 1000, 2100)
    try:
        if day is not None:
            return dt.date(year, int(month), int(day)).isoformat(), year
        if month is not None:
            return f"{year:04d}-{_within(int(month), 1, 12):02d}", year
    except ValueError:
        raise BadValue("is not a valid calendar date") from None
    return year_text, year


#: The checked parser of each scalar field (text fields are kept as they are).
PARSERS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(UNIT_FEATURES, unit_value),
    "key": key_value,
    "mode": mode_value,
    "loudness": finite_value,
    "tempo": tempo_value,
    "duration_ms": duration_value,
    "time_signature": time_signature_value,
    "popularity": popularity_value,
    "followers": count_value,
    "track_number": small_count_value,
    "disc_number": small_count_value,
    "isrc": isrc_value,
    "explicit": bool_value,
    "year": year_value,
}


class CellReader:
    """Reads a row's scalar fields into a dict; nulls become None, a bad cell names its column."""

    def __init__(
        self, fields: Mapping[str, int], header: Sequence[str], nulls: Collection[str]
    ) -> None:
        self.header = header
        self.nulls = nulls
        self.cells = [(i, f, PARSERS[f]) for f, i in fields.items()]

    def read(self, row: Sequence[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        nulls = self.nulls
        i = -1
        try:
            for i, field, parse in self.cells:
                value = row[i]
                values[field] = None if value in nulls else parse(value)
        except BadValue as exc:
            raise BadValue(f"{self.header[i]} {row[i]!r} {exc}") from None
        return values


ASCII_SPACE = " \t\r\n"


def split_list(value: str) -> list[str]:
    """Items of a list-looking cell (``['A', "B's"]``); any other text is one item.

    Empty items are dropped, so ``['']`` and ``[]`` are no items at all.  Only
    ASCII white space is trimmed: names are identities, and a source may hold
    two artists that differ by a trailing no-break space.
    """
    # Fast path for the usual ['A', 'B'] written by Python: no escapes, no double quotes.
    if value[:2] == "['" and value[-2:] == "']":
        inner = value[2:-2]
        if '"' not in inner and "\\" not in inner:
            return [name for item in inner.split("', '") if (name := item.strip(ASCII_SPACE))]
    text = value.strip(ASCII_SPACE)
    if not (text.startswith("[") and text.endswith("]")):
        return [text] if text else []
    if not text[1:-1].strip(ASCII_SPACE):
        return []
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return [text]  # "[bsd.u]" is a name, not a list
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return [name for item in parsed if (name := item.strip(ASCII_SPACE))]
    return [text]


GENRE_LENGTH = 255  # the width of ``genres.name``


def split_genres(value: str, *, commas: bool) -> list[str]:
    """Genres from a list-looking cell, or a comma-separated one when ``commas``.

    Text longer than a genre name can be (255 characters) is not a genre and is dropped.
    """
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        genres = split_list(text)
    elif commas:
        genres = [g.strip() for g in text.split(",")]
    else:
        genres = [text]
    return [g for g in genres if g and len(g) <= GENRE_LENGTH]

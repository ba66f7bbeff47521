"""Spotify's fine genre names mapped to 15 coarse families.

``family_of("album rock") == "rock"``.  The mapping is written by hand as rules
plus exceptions (``docs/genre-families.md`` has the full reasoning and the
measured coverage).  A name is first *normalized*: casefolded, accents dropped,
hyphens/underscores/slashes and most punctuation turned into spaces, ``&`` and
``'n'`` read as "and", ``r&b``/``rnb`` unified; so "K-Pop", " k pop " and
"k-pop" are the same name.  Then, in order of precedence:

1. **Exceptions**: the whole normalized name is looked up in ``EXCEPTIONS``,
   names the rules below would get wrong ("techno kayo" is Japanese pop,
   "futurepop" is EBM-style EDM).
2. **Children's music**: a word that marks music made for children ("kids",
   "children", "nursery", "infantil" ...) sends the name to "other" whatever
   its style ("children's folk", "kindie rock").
3. **The head term**: the name is scanned for known *style terms*, single words
   or phrases of up to four words ("hip hop", "drum and bass", "bossa nova").
   The term that ends furthest right wins, the longer one on a tie: English
   genre names put the head last ("dance pop" is pop, "pop rap" is hip hop,
   "country rock" is rock), and a phrase that ends in the same word beats that
   word ("lovers rock" is reggae, "hip house" is EDM).  Words that are not terms
   (places, languages, "classic", "deep", "modern", "instrumental", "k", "j")
   are skipped, so locale prefixes never block the head ("swedish hip hop",
   "k-pop") and head-first Spanish or Portuguese names still find their style
   ("rock en espanol", "trap argentino").
4. **Compound words**: a word that is not a term but ends like one
   ("synthpop", "krautrock", "brostep", "goregrind") counts as a style term of
   that family, at its position.
5. **Weak terms**: instruments, ensembles and generic words ("fiddle",
   "piano", "orchestra", "choir", "musica") decide only when the name has no
   style term at all: "jazz orchestra" is jazz, "scottish fiddle" is folk,
   "american orchestra" is other.
6. **Fallback**: "other".

Families are styles, not markets: "latin" is the family of Latin American and
Spanish styles (salsa, cumbia, reggaeton, tango, samba, bossa nova, MPB ...),
while "latin pop" is pop and "latin jazz" jazz by the head rule, exactly as
"mexican pop" is pop.  Bossa nova is latin: it is a samba-derived Brazilian song
form, sung in Portuguese and shelved with MPB; its jazz readings are named
"bossa nova jazz" and go to jazz by the same head rule.  There is no classical
family: classical, opera, soundtracks, comedy, religious and functional music
(sleep, meditation) are honestly "other".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from mixtape.features.genre_terms import (
    ALIASES,
    CHILDREN_WORDS,
    EXCEPTIONS,
    STYLE_TERMS,
    SUFFIXES,
    WEAK_TERMS,
)
from mixtape.vocab import GENRE_FAMILIES, OTHER_FAMILY

#: The families, in the order tables and reports list them.
FAMILIES: tuple[str, ...] = GENRE_FAMILIES
OTHER = OTHER_FAMILY

_DROP = re.compile(r"[^a-z0-9&+\s]")


def normalize(genre: str) -> str:
    """The canonical form of a genre name: "K-Pop " -> "k pop", "R & B" -> "r&b"."""
    text = unicodedata.normalize("NFKD", genre.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DROP.sub(" ", text)
    tokens: list[str] = []
    for token in text.split():
        tokens.extend(ALIASES.get(token, (token,)))
    joined = " ".join(tokens)
    return re.sub(r"\br and b\b", "r&b", joined)


def _table(*sources: dict[str, str]) -> dict[tuple[str, ...], str]:
    """Parse term tables; a term listed twice is a mistake in this file."""
    out: dict[tuple[str, ...], str] = {}
    for source in sources:
        for family, text in source.items():
            for term in text.split(","):
                key = tuple(normalize(term).split())
                if key in out:
                    raise ValueError(f"genre term {' '.join(key)!r} is listed twice")
                if key:
                    out[key] = family
    return out


_ALL_TERMS = _table(STYLE_TERMS, WEAK_TERMS)  # checks the two tables do not overlap
_STYLE = _table(STYLE_TERMS)
_WEAK = _table(WEAK_TERMS)
_CHILDREN = frozenset(word.strip() for word in CHILDREN_WORDS.split(","))
_LONGEST = max(len(key) for key in _ALL_TERMS)


@dataclass(frozen=True)
class Decision:
    """Which family a name landed in, and by which rule."""

    genre: str
    normalized: str
    family: str
    rule: str  # "exception", "children", "head", "compound", "weak" or "fallback"
    term: str = ""

    def describe(self) -> str:
        """One line for people: ``'dance pop' -> pop (head term 'pop')``."""
        reasons = {
            "exception": "listed in EXCEPTIONS",
            "children": f"children's music ('{self.term}')",
            "head": f"head term '{self.term}': the rightmost style term wins",
            "compound": f"compound word '{self.term}' ends like a {self.family} term",
            "weak": f"only a weak term, '{self.term}' (instrument, ensemble or generic word)",
            "fallback": "no rule matched",
        }
        return f"'{self.genre}' -> {self.family} ({reasons[self.rule]})"


def _suffix_family(token: str) -> str | None:
    for suffix, family in SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return family
    return None


@lru_cache(maxsize=1 << 15)
def decide(genre: str) -> Decision:
    """The family of one genre name, with the rule that decided it (see module docs)."""
    name = normalize(genre)
    if name in EXCEPTIONS:
        return Decision(genre, name, EXCEPTIONS[name], "exception", name)
    tokens = name.split()
    for token in tokens:
        if token in _CHILDREN:
            return Decision(genre, name, OTHER, "children", token)
    # (end, length, family, term, rule) of every match; max() picks the head
    strong: list[tuple[int, int, str, str, str]] = []
    weak: list[tuple[int, int, str, str, str]] = []
    for start in range(len(tokens)):
        for length in range(1, min(_LONGEST, len(tokens) - start) + 1):
            key = tuple(tokens[start : start + length])
            end, term = start + length, " ".join(key)
            if key in _STYLE:
                strong.append((end, length, _STYLE[key], term, "head"))
            elif key in _WEAK:
                weak.append((end, length, _WEAK[key], term, "weak"))
            elif length == 1 and (family := _suffix_family(key[0])) is not None:
                strong.append((end, length, family, term, "compound"))
    for matches in (strong, weak):
        if matches:
            _, _, family, term, rule = max(matches)
            return Decision(genre, name, family, rule, term)
    return Decision(genre, name, OTHER, "fallback")


def family_of(genre: str) -> str:
    """The family (one of ``FAMILIES``) of a fine genre name: "indie pop" -> "pop"."""
    return decide(genre).family


def explain(genre: str) -> str:
    """Why ``genre`` maps where it does, in one line."""
    return decide(genre).describe()


def families_of(genres: Iterable[str]) -> list[str]:
    """The distinct families of some genre names, in order of first appearance."""
    seen: dict[str, None] = {}
    for genre in genres:
        seen.setdefault(family_of(genre), None)
    return list(seen)


@dataclass(frozen=True)
class Coverage:
    """How a list of genre names spreads over the families."""

    counts: dict[str, int]  # every family, in FAMILIES order
    total: int
    unmapped: tuple[str, ...]  # the names that landed in "other", sorted

    @property
    def mapped_share(self) -> float:
        """The share of names landing in a family other than "other"."""
        return (self.total - self.counts[OTHER]) / self.total if self.total else 0.0


def coverage(genres: Iterable[str]) -> Coverage:
    """Count the families of ``genres`` (duplicates count each time)."""
    counts: Counter[str] = Counter()
    unmapped: set[str] = set()
    for genre in genres:
        family = family_of(genre)
        counts[family] += 1
        if family == OTHER:
            unmapped.add(genre)
    total = sum(counts.values())
    return Coverage({f: counts[f] for f in FAMILIES}, total, tuple(sorted(unmapped)))

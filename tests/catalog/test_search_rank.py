"""The ranking of search candidates against its plain statement over lists of words.

``rank`` matches words inside the space-padded documents (its speed); the
reference below is the ranking as it was first written, over ``str.split()``
lists, with the primary artist's words looked up per track.  Both must give the
same order for every query and every set of documents folded like the index's.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mixtape.catalog.search_docs import fold
from mixtape.catalog.search_rank import FEATURED, Candidate, Query, parse_query, rank


def _ref_word_score(word: str, tokens: list[str], whole: bool) -> float:
    if word in tokens:
        return 1.0
    if whole:
        return 0.0
    shortest = 0
    for token in tokens:
        if token.startswith(word) and (not shortest or len(token) < shortest):
            shortest = len(token)
    return 0.5 + 0.3 * len(word) / shortest if shortest else 0.0


def _ref_score(query: Query, name: str, artists: str, primary: list[str]) -> float | None:
    title, credit = name.split(), artists.split()
    total = 0.0
    columns = ((True, True), (True, False), (False, True))
    for words, (in_name, in_artists) in zip(
        (query.words, query.title, query.artist), columns, strict=True
    ):
        for word in words:
            best = _ref_word_score(word, title, query.whole) if in_name else 0.0
            if in_artists and best < 1.0:
                found = _ref_word_score(word, credit, query.whole)
                if found > _ref_word_score(word, primary, query.whole):
                    found *= FEATURED
                best = max(best, 0.9 * found)
            if best == 0.0:
                return None
            total += best
    first = (query.words or query.title or ("",))[0]
    if title and title[0].startswith(first):
        total += 0.05
    return total - 0.01 * (len(title) + len(credit))


def _reference(query: Query, found: list[Candidate], limit: int) -> list[tuple[float, int]]:
    scored = []
    for track_id, name, artists, primary in found:
        score = _ref_score(query, name, artists, primary.split())
        if score is not None:
            scored.append((-score, track_id))
    return sorted(scored)[:limit]


# Few distinct stems, so words are often prefixes of one another and repeat; then any
# text at all (accents, punctuation, other scripts), folded as the documents are.
_STEMS = ["sky", "skyline", "skyl", "queen", "que", "q", "run", "runner", "the", "a", "é"]
_TEXT = st.one_of(
    st.lists(st.sampled_from(_STEMS), max_size=5).map(" ".join),
    st.text(max_size=30),
)


@st.composite
def _candidates(draw: st.DrawFn) -> list[Candidate]:
    out = []
    for track_id in range(draw(st.integers(0, 15))):
        name = fold(draw(_TEXT))
        credited = draw(st.lists(_TEXT, max_size=3))
        artists = fold(" ".join(credited))
        primary = fold(credited[0]) if credited else ""
        out.append((track_id, name, artists, primary))
    return out


_TYPED = st.one_of(
    st.lists(st.sampled_from([*_STEMS, "sk", "ru", "quee", "x"]), min_size=1, max_size=4).map(
        " ".join
    ),
    st.tuples(st.sampled_from(_STEMS), st.sampled_from(_STEMS)).map(" - ".join),
    st.text(min_size=1, max_size=20),
)


@settings(max_examples=400)
@given(found=_candidates(), typed=_TYPED, limit=st.integers(1, 20))
def test_rank_orders_as_the_word_list_reference(
    found: list[Candidate], typed: str, limit: int
) -> None:
    query = parse_query(typed)
    expected = _reference(query, found, limit)
    assert rank(query, found, limit) == [track_id for _, track_id in expected]


@given(found=_candidates(), typed=_TYPED)
def test_each_score_is_the_reference_score(found: list[Candidate], typed: str) -> None:
    """Not only the order: every kept candidate's score, to the last bit (ties keep
    breaking on track id the same way)."""
    from mixtape.catalog.search_rank import _score, _terms

    query = parse_query(typed)
    first = (query.words or query.title or ("",))[0]
    for _, name, artists, primary in found:
        got = _score(_terms(query), query.whole, first, name, artists, primary)
        assert got == _ref_score(query, name, artists, primary.split())


def test_a_word_typed_twice_and_words_inside_longer_ones() -> None:
    found: list[Candidate] = [
        (1, "skyline sky", "queen", "queen"),
        (2, "sky skyline", "the queen", "the"),
        (3, "skylines", "runner run", "runner run"),
    ]
    for typed in ("sky", "skyl", "sky sky", "queen - sky", "run", "que"):
        query = parse_query(typed)
        assert rank(query, found, 10) == [t for _, t in _reference(query, found, 10)]

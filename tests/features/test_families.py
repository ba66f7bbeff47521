"""Genre families: the required examples, normalization, precedence, properties."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixtape.features.families import (
    EXCEPTIONS,
    FAMILIES,
    coverage,
    decide,
    explain,
    families_of,
    family_of,
    normalize,
)

EXPECTED: dict[str, str] = {  # family -> names, comma-separated
    "rock": """
        album rock, j-rock, punk, grunge, emo, shoegaze, rockabilly, country rock, folk rock,
        pop punk, post-punk, australian indie, indie, britpop, power pop, krautrock, popgaze,
        rock en espanol, boston hardcore
    """,
    "hip hop": """
        trap, rap, gangster rap, drill, grime, pop rap, hip hop, hip-hop, swedish hip hop,
        german underground rap, g funk, trap latino, emo rap, chillhop, country rap
    """,
    "pop": """
        k-pop, indie pop, dance pop, electropop, j-pop, c-pop, cantopop, mandopop, opm, arab
        pop, turkish pop, latin pop, mexican pop, metropopolis, afrobeats, synthpop, schlager,
        hyperpop
    """,
    "jazz": """
        bebop, smooth jazz, big band, swing, latin jazz, bossa nova jazz, jazz orchestra,
        adult standards, hard bop
    """,
    "blues": """
        delta blues, chicago blues, boogie-woogie, jump blues, desert blues
    """,
    "country": """
        bluegrass, americana, outlaw country, honky tonk, country pop, old-time, western
        swing, bluegrass gospel
    """,
    "metal": """
        death metal, heavy metal, metalcore, djent, nu metal, black 'n' roll, german metal,
        deathcore, grindcore, goregrind, blackgaze
    """,
    "reggae": """
        ska, dub, dancehall, roots reggae, lovers rock, rock steady, ragga, calypso
    """,
    "folk": """
        folk, singer-songwriter, indie folk, chinese traditional, bouzouki, folklore
        argentino, traditional, celtic, scottish fiddle, fado
    """,
    "soul": """
        r&b, R & B, rnb, neo soul, motown, quiet storm, rhythm and blues, doo-wop, new jack
        swing, gospel, trap soul
    """,
    "EDM": """
        deep house, house, techno, trance, dubstep, drum and bass, drum & bass, drum 'n' bass,
        edm, electro house, big room, hip house, electronic, electronica, vintage french
        electronic, trip hop, intelligent dance music, brostep, indietronica, ambient, uk
        garage
    """,
    "dance": """
        disco, hi-nrg, eurodance, nu disco, italo dance, pop dance
    """,
    "latin": """
        bossa nova, salsa, reggaeton, latin, cumbia, bachata, tango, mpb, sertanejo, funk
        carioca, cumbia pop, sertanejo pop, pop reggaeton, regional mexican, samba-rock,
        musica llanera, flamenco
    """,
    "funk": """
        funk, p-funk, afrobeat, jazz funk, go-go, boogie
    """,
    "other": """
        classical, soundtrack, comedy, children's music, worship, opera, american orchestra,
        baroque, romantic era, choir, indie game soundtrack, children's folk, kindie rock,
        kids dance party, ambient worship, [], guidance, an unheard-of genre
    """,
}
CASES = [
    (" ".join(name.split()), family)  # undo the line wrapping
    for family, names in EXPECTED.items()
    for name in names.split(",")
] + [("", "other")]


@pytest.mark.parametrize(("genre", "family"), CASES)
def test_required_examples(genre: str, family: str) -> None:
    assert family_of(genre) == family, explain(genre)


def test_families_are_the_fifteen_in_order() -> None:
    assert FAMILIES == (
        "rock", "hip hop", "pop", "jazz", "blues", "country", "metal", "reggae", "folk",
        "soul", "EDM", "dance", "latin", "funk", "other",
    )  # fmt: skip
    assert set(EXPECTED) == set(FAMILIES)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("K-Pop", "k pop"),
        (" Indie  Pop ", "indie pop"),
        ("hip-hop", "hip hop"),
        ("HipHop", "hip hop"),
        ("R & B", "r&b"),
        ("Rock 'n' Roll", "rock and roll"),
        ("Forró", "forro"),
        ("música_popular/mineira", "musica popular mineira"),
    ],
)
def test_normalize(raw: str, canonical: str) -> None:
    assert normalize(raw) == canonical


def test_normalized_spellings_map_alike() -> None:
    assert family_of("K-Pop") == family_of("k pop") == family_of("k-pop") == "pop"
    assert family_of(" Indie  Pop ") == family_of("indie pop") == "pop"
    assert family_of("hip-hop") == family_of("hip hop") == family_of("Hip Hop") == "hip hop"
    assert family_of("REGGAETÓN") == "latin"


def test_head_term_decides_over_modifiers() -> None:
    assert decide("dance pop").term == "pop"
    assert decide("pop rap").term == "rap"
    # a phrase ending in the same word beats the word
    assert (decide("lovers rock").family, decide("lovers rock").term) == ("reggae", "lovers rock")
    # weak terms (instruments, ensembles) only speak when nothing else does
    assert decide("jazz piano").rule == "head"
    assert (decide("irish fiddle").rule, decide("irish fiddle").family) == ("weak", "folk")


def test_explain_names_the_rule() -> None:
    assert "head term 'pop'" in explain("dance pop")
    assert "EXCEPTIONS" in explain("techno kayo")
    assert "children" in explain("children's folk")
    assert "compound word 'synthpop'" in explain("synthpop")
    assert "weak term" in explain("american orchestra")
    assert "no rule matched" in explain("xyzzy")


def test_exceptions_are_normalized_and_valid() -> None:
    for name, family in EXCEPTIONS.items():
        assert normalize(name) == name
        assert family in FAMILIES


def test_families_of_is_distinct_in_order() -> None:
    genres = ["indie pop", "album rock", "k-pop", "trap", "classical", "dance pop", "rap"]
    assert families_of(genres) == ["pop", "rock", "hip hop", "other"]
    assert families_of([]) == []
    assert families_of(iter(["salsa", "salsa"])) == ["latin"]


def test_coverage_counts_every_family() -> None:
    cov = coverage(["indie pop", "k-pop", "classical", "trap"])
    assert list(cov.counts) == list(FAMILIES)
    assert (cov.total, cov.counts["pop"], cov.counts["other"]) == (4, 2, 1)
    assert cov.mapped_share == pytest.approx(0.75)
    assert cov.unmapped == ("classical",)
    assert coverage([]).mapped_share == 0.0


@given(st.text())
def test_any_text_maps_to_a_family_deterministically(text: str) -> None:
    family = family_of(text)
    assert family in FAMILIES
    assert family_of(text) == family
    decide.cache_clear()
    assert family_of(text) == family


@given(st.lists(st.sampled_from(["indie", "pop", "k", "rock", "jazz", "x", "-", " ", "&"])))
def test_token_soup_maps_to_a_family(parts: list[str]) -> None:
    assert family_of(" ".join(parts)) in FAMILIES


@pytest.mark.shared_data
def test_coverage_on_real_genre_names(shared_data: Path) -> None:
    """At least 80% of the 2,973 names in genres_summary.csv land outside "other"."""
    with (shared_data / "catalogs" / "genres_summary.csv").open(newline="") as f:
        names = [row["genres"] for row in csv.DictReader(f)]
    cov = coverage(names)
    assert cov.total == len(names) > 2_900
    assert 0.80 <= cov.mapped_share <= 1.0

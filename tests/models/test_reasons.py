"""Reasons that say something: distinctive shared traits, playlist counts, moods, clusters;
computed for the returned rows only."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from mixtape.errors import InputError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.reasons import FALLBACK
from mixtape.models.audio import AudioModel
from mixtape.models.base import Seeds
from mixtape.models.content import ContentModel
from mixtape.models.cooccurrence import CooccurrenceModel
from mixtape.models.cosine import CosineModel
from mixtape.models.feature_words import describe, trait_distribution
from mixtape.models.hybrid import HybridModel
from mixtape.models.mood import MoodModel, mood_word
from tests.factories.arrays import track_arrays
from tests.factories.tiny import Tiny

COL = {name: j for j, name in enumerate(AUDIO_COLUMNS)}
#: Rows of the metal group (75-149) made very acoustic: the seed and its match.
ACOUSTIC = (90, 91)
#: Words for instrumentalness, which the catalog below holds at 0 for every track.
INSTRUMENTAL_WORDS = ("instrumental", "sung")


@pytest.fixture(scope="module")
def flat(tiny: Tiny) -> TrackArrays:
    """The tiny catalog with instrumentalness 0 everywhere and two metal tracks (90, 91)
    as acoustic as folk: a constant feature and a shared extreme one."""
    audio = tiny.data.audio.copy()
    known = ~np.isnan(audio[:, COL["instrumentalness"]])
    audio[known, COL["instrumentalness"]] = 0.0
    audio[list(ACOUSTIC), COL["acousticness"]] = [0.99, 0.98]
    return dataclasses.replace(tiny.data, audio=audio, fingerprint="tiny-flat")


@pytest.mark.parametrize("model_class", [AudioModel, ContentModel])
def test_the_shared_extreme_is_named_and_the_constant_never(
    model_class: type[CosineModel], flat: TrackArrays
) -> None:
    model = model_class(index="exact").fit(flat)
    # What recommend would say of the match (content ranks it by genres first).
    assert "both very acoustic" in model.explain(Seeds.tracks([ACOUSTIC[0]]), [ACOUSTIC[1]])[0]
    for seeds in ([ACOUSTIC[0]], [0], [150, 160], [230]):
        for r in model.recommend(Seeds.tracks(seeds), 30):
            assert r.reason
            assert not any(word in r.reason for word in INSTRUMENTAL_WORDS), r.reason


@pytest.mark.parametrize("model_class", [AudioModel, ContentModel])
def test_with_several_seeds_a_row_is_compared_with_the_seed_most_like_it(
    model_class: type[CosineModel], flat: TrackArrays
) -> None:
    model = model_class(index="exact").fit(flat)
    seeds = Seeds.tracks([0, ACOUSTIC[0]])
    acoustic, dance = model.explain(seeds, [ACOUSTIC[1], 5])
    assert "both very acoustic, like 'Metal Song 90'" in acoustic
    assert "both very danceable" in dance and dance.endswith(", like 'Dance Pop Song 0'")
    assert model.explain(Seeds.tracks([ACOUSTIC[0]]), [ACOUSTIC[1]])[0].count("like") == 0


def test_a_typical_match_falls_back_to_an_honest_phrase(flat: TrackArrays) -> None:
    model = AudioModel(index="exact").fit(flat)
    reasons = {r.reason for r in model.recommend(Seeds.tracks([0]), 30)}
    assert FALLBACK in reasons or all(r.startswith("both ") for r in reasons)
    assert all(r == FALLBACK or r.startswith("both ") for r in reasons)


def test_cooccurrence_counts_the_shared_playlists_of_the_seed_that_added_most(
    tiny: Tiny,
) -> None:
    data = tiny.data
    model = CooccurrenceModel(backfill=False).fit(data)
    baskets = [set(data.playlists[p].indices.tolist()) for p in range(data.playlists.shape[0])]
    for seeds in ([0], [0, 80], [150, 230, 160]):
        recs = model.recommend(Seeds.tracks(seeds), 15)
        assert recs
        for r in recs:
            added = [float(model.similarity_[s, r.row]) for s in seeds]
            seed = seeds[int(np.argmax(added))]
            shared = sum(1 for b in baskets if seed in b and r.row in b)  # counted by hand
            playlists = "playlist" if shared == 1 else "playlists"
            assert r.reason == f"in {shared} {playlists} with '{data.names[seed]}'"
            assert shared >= 1


def test_the_format_before_reasons_is_refitted_not_misread(
    tiny_data: TrackArrays, tmp_path: Path
) -> None:
    model = AudioModel(index="exact").fit(tiny_data)
    path = tmp_path / "audio.npz"
    model.save(path)
    with np.load(path) as saved:
        old = {k: saved[k] for k in saved.files if not k.startswith("trait_")}
    old["format"] = np.array(2)
    np.savez(path, **old)
    with pytest.raises(InputError, match="state format 2"):
        AudioModel.load(path, tiny_data)


def test_reasons_are_computed_for_the_returned_rows_only(
    tiny_data: TrackArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    hybrid = HybridModel(content_params={"index": "exact"}).fit(tiny_data)
    explained: list[int] = []
    for part in (hybrid.cooc_, hybrid.content_):
        original = part.explain

        def spy(
            seeds: Seeds, rows: list[int], original: Callable[..., list[str]] = original
        ) -> list[str]:
            explained.extend(rows)
            return original(seeds, rows)

        monkeypatch.setattr(part, "explain", spy)
    recs = hybrid.recommend(Seeds.tracks([0, 160]), 7)
    assert len(recs) == 7
    assert set(explained) <= {r.row for r in recs}  # the parts ranked over 100 candidates
    assert all(r.reason for r in recs)


def test_mood_reasons_name_the_quadrant_and_the_distance(tiny_data: TrackArrays) -> None:
    assert [mood_word(0.8, 0.2), mood_word(0.3, 0.9), mood_word(0.1, 0.1)] == [
        "calm",
        "angry",
        "sad",
    ]
    model = MoodModel().fit(tiny_data)
    rec = model.recommend(Seeds.at(0.75, 0.2), 1)[0]
    v, e = (float(tiny_data.column(c)[rec.row]) for c in ("valence", "energy"))
    gap = np.hypot(v - 0.75, e - 0.2)
    assert rec.reason == f"calm (valence {v:.2f}, energy {e:.2f}), {gap:.2f} from the seed point"


def test_describe_names_the_furthest_traits_by_rank(tiny_data: TrackArrays) -> None:
    dist = trait_distribution(tiny_data)
    assert dist.names == AUDIO_COLUMNS
    median = np.nanmedian(tiny_data.audio, axis=0)
    assert describe(dist, median) == "close to the catalog average"
    loud_acoustic = median.copy()
    loud_acoustic[[COL["energy"], COL["acousticness"]]] = [0.99, 0.99]
    assert describe(dist, loud_acoustic) == "high energy, very acoustic"  # the furthest first
    assert describe(dist, loud_acoustic, most=1) == "high energy"
    loud_acoustic[COL["key"]] = 11  # a category, never named
    assert describe(dist, loud_acoustic) == "high energy, very acoustic"
    assert describe(dist, np.full(len(AUDIO_COLUMNS), np.nan), average="typical") == "typical"


def test_content_reasons_name_the_heaviest_shared_genres_and_the_seeds_era() -> None:
    genres = [[0, 1, 2, 3], [0, 1], [2, 3], [0], [4], [4], [4], [0, 4], [], [4]]
    year = [1994, 1990, 1999, 1995, 1993, np.nan, 1960, 1971, 1977, 2010]
    audio = np.full((10, 2), 0.5)
    audio[6] = np.nan  # no audio: neither "similar overall sound"
    names = ["rock", "jazz", "folk", "blues", "soul"]
    data = track_arrays(10, audio=audio, year=year, genres=genres, genre_names=names)
    model = ContentModel(index="exact").fit(data)
    # Jazz is rarer than rock: heavier; folk and blues weigh the same: the row's order.
    assert model.explain(Seeds.tracks([0]), [1, 2, 3, 4, 5, 6]) == [
        "shares genres jazz, rock; also from the 1990s",
        "shares genres folk, blues; also from the 1990s",
        "shares genre rock; also from the 1990s",
        "also from the 1990s",
        "similar overall sound",  # unknown year
        "similar era and popularity",  # no audio
    ]
    # Rock is in both seeds: now the heavier; their eras tie: the earlier one.
    assert model.explain(Seeds.tracks([0, 7]), [1, 8, 9]) == [
        "shares genres rock, jazz",
        "also from the 1970s",
        "shares genre soul",
    ]
    seven = ContentModel(index="exact", era_width=7).fit(data)
    assert seven.explain(Seeds.tracks([0]), [1, 2, 4]) == [
        "shares genres jazz, rock; also from the 1988–1994",
        "shares genres folk, blues",  # 1999
        "also from the 1988–1994",
    ]
    assert seven.explain(Seeds.tracks([0, 7]), [8]) == ["similar overall sound, like 'Song 0'"]

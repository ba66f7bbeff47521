"""hybrid: the blend, the cold-start fallback to content, refusals, persistence."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Seeds
from mixtape.models.controls import Controls
from mixtape.models.hybrid import HybridModel
from tests.factories.tiny import Tiny

CONTENT = {"index": "exact"}
COLD = "no playlist history for your seeds, so by sound and genre alone: "


@pytest.fixture(scope="module")
def hybrid(tiny_data: TrackArrays) -> HybridModel:
    return HybridModel(content_params=CONTENT).fit(tiny_data)


def test_cold_start_falls_back_to_content(tiny: Tiny, hybrid: HybridModel) -> None:
    seeds = Seeds.tracks([tiny.no_history])
    recs = hybrid.recommend(seeds, 10)
    content = hybrid.content_.recommend(seeds, 10)
    assert [r.row for r in recs] == [r.row for r in content]
    assert all(r.reason == COLD + c.reason for r, c in zip(recs, content, strict=True))
    assert recs[0].score == pytest.approx(1.0)  # content alone: alpha does not apply


def test_history_blends_cooccurrence_with_content(tiny: Tiny, hybrid: HybridModel) -> None:
    recs = hybrid.recommend(Seeds.tracks([0]), 10)
    assert {r.row for r in recs[:2]} == {1, 2}  # planted together in eight playlists
    assert recs[0].reason.startswith("in 8 playlists with 'Dance Pop Song 0'")
    assert all(tiny.group[r.row] == 0 for r in recs)
    assert not any(r.reason.startswith(COLD) for r in recs)
    assert all(0 < r.score <= 1 for r in recs)


def test_alpha_one_and_zero_reproduce_the_parts(tiny_data: TrackArrays, hybrid: HybridModel):
    seeds = Seeds.tracks([3, 4])
    only_cooc = HybridModel(alpha=1.0, content_params=CONTENT).fit(tiny_data)
    only_content = HybridModel(alpha=0.0, content_params=CONTENT).fit(tiny_data)
    cooc = hybrid.cooc_.recommend(seeds, 10)
    content = hybrid.content_.recommend(seeds, 10)
    assert [r.row for r in only_cooc.recommend(seeds, 10)] == [r.row for r in cooc]
    assert [r.row for r in only_content.recommend(seeds, 10)] == [r.row for r in content]


def test_seeds_without_history_feed_only_content(tiny: Tiny, hybrid: HybridModel) -> None:
    recs = hybrid.recommend(Seeds.tracks([tiny.no_history, 0]), 20)
    rows = {r.row for r in recs}
    assert not rows & {tiny.no_history, 0}
    assert any(r.reason.startswith("in ") and "with 'Dance Pop Song 0'" in r.reason for r in recs)
    assert not any("with 'Dance Pop Song 10'" in r.reason for r in recs)  # 10: in no playlist


def test_seed_with_neither_history_nor_features(tiny: Tiny, tiny_data: TrackArrays) -> None:
    # The bare track is in two playlists; drop them so it has nothing at all.
    playlists = sp.csr_matrix(tiny_data.playlists.toarray() * (np.arange(300) != tiny.bare))
    playlists.eliminate_zeros()
    data = dataclasses.replace(tiny_data, playlists=playlists, fingerprint="tiny-no-bare")
    fitted = HybridModel(content_params=CONTENT).fit(data)
    with pytest.raises(SeedError) as err:
        fitted.recommend(Seeds.tracks([tiny.bare]))
    assert str(err.value).startswith(
        "track 'Ambient Song 299' is in no playlist and has no features, so the hybrid model "
        "has nothing to go on"
    )
    # With another, usable seed the bare one is simply ignored.
    assert fitted.recommend(Seeds.tracks([tiny.bare, 0]), 5)


def test_controls_batch_and_save_load(
    tiny: Tiny, tiny_data: TrackArrays, hybrid: HybridModel, tmp_path: Path
) -> None:
    seeds = Seeds.tracks([0, 5])
    capped = hybrid.recommend(seeds, 10, Controls(max_per_artist=1, exclude=frozenset({1})))
    artists = [int(tiny_data.primary_artist[r.row]) for r in capped]
    assert len(artists) == len(set(artists)) == 10
    assert 1 not in {r.row for r in capped}
    queries = [seeds, Seeds.tracks([tiny.no_history])]
    assert hybrid.recommend_batch(queries, 7) == [hybrid.recommend(q, 7) for q in queries]
    hybrid.save(tmp_path / "hybrid.npz")
    loaded = HybridModel.load(tmp_path / "hybrid.npz", tiny_data)
    assert loaded.recommend(seeds, 10) == hybrid.recommend(seeds, 10)
    assert isinstance(registry.create("hybrid"), HybridModel)
    with pytest.raises(InputError, match="alpha"):
        HybridModel(alpha=1.5).fit(tiny_data)

"""The ``sonic`` model: cosine of standardized embeddings, its indexes, seeds without an
embedding, catalogs without any, and reasons that say what is true."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.errors import SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.models import cosine
from mixtape.models.base import Seeds
from mixtape.models.sonic import NO_EMBEDDINGS, SonicModel
from mixtape.search.hnsw import HNSWIndex
from mixtape.search.ivf import IVFIndex
from tests.factories.arrays import track_arrays
from tests.factories.tiny import Tiny


@pytest.fixture(scope="module")
def sonic(tiny_data: TrackArrays) -> SonicModel:
    return SonicModel(index="exact").fit(tiny_data)


def test_scores_are_the_cosine_of_the_standardized_embeddings(
    sonic: SonicModel, tiny: Tiny
) -> None:
    data = tiny.data
    rows = np.flatnonzero(data.has_sonic)
    values = data.sonic[rows].astype(np.float64)
    z = (values - values.mean(axis=0)) / values.std(axis=0)
    unit = z / np.linalg.norm(z, axis=1, keepdims=True)
    want = unit @ unit[np.searchsorted(rows, 0)]
    got = sonic.similarities(0)
    np.testing.assert_allclose(got[rows], want, atol=1e-5)
    assert np.isnan(got[~data.has_sonic]).all()

    recs = sonic.recommend(Seeds.tracks([0]), 10)
    order = rows[np.lexsort((rows, -np.round(want, 5)))]
    assert [r.row for r in recs] == [r for r in order.tolist() if r != 0][:10]
    assert all(tiny.group[r.row] == 0 for r in recs)  # its own group sounds alike


def test_a_seed_without_an_embedding_is_refused_naming_it(sonic: SonicModel, tiny: Tiny) -> None:
    row = int(tiny.no_features[0])
    with pytest.raises(SeedError) as err:
        sonic.recommend(Seeds.tracks([row]), 5)
    assert str(tiny.data.names[row]) in str(err.value)
    assert "has no sonic embedding" in str(err.value)
    assert "mixtape ingest audio" in (err.value.hint or "")
    # with another seed that has one, it is only skipped
    assert sonic.recommend(Seeds.tracks([row, 0]), 5)
    assert not sonic.can_serve(np.array([row])).any()


def test_without_embeddings_the_model_is_unavailable_and_says_what_to_run() -> None:
    data = track_arrays(20)
    assert SonicModel.available_on(data) == (False, NO_EMBEDDINGS)
    assert "mixtape ingest audio DIR" in NO_EMBEDDINGS
    model = SonicModel().fit(data)  # fitting works; any query says why it cannot answer
    with pytest.raises(SeedError, match="no track in the catalog has a sonic embedding"):
        model.recommend(Seeds.tracks([0]), 3)


def test_reasons_say_how_alike_and_name_a_shared_key() -> None:
    rng = np.random.default_rng(3)
    n = 60
    sonic = rng.standard_normal((n, 8)).astype(np.float32)
    sonic[1] = sonic[0] + 0.01  # a near twin of the seed
    audio = np.full((n, len(AUDIO_COLUMNS)), 0.5, dtype=np.float32)
    audio[:, AUDIO_COLUMNS.index("key")] = 3
    audio[:, AUDIO_COLUMNS.index("mode")] = 1
    audio[0, AUDIO_COLUMNS.index("key")] = 6
    audio[0, AUDIO_COLUMNS.index("mode")] = 0
    audio[1, AUDIO_COLUMNS.index("key")] = 6
    audio[1, AUDIO_COLUMNS.index("mode")] = 0
    data = track_arrays(n, audio=audio, sonic=sonic, fingerprint="keys")
    recs = SonicModel(index="exact").fit(data).recommend(Seeds.tracks([0]), n)
    twin = next(r for r in recs if r.row == 1)
    assert twin.reason.startswith("sounds alike (timbre, harmony, rhythm: 1.00)")
    assert "both in F♯ minor" in twin.reason
    far = recs[-1]
    assert far.score < 0.2 and far.reason.startswith("little alike in sound, the nearest left")
    middle = next(r for r in recs if 0.2 <= r.score < 0.5)
    assert middle.reason.startswith("somewhat alike in sound")
    assert "both in" not in far.reason  # D♯ major is not F♯ minor


@pytest.mark.parametrize("index", ["ivf", "hnsw"])
def test_approximate_indexes_reach_the_recall_target(index: str) -> None:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((30, 24))
    sonic = (centres[rng.integers(0, 30, 3_000)] + 0.7 * rng.standard_normal((3_000, 24))).astype(
        np.float32
    )
    data = track_arrays(3_000, sonic=sonic, fingerprint="sonic-3000")
    approx = SonicModel(index=index, n_threads=2).fit(data)
    assert isinstance(approx.ann_, IVFIndex if index == "ivf" else HNSWIndex)
    assert approx.ann_recall_ is not None and approx.ann_recall_ >= 0.99
    exact = SonicModel(index="exact").fit(data)
    queries = [Seeds.tracks([int(r)]) for r in rng.choice(3_000, 40, replace=False)]
    hits = [
        len({r.row for r in a} & {r.row for r in e}) / 10
        for a, e in zip(
            approx.recommend_batch(queries, 10), exact.recommend_batch(queries, 10), strict=True
        )
    ]
    assert np.mean(hits) >= 0.97


def test_auto_index_adds_inverted_lists_above_the_threshold(
    monkeypatch: pytest.MonkeyPatch, tiny_data: TrackArrays
) -> None:
    monkeypatch.setattr(cosine, "AUTO_ANN_ABOVE", 100)
    assert isinstance(SonicModel(n_threads=2).fit(tiny_data).ann_, IVFIndex)
    monkeypatch.setattr(cosine, "AUTO_ANN_ABOVE", 10_000)
    assert SonicModel(n_threads=2).fit(tiny_data).ann_ is None

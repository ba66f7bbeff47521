"""The two-stage ``rerank`` model: leak-free training, its saved state, and that it learns.

The contract suite (test_contract.py) checks it like every model on the tiny
catalog; here: the training playlists' held-out tracks never reach the
generators, the saved file holds LightGBM's text and no pickle, and on the
demo catalog's themed playlists the re-ranker beats its best generator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from mixtape.catalog import open_catalog
from mixtape.demo import generate, load_demo
from mixtape.errors import MixtapeError
from mixtape.evaluation.harness import evaluate
from mixtape.evaluation.playlists import catalog_playlists
from mixtape.evaluation.splits import parse_categories
from mixtape.features.arrays import TrackArrays
from mixtape.models import rerank
from mixtape.models.base import Recommender, Seeds
from mixtape.models.rerank import RerankModel
from mixtape.models.rerank_training import TrainingSplit
from mixtape.service import ArrayStore
from tests.factories.tiny import CONTRACT_PARAMS

PARAMS: dict[str, Any] = CONTRACT_PARAMS["rerank"]


def test_training_labels_never_reach_the_generators(
    tiny_data: TrackArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits: list[tuple[str, TrackArrays]] = []
    real_fit = Recommender.fit

    def spy(self: Recommender, data: TrackArrays) -> Recommender:
        fits.append((self.name, data))
        return real_fit(self, data)

    splits: list[TrainingSplit] = []
    real_splits = rerank.training_splits

    def keep(*args: Any, **kwargs: Any) -> list[TrainingSplit]:
        splits.extend(real_splits(*args, **kwargs))
        return splits

    monkeypatch.setattr(Recommender, "fit", spy)
    monkeypatch.setattr(rerank, "training_splits", keep)
    model = RerankModel(**PARAMS).fit(tiny_data)

    assert splits and fits[0] == ("rerank", tiny_data)
    generator_fits = fits[1:]
    training = [(name, data) for name, data in generator_fits if data is not tiny_data]
    serving = [name for name, data in generator_fits if data is tiny_data]
    names = list(rerank.DEFAULT_GENERATORS)
    assert set(names) <= {name for name, _ in training}
    assert set(names) <= set(serving)
    # Every training fit comes before every serving fit, on arrays without the hidden tracks.
    assert max(i for i, (_, d) in enumerate(generator_fits) if d is not tiny_data) < min(
        i for i, (_, d) in enumerate(generator_fits) if d is tiny_data
    )
    for _, data in training:
        baskets = sp.csr_matrix(data.playlists)
        for split in splits:
            row = baskets[split.playlist]
            present = set(row.indices[row.data != 0].tolist())
            assert not present & set(split.held_out.tolist())
            assert set(split.seeds) <= present
    assert len(splits) == tiny_data.playlists.shape[0] or len(splits) == PARAMS.get(
        "train_playlists", 1000
    )
    assert all(g.data_ is tiny_data for g in model.generators_)


@pytest.fixture(scope="module")
def model(tiny_data: TrackArrays) -> RerankModel:
    """Fitted once for the module; tests must not change it."""
    return RerankModel(**PARAMS).fit(tiny_data)


def test_the_saved_state_is_lightgbm_text_and_arrays_without_pickle(
    model: RerankModel, tiny_data: TrackArrays, tmp_path: Path
) -> None:
    path = tmp_path / "rerank.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as npz:
        text = npz["booster"].tobytes().decode("utf-8")
        assert text.startswith("tree")
        assert any(k.startswith("gen.ease.") for k in npz.files)
    loaded = RerankModel.load(path, tiny_data)
    seeds = Seeds.tracks([0, 20, 40])
    a, b = model.recommend(seeds, 50), loaded.recommend(seeds, 50)
    assert [(r.row, r.score, r.reason) for r in a] == [(r.row, r.score, r.reason) for r in b]


def test_feature_importances_name_every_feature(model: RerankModel) -> None:
    gains = model.feature_importances()
    assert {"ease_score", "hybrid_rank", "title_score", "cooc_best", "artist_share"} <= set(gains)
    assert list(gains.values()) == sorted(gains.values(), reverse=True)
    assert sum(gains.values()) > 0


def test_a_title_alone_is_served_through_the_title_generator(
    model: RerankModel, tiny_data: TrackArrays
) -> None:
    title = next(str(t) for t in tiny_data.playlist_names if str(t))
    recs = model.recommend(Seeds.titled(title), 20)
    assert len(recs) == 20
    assert any("titled like" in r.reason for r in recs)
    # A title alone is answered by the title generator's own list (see the model's notes).
    title_model = model.generators_[list(rerank.DEFAULT_GENERATORS).index("title")]
    assert [r.row for r in recs] == [r.row for r in title_model.recommend(Seeds.titled(title), 20)]
    with_tracks = model.recommend(Seeds.tracks([0, 20], title=title), 20)
    assert with_tracks and not {0, 20} & {r.row for r in with_tracks}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[TrackArrays, list[np.ndarray]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('rerank') / 'demo.db'}"
    catalog = open_catalog(url)
    load_demo(catalog, generate(seed=5, tracks=1_500, playlists=400))
    data = ArrayStore().arrays(catalog)
    playlists = catalog_playlists(catalog)
    catalog.dispose()
    return data, playlists


def test_the_reranker_beats_its_best_generator_on_the_demo(
    demo: tuple[TrackArrays, list[np.ndarray]],
) -> None:
    """About 5 s of CPU (seven fits, a ranker among them, and 360 queries): the one check
    that the ranker learns something its generators miss.  Without hybrid and rp3beta,
    whose fits are the slow ones here; ease and co-occurrence are the strongest."""
    data, playlists = demo
    generators = ["ease", "cooccurrence"]
    evaluation = evaluate(
        data,
        playlists,
        models=[*generators, "rerank"],
        categories=parse_categories("first-1,first-5,random-25"),
        per_category=40,
        seed=0,
        n=100,
        model_params={
            "rerank": {"generators": [*generators, "popular"], "depth": 100, "rounds": 50}
        },
    )
    overall = {r.model: r for r in evaluation.results if r.category == "all"}
    best = max(generators, key=lambda g: overall[g].ndcg)
    assert overall["rerank"].ndcg > overall[best].ndcg
    assert overall["rerank"].r_precision >= overall[best].r_precision


def test_generators_named_on_the_command_line_are_a_comma_separated_list() -> None:
    # `--param rerank.generators=ease,als,popular` arrives as one string.
    assert RerankModel(generators="ease, als,popular")._names() == ["ease", "als", "popular"]
    assert RerankModel(generators=["hybrid", "title"])._names() == ["hybrid", "title"]
    with pytest.raises(MixtapeError, match="bad rerank generators"):
        RerankModel(generators="ease,ease")._names()
    with pytest.raises(MixtapeError, match="bad rerank generators"):
        RerankModel(generators="ease,content")._names()

"""The contract every registered model keeps, checked on the tiny catalog.

Parametrized over ``registry.names()``: a model added to the registry is
checked here without anyone listing it.  Constructor parameters for the tiny
catalog come from ``CONTRACT_PARAMS`` in ``tests/factories/tiny.py``.
"""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import numpy as np
import pytest

from mixtape.errors import NotFittedError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Bound, Controls, allowed_mask
from tests.factories.tiny import CONTRACT_PARAMS, TOGETHER_TITLE, Tiny


def _offline(name: str) -> object:
    """The model's name, skipped (with the reason) when it needs the network or is unavailable."""
    cls = registry.model_class(name)
    ok, reason = cls.available()
    if cls.needs_network or not ok:
        why = reason or "it needs the network"
        return pytest.param(name, marks=pytest.mark.skip(reason=f"{name} model: {why}"), id=name)
    return name


MODELS = registry.names()
OFFLINE = [_offline(name) for name in MODELS]
SEED = Seeds.tracks([0])
PLAYLIST = Seeds.tracks([0, 20, 40])
QUERIES = [SEED, PLAYLIST, Seeds.tracks([80, 90]), Seeds.tracks([160])]


def make(name: str) -> Recommender:
    return registry.create(name, **CONTRACT_PARAMS.get(name, {}))


@pytest.fixture(scope="module", params=OFFLINE)
def fitted(request: pytest.FixtureRequest, tiny_data: TrackArrays) -> Recommender:
    """Each registered model, fitted once per module (tests must not change it)."""
    return make(request.param).fit(tiny_data)


def as_pairs(recs: list[Scored]) -> list[tuple[int, float]]:
    return [(r.row, r.score) for r in recs]


def assert_same(a: list[Scored], b: list[Scored]) -> None:
    assert [r.row for r in a] == [r.row for r in b]
    assert [r.score for r in a] == pytest.approx([r.score for r in b], rel=1e-5, abs=1e-6)


def test_the_registry_holds_the_vector_models_and_params_name_real_models() -> None:
    assert {"audio", "content", "content-equal", "mood"} <= set(MODELS)
    assert set(CONTRACT_PARAMS) <= set(MODELS), "CONTRACT_PARAMS names a model nobody registered"


@pytest.mark.parametrize("name", MODELS)
def test_every_model_says_what_its_score_means_under_its_own_name(name: str) -> None:
    cls = registry.model_class(name)
    assert cls.name == name
    assert cls.summary and cls.score_meaning
    assert "\n" not in cls.score_meaning


@pytest.mark.parametrize("name", OFFLINE)
def test_recommending_before_fit_raises(name: str) -> None:
    with pytest.raises(NotFittedError):
        make(name).recommend(SEED)


@pytest.mark.parametrize("name", OFFLINE)
def test_fit_returns_self(name: str, tiny_data: TrackArrays) -> None:
    model = make(name)
    assert model.fit(tiny_data) is model
    assert model.is_fitted


@pytest.mark.parametrize("name", OFFLINE)
def test_get_params_round_trips_init_args(name: str) -> None:
    model = make(name)
    params = model.get_params()
    expected = [p for p in inspect.signature(type(model).__init__).parameters if p != "self"]
    assert list(params) == expected
    for key, value in CONTRACT_PARAMS.get(name, {}).items():
        assert params[key] == value
    assert json.loads(json.dumps(params)) == params
    assert type(model)(**params).get_params() == params


def test_recommendations_are_ranked_rows_with_reasons(fitted: Recommender, tiny: Tiny) -> None:
    for seeds in (SEED, PLAYLIST):
        recs = fitted.recommend(seeds, 10)
        assert 0 < len(recs) <= 10
        rows = [r.row for r in recs]
        assert len(set(rows)) == len(rows)
        assert all(isinstance(r.row, int) and 0 <= r.row < tiny.data.n_tracks for r in recs)
        scores = [r.score for r in recs]
        assert all(math.isfinite(s) for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert all(isinstance(r.reason, str) and r.reason.strip() for r in recs)


def test_every_row_has_its_own_reason_single_or_batch(fitted: Recommender) -> None:
    queries = [*QUERIES, Seeds.at(0.2, 0.3)] if fitted.accepts_point else QUERIES
    batch = fitted.recommend_batch(queries, 40)
    for seeds, together in zip(queries, batch, strict=True):
        alone = fitted.recommend(seeds, 40)
        assert alone, seeds
        for rec in alone:
            assert isinstance(rec.reason, str) and rec.reason.strip(), (seeds, rec)
            assert "\n" not in rec.reason
        assert [r.reason for r in alone] == [r.reason for r in together]


def test_seeds_are_excluded_by_default(fitted: Recommender) -> None:
    for seeds in (SEED, PLAYLIST):
        rows = {r.row for r in fitted.recommend(seeds, 30)}
        assert not rows & set(seeds.rows)


def test_exclusions_are_honoured(fitted: Recommender) -> None:
    first = [r.row for r in fitted.recommend(PLAYLIST, 5)]
    again = fitted.recommend(PLAYLIST, 10, Controls(exclude=frozenset(first)))
    assert again
    assert not {r.row for r in again} & set(first)


def test_max_per_artist_is_honoured(fitted: Recommender, tiny: Tiny) -> None:
    recs = fitted.recommend(PLAYLIST, 8, Controls(max_per_artist=1))
    assert recs
    artists = [int(tiny.data.primary_artist[r.row]) for r in recs]
    assert len(set(artists)) == len(artists)


def test_min_and_max_filters_are_honoured(fitted: Recommender, tiny: Tiny) -> None:
    controls = Controls(bounds={"energy": Bound(min=0.5), "popularity": Bound(max=70)})
    recs = fitted.recommend(SEED, 10, controls)
    assert recs
    for r in recs:
        assert tiny.data.column("energy")[r.row] >= 0.5
        assert tiny.data.popularity[r.row] <= 70


def test_targets_pull_results_toward_the_target(fitted: Recommender, tiny: Tiny) -> None:
    energy = tiny.data.column("energy")
    plain = fitted.recommend(SEED, 10)
    pulled = fitted.recommend(
        SEED, 10, Controls(bounds={"energy": Bound(target=0.2)}, target_weight=5.0)
    )
    assert pulled

    def gap(recs: list[Scored]) -> float:
        return float(np.nanmean([abs(energy[r.row] - 0.2) for r in recs] or [1.0]))

    assert gap(pulled) <= gap(plain) + 1e-6


def test_asking_for_more_than_exists_returns_what_is_allowed(
    fitted: Recommender, tiny: Tiny
) -> None:
    data = tiny.data
    recs = fitted.recommend(SEED, data.n_tracks * 2)
    rows = [r.row for r in recs]
    allowed = allowed_mask(data, Controls(), SEED.rows)
    assert len(set(rows)) == len(rows) <= int(allowed.sum())
    assert all(allowed[row] for row in rows)

    few = np.array([20, 25, 30, 35, 40, 45])
    exclude = frozenset(set(range(data.n_tracks)) - set(few.tolist()))
    recs = fitted.recommend(SEED, 10, Controls(exclude=exclude))
    assert {r.row for r in recs} <= set(few.tolist())


def test_single_and_batch_agree(fitted: Recommender) -> None:
    queries = [*QUERIES, Seeds.at(0.2, 0.3)] if fitted.accepts_point else QUERIES
    controls = Controls(max_per_artist=2)
    batch = fitted.recommend_batch(queries, 7, controls)
    assert len(batch) == len(queries)
    for seeds, together in zip(queries, batch, strict=True):
        assert_same(fitted.recommend(seeds, 7, controls), together)


@pytest.mark.parametrize("name", OFFLINE)
def test_same_random_state_same_results(name: str, tiny_data: TrackArrays) -> None:
    a = make(name).fit(tiny_data)
    b = make(name).fit(tiny_data)
    for seeds in QUERIES:
        assert_same(a.recommend(seeds, 10), b.recommend(seeds, 10))


def test_save_and_load_round_trip(
    fitted: Recommender, tiny_data: TrackArrays, tmp_path: Path
) -> None:
    path = tmp_path / f"{fitted.name}.npz"
    fitted.save(path)
    loaded = registry.model_class(fitted.name).load(path, tiny_data)  # type: ignore[attr-defined]
    assert type(loaded) is type(fitted)
    assert loaded.get_params() == fitted.get_params()
    for seeds in QUERIES:
        assert_same(fitted.recommend(seeds, 10), loaded.recommend(seeds, 10))


def test_a_seed_the_model_cannot_serve_raises_seed_error(fitted: Recommender, tiny: Tiny) -> None:
    data = tiny.data
    servable = fitted.can_serve(np.arange(data.n_tracks))
    assert servable.shape == (data.n_tracks,)
    if (~servable).any():
        row = int(np.flatnonzero(~servable)[0])
        with pytest.raises(SeedError) as err:
            fitted.recommend(Seeds.tracks([row]), 5)
        assert str(err.value)
    else:  # a model that serves every track must really do so, cold tracks included
        for row in (tiny.bare, tiny.no_history, int(tiny.no_features[0])):
            fitted.recommend(Seeds.tracks([row]), 5)
    with pytest.raises(SeedError):
        fitted.recommend(Seeds.tracks([data.n_tracks + 5]), 5)


def test_point_seeds_need_a_model_that_accepts_them(fitted: Recommender) -> None:
    seeds = Seeds.at(0.2, 0.2)
    if fitted.accepts_point:
        assert fitted.recommend(seeds, 5)
    else:
        with pytest.raises(SeedError):
            fitted.recommend(seeds, 5)


def test_a_title_alone_needs_a_model_that_uses_titles(fitted: Recommender) -> None:
    seeds = Seeds.titled(TOGETHER_TITLE)
    if fitted.uses_title:
        recs = fitted.recommend(seeds, 5)
        assert len(recs) == 5 and all(r.reason for r in recs)
        assert_same(recs, fitted.recommend_batch([seeds], 5)[0])
    else:
        with pytest.raises(SeedError) as err:
            fitted.recommend(seeds, 5)
        assert err.value.field == "title" and "takes a title" in str(err.value)


def test_a_model_that_does_not_use_titles_ignores_one_given_with_tracks(
    fitted: Recommender,
) -> None:
    if fitted.uses_title:
        pytest.skip(f"the {fitted.name} model uses titles")
    titled = Seeds.tracks(PLAYLIST.rows, title="METAL")
    assert_same(fitted.recommend(titled, 10), fitted.recommend(PLAYLIST, 10))

"""The common request's shortcuts (one seed, no controls) give what the general code gives:
the controls, the seed checks, a single track's query and the reasons' unit words."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixtape.errors import SeedError
from mixtape.features.index import TrackIndex
from mixtape.features.reasons import _words
from mixtape.inputs import make_controls
from mixtape.models.audio import AudioModel
from mixtape.models.base import Recommender, Seeds
from mixtape.models.controls import Controls
from mixtape.models.seeding import refuse_unservable
from mixtape.search.query import Query
from tests.factories.tiny import Tiny
from tests.factories.vectors import structured


@pytest.mark.parametrize("all_versions", [False, True])
def test_no_controls_give_the_controls_the_general_path_builds(
    tiny: Tiny, all_versions: bool
) -> None:
    controls, warnings = make_controls(TrackIndex(tiny.data), all_versions=all_versions)
    assert warnings == []
    assert controls == Controls(
        exclude=frozenset(), max_per_artist=None, bounds={}, one_per_song=not all_versions
    )


@pytest.fixture(scope="module")
def audio(tiny: Tiny) -> AudioModel:
    return AudioModel().fit(tiny.data)


def _general_check(model: AudioModel, seeds: Seeds) -> str | None:
    """The seed checks without the shortcut: the error they raise, or None."""
    try:
        refuse_unservable(model, seeds, model.data_, "has none", "have none", "hint")
        Recommender._validate(model, seeds, model.data_)
    except SeedError as exc:
        return str(exc)
    return None


def test_the_seed_shortcut_refuses_what_the_general_checks_refuse(
    audio: AudioModel, tiny: Tiny
) -> None:
    n = tiny.data.n_tracks
    rng = np.random.default_rng(0)
    with_audio = np.flatnonzero(tiny.data.has_audio)
    cases = [(int(r),) for r in range(n)] + [
        (int(with_audio[0]), int(tiny.no_features[0])),
        tuple(int(r) for r in tiny.no_features[:3]),
        (int(with_audio[0]), n),
        (n + 5,),
        (-1, int(with_audio[1])),
    ]
    cases += [tuple(int(r) for r in rng.choice(n, 3, replace=False)) for _ in range(50)]
    for rows in cases:
        seeds = Seeds(rows=rows)
        want = _general_check(audio, seeds)
        try:
            audio._validate(seeds, audio.data_)
        except SeedError:
            assert want is not None, rows  # refused where the general checks refuse
        else:
            assert want is None, rows


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 5), p=st.integers(0, 999))
def test_a_single_track_query_is_the_general_query_of_its_parts(seed: int, p: int) -> None:
    index = structured(1_000, seed=seed)
    query = index.query([p])
    assert query.onehot is not None
    assert np.array_equal(query.onehot, np.concatenate(query.onehots).astype(np.float32))
    general = Query(query.dense, list(query.onehots), query.sparse)
    assert query.norm == general.norm  # the same float, not a close one
    assert int(index.group_of(np.array([p]))[0]) == int(
        np.searchsorted(index.group_bounds, p, side="right") - 1
    )
    assert np.array_equal(query.table, index.finish(general).table)


def test_unit_words_read_each_seed_value_as_the_unit_reads_it(audio: AudioModel) -> None:
    dist = audio.traits_
    texts, units = dist._code_words
    coded = [c for c, unit in enumerate(units) if unit is not None]
    codes = np.array([[coded[0], coded[-1]], [coded[0], -1], [coded[-1], coded[0]]])
    both = np.array(
        [
            [[120.4, 120.6], [181_000.0, 95_000.0]],
            [[120.4, 64.0], [0.0, 0.0]],
            [[181_000.0, 181_400.0], [-0.0, 80.0]],
        ]
    )
    want = []
    for row, values in zip(codes.tolist(), both.tolist(), strict=True):
        words = []
        for code, (a, b) in zip(row, values, strict=True):
            if code < 0:
                break
            sa, sb = units[code](a), units[code](b)  # type: ignore[misc]
            words.append(f"{texts[code]} ({sa})" if sa == sb else f"{texts[code]} ({sa} and {sb})")
        want.append(words)
    assert _words(dist, codes, both) == want

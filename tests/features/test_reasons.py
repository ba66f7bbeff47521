"""Distinctive reasons: only traits both tracks hold far from the catalog's usual value."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.features.arrays import AUDIO_COLUMNS
from mixtape.features.reasons import (
    FALLBACK,
    FeatureDistribution,
    distinctive_reason,
    distinctive_reasons,
    feature_distribution,
    shared_trait_lists,
    shared_traits,
)
from tests.factories.tiny import make_tiny

N = 1000
COL = {name: j for j, name in enumerate(AUDIO_COLUMNS)}


def _catalog() -> np.ndarray:
    """1,000 hand-made tracks: every scale spread evenly, except instrumentalness, which
    85% of tracks have at exactly 0 (the rest between 0.5 and 1)."""
    even = np.linspace(0.0, 1.0, N)
    values = np.tile(even[:, None], (1, len(AUDIO_COLUMNS)))
    values[:, COL["tempo"]] = np.linspace(70, 180, N)
    values[:, COL["loudness"]] = np.linspace(-20, -2, N)
    values[:, COL["duration_ms"]] = np.linspace(120_000, 420_000, N)
    values[:, COL["key"]] = np.arange(N) % 12
    values[:, COL["mode"]] = (np.arange(N) % 3 > 0).astype(float)
    values[:, COL["time_signature"]] = 4.0
    instrumental = np.zeros(N)
    instrumental[850:] = np.linspace(0.5, 1.0, N - 850)
    values[:, COL["instrumentalness"]] = instrumental
    return values


@pytest.fixture(scope="module")
def dist() -> FeatureDistribution:
    return FeatureDistribution.of(_catalog())


def _track(**values: float) -> np.ndarray:
    """A track at the catalog's median everywhere, except ``values``."""
    row = np.median(_catalog(), axis=0)
    for name, value in values.items():
        row[COL[name]] = value
    return row


def test_typical_tracks_get_the_fallback(dist: FeatureDistribution) -> None:
    seed, candidate = _track(), _track(energy=0.55)
    assert shared_traits(dist, seed, candidate) == []
    assert distinctive_reason(dist, seed, candidate) == FALLBACK


def test_a_value_nearly_every_track_shares_is_never_named(dist: FeatureDistribution) -> None:
    # instrumentalness 0: 85% of the catalog; its tie's mid-rank is near the middle.
    assert abs(dist.z(_track())[COL["instrumentalness"]]) < 0.5
    for value in (0.0, 0.01, 0.05):  # 0.01 ranks above the tie but is not "instrumental"
        seed = _track(instrumentalness=value, acousticness=0.97)
        candidate = _track(instrumentalness=value, acousticness=0.99)
        assert shared_traits(dist, seed, candidate) == ["both very acoustic"]


def test_a_rare_shared_value_is_named(dist: FeatureDistribution) -> None:
    seed, candidate = _track(instrumentalness=0.95), _track(instrumentalness=0.9)
    assert distinctive_reason(dist, seed, candidate) == "both instrumental"


def test_values_are_shown_with_their_unit(dist: FeatureDistribution) -> None:
    assert shared_traits(dist, _track(tempo=172.2), _track(tempo=171.8)) == ["both fast (172 BPM)"]
    assert shared_traits(dist, _track(tempo=72), _track(tempo=75)) == [
        "both slow (72 BPM and 75 BPM)"
    ]
    assert shared_traits(dist, _track(duration_ms=415_000), _track(duration_ms=400_000)) == [
        "both long (6:55 and 6:40)"
    ]


def test_a_value_without_a_number_is_named_without_one(dist: FeatureDistribution) -> None:
    # Ingest refuses non-finite numbers, but a catalog written by other tools may hold one.
    fast = shared_traits(dist, _track(tempo=np.inf), _track(tempo=171.8))
    assert fast == ["both fast"]
    assert shared_traits(dist, _track(duration_ms=np.inf), _track(duration_ms=np.inf)) == [
        "both long"
    ]


def test_opposite_sides_share_nothing(dist: FeatureDistribution) -> None:
    assert shared_traits(dist, _track(acousticness=0.98), _track(acousticness=0.02)) == []


def test_one_far_value_is_not_enough(dist: FeatureDistribution) -> None:
    assert shared_traits(dist, _track(energy=0.99), _track(energy=0.6)) == []


def test_at_most_two_traits_the_most_distinctive_first(dist: FeatureDistribution) -> None:
    seed = _track(energy=0.88, valence=0.999, danceability=0.95)
    candidate = _track(energy=0.9, valence=0.998, danceability=0.96)
    assert shared_traits(dist, seed, candidate) == ["both upbeat", "both very danceable"]
    assert shared_traits(dist, seed, candidate, limit=3)[2] == "both high energy"
    assert distinctive_reason(dist, seed, candidate) == "both upbeat and both very danceable"


def test_unknown_values_and_categories_are_never_named(dist: FeatureDistribution) -> None:
    seed = _track(energy=np.nan, key=11, mode=0, time_signature=4)
    candidate = _track(energy=0.99, key=11, mode=0, time_signature=4)
    assert shared_traits(dist, seed, candidate) == []


def test_mappings_of_named_values(dist: FeatureDistribution) -> None:
    seed = {"acousticness": 0.02, "loudness": -2.5}
    candidate = {"acousticness": 0.03, "loudness": -2.4, "tempo": 120.0}
    assert shared_traits(dist, seed, candidate) == ["both loud (-2 dB)", "both electric"]


def test_z_measures_rows_at_once(dist: FeatureDistribution) -> None:
    rows = np.stack([_track(), _track(energy=0.99), _track(energy=0.01)])
    z = dist.z(rows)[:, COL["energy"]]
    assert z[0] == pytest.approx(0.0, abs=0.01)
    assert z[1] > 1.5 and z[2] < -1.5


def test_distribution_of_a_catalog_uses_tracks_with_features() -> None:
    data = make_tiny().data
    dist = feature_distribution(data)
    assert dist.names == AUDIO_COLUMNS
    assert np.all(np.isfinite(dist.mean)) and np.all(np.isfinite(dist.quantiles))
    energy = data.audio[data.has_audio, COL["energy"]]
    assert dist.mean[COL["energy"]] == pytest.approx(float(np.mean(energy)), rel=1e-5)
    # Folk is the slowest group; high energy is shared by half the catalog, not distinctive.
    assert shared_traits(dist, data.audio[150], data.audio[151])[0].startswith("both slow (")
    assert "both high energy" not in shared_traits(dist, data.audio[75], data.audio[0], limit=13)


def test_many_candidates_at_once_match_one_by_one(dist: FeatureDistribution) -> None:
    seed = _track(acousticness=0.99, tempo=175.0)
    rows = np.stack([_track(acousticness=0.98), _track(tempo=178.0), _track(), seed])
    assert distinctive_reasons(dist, seed, rows) == [
        distinctive_reason(dist, seed, row) for row in rows
    ]
    assert distinctive_reasons(dist, seed, rows)[2] == FALLBACK
    assert distinctive_reasons(dist, seed, rows[:0]) == []


def test_constant_unknown_and_out_of_range_values() -> None:
    values = _catalog()
    values[:, COL["liveness"]] = np.nan  # a feature nobody has
    dist = FeatureDistribution.of(values)
    z = dist.z(np.stack([_track(time_signature=4, tempo=300), _track(time_signature=3, tempo=10)]))
    assert z[:, COL["time_signature"]].tolist() == [0.0, 0.0]  # constant: never far
    assert z[:, COL["liveness"]].tolist() == [0.0, 0.0]
    assert z[0, COL["tempo"]] > 1.5 and z[1, COL["tempo"]] < -1.5  # beyond the catalog's range


def _expected(
    dist: FeatureDistribution, seed: np.ndarray, rows: np.ndarray, limit: int, threshold: float
) -> list[list[str]]:
    """The shared traits computed from :meth:`FeatureDistribution.z` (numpy, all columns)
    and sorted in Python: what the compiled loop must give."""
    columns, traits = dist.named
    zs, z = dist.z(seed)[columns], dist.z(rows)[:, columns]
    out = []
    for row, zc in zip(rows, z, strict=True):
        found = sorted(
            (-min(abs(a), abs(b)), t)
            for t, (a, b) in enumerate(zip(zs.tolist(), zc.tolist(), strict=True))
            if abs(a) >= threshold and a * b > 0 and abs(b) >= threshold
        )
        words = []
        for _, t in found[:limit]:
            trait, j = traits[t], int(columns[t])
            text = "both " + (trait.high if zs[t] > 0 else trait.low)
            if trait.unit is not None:
                a, b = trait.unit(float(seed[j])), trait.unit(float(row[j]))
                text += f" ({a})" if a == b else f" ({a} and {b})"
            words.append(text)
        out.append(words)
    return out


def _tied() -> np.ndarray:
    """The catalog with big ties at the ends: 30% of tracks at valence 1, 15% at
    danceability 0 (a value there sits mid-tie by rank)."""
    values = _catalog()
    values[700:, COL["valence"]] = 1.0
    values[:150, COL["danceability"]] = 0.0
    return values


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize(("limit", "threshold"), [(2, 1.0), (3, 0.5), (0, 1.0)])
def test_the_compiled_traits_follow_z_exactly(tied: bool, limit: int, threshold: float) -> None:
    rng = np.random.default_rng(5)
    catalog = _tied() if tied else _catalog()
    dist = FeatureDistribution.of(catalog)
    rows = catalog[rng.integers(0, N, 400)].astype(np.float32).astype(np.float64)
    rows[::3] = catalog[[0, N - 1]].repeat(67, axis=0)[: len(rows[::3])]  # the extremes
    rows[::7, COL["tempo"]] = np.nan
    rows[::11, COL["energy"]] = np.inf
    rows[::13, COL["loudness"]] = -1e9
    rows[5] = np.nan
    for seed in rows[::37]:
        found = shared_trait_lists(
            dist,
            seed[None, :],
            np.zeros(1, dtype=np.int64),
            rows,
            np.arange(len(rows)),
            limit=limit,
            threshold=threshold,
        )
        assert found == _expected(dist, seed, rows, limit, threshold)


def test_each_row_is_compared_with_its_own_seed_in_any_column_order(
    dist: FeatureDistribution,
) -> None:
    rng = np.random.default_rng(6)
    values = _catalog()[rng.integers(0, N, 60)].astype(np.float32)
    seeds, nearest = np.array([3, 17, 40]), rng.integers(0, 3, 60)
    rows = np.arange(60)
    found = shared_trait_lists(dist, values, seeds, values, rows, nearest)
    for i in rows.tolist():
        seed = values[seeds[nearest[i]]].astype(np.float64)
        assert found[i] == _expected(dist, seed, values[i : i + 1].astype(np.float64), 2, 1.0)[0]
    # A distribution kept in another column order reads the same columns by name.
    order = rng.permutation(len(AUDIO_COLUMNS))
    names = tuple(AUDIO_COLUMNS[j] for j in order)
    shuffled = FeatureDistribution.of(_catalog()[:, order], names)
    assert (
        shared_trait_lists(shuffled, values, seeds, values, rows, nearest, names=AUDIO_COLUMNS)
        == found
    )

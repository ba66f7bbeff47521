"""The service layer: parsing user values, resolving seeds, caches, recommend and curate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from mixtape import fitting, service
from mixtape.catalog import open_catalog
from mixtape.errors import (
    CatalogError,
    InputError,
    ModelUnavailableError,
    SeedError,
    UnknownTrackError,
)
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.models import registry
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Bound, Controls, allowed_mask, select
from tests.features.test_build import add_track, write_small_catalog
from tests.features.test_index import hand_arrays
from tests.ingest.mpd_fixtures import fake_id

N = 30
IDS = [fake_id("svc", i) for i in range(N)]


def _audio(rng: np.random.Generator) -> np.ndarray:
    """Two clear sounds: rows < 20 quiet and acoustic, the rest loud and danceable."""
    audio = np.full((N, len(AUDIO_COLUMNS)), np.nan, dtype=np.float32)
    loud = np.arange(N) >= 20
    base = {
        "danceability": np.where(loud, 0.85, 0.2),
        "energy": np.where(loud, 0.9, 0.15),
        "loudness": np.where(loud, -4.0, -20.0),
        "speechiness": np.full(N, 0.05),
        "acousticness": np.where(loud, 0.05, 0.9),
        "instrumentalness": np.full(N, 0.1),
        "liveness": np.full(N, 0.1),
        "valence": np.where(loud, 0.8, 0.3),
        "tempo": np.where(loud, 125.0, 80.0),
    }
    for name, values in base.items():
        audio[:, AUDIO_COLUMNS.index(name)] = values + rng.normal(0, 0.02, N)
    audio[N - 1] = np.nan  # one track without features
    return audio


@pytest.fixture(scope="module")
def data() -> TrackArrays:
    tracks = [(IDS[i], f"Song {i}", [f"Artist {i % 6}"]) for i in range(N)]
    playlists = [(f"mpd:{p}", [(p + k) % N for k in range(0, 12, 2)]) for p in range(10)]
    return hand_arrays(
        tracks,
        playlists,
        audio=_audio(np.random.default_rng(0)),
        popularity=[float(i) for i in range(N)],
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- parsing ------------------------------------------------------------------------------


def test_parse_assignments() -> None:
    assert service.parse_assignments(["energy=0.8", " tempo = 120 "], "--target") == {
        "energy": 0.8,
        "tempo": 120.0,
    }


@pytest.mark.parametrize("item", ["energy", "energy=", "=0.5", "energy=high", "energy=nan"])
def test_bad_assignments_say_what_is_expected(item: str) -> None:
    with pytest.raises(InputError, match="bad --target"):
        service.parse_assignments([item], "--target")


def test_parse_params_coerces_values() -> None:
    assert service.parse_params(["k=20", "alpha=0.5", "auto=true", "metric=cosine", "x=none"]) == {
        "k": 20,
        "alpha": 0.5,
        "auto": True,
        "metric": "cosine",
        "x": None,
    }
    with pytest.raises(InputError, match="--param"):
        service.parse_params(["k"])


def test_bounds_merge_and_check() -> None:
    merged = service.bounds({"energy": 0.2}, {"energy": 0.9}, {"tempo": 120})
    assert merged == {"energy": Bound(min=0.2, max=0.9), "tempo": Bound(target=120)}
    with pytest.raises(InputError, match="above"):
        service.bounds({"energy": 0.9}, {"energy": 0.2})


def test_parse_mood() -> None:
    assert service.parse_mood("0.8, 0.3") == (0.8, 0.3)
    assert service.parse_mood(" Calm ") == (0.8, 0.2)
    with pytest.raises(InputError, match="between 0 and 1"):
        service.parse_mood("1.5,0.3")
    with pytest.raises(InputError, match="cannot read the mood"):
        service.parse_mood("0.5,x")


def test_read_refs_file_lines_and_json(tmp_path: Path) -> None:
    lines = write(tmp_path / "a.txt", "# my library\n\nspotify:track:X\n  Drake - One Dance \n")
    assert service.read_refs_file(lines) == ["spotify:track:X", "Drake - One Dance"]
    listed = write(tmp_path / "b.json", json.dumps(["A", {"track_id": "B"}, {"uri": "C"}]))
    assert service.read_refs_file(listed) == ["A", "B", "C"]
    output = write(tmp_path / "c.json", json.dumps({"recommendations": [{"track_id": "D"}]}))
    assert service.read_refs_file(output) == ["D"]
    with pytest.raises(InputError, match="bad JSON"):
        service.read_refs_file(write(tmp_path / "d.json", "[1,"))
    with pytest.raises(InputError, match="cannot read"):
        service.read_refs_file(tmp_path / "missing.txt")


# -- seeds ---------------------------------------------------------------------------------


def test_resolve_tracks_and_playlists(data: TrackArrays) -> None:
    got = service.resolve_seeds(
        data, service.SeedSpec(tracks=(IDS[3], "Artist 4 - Song 4", IDS[3]))
    )
    assert got.seeds.rows == (3, 4)  # repeats dropped, order kept
    assert got.track_ids == (IDS[3], IDS[4])
    assert service.resolve_seeds(data, service.SeedSpec(playlist="2")).seeds.rows == (
        2,
        4,
        6,
        8,
        10,
        12,
    )
    with pytest.raises(UnknownTrackError):
        service.resolve_seeds(data, service.SeedSpec(tracks=(IDS[3], "Nobody - Nothing")))


def test_seeds_file_skips_unknown_tracks_with_a_warning(data: TrackArrays, tmp_path: Path) -> None:
    path = write(tmp_path / "seeds.txt", f"{IDS[1]}\nNobody - Nothing\n{IDS[2]}\n")
    got = service.resolve_seeds(data, service.SeedSpec(seeds_file=path))
    assert got.track_ids == (IDS[1], IDS[2])
    assert len(got.warnings) == 1 and "Nobody - Nothing" in got.warnings[0]


def test_seeds_file_with_no_known_track_fails(data: TrackArrays, tmp_path: Path) -> None:
    path = write(tmp_path / "seeds.txt", "Nobody - Nothing\nNoone - Nowhere\n")
    with pytest.raises(UnknownTrackError, match="none of the 2 tracks"):
        service.resolve_seeds(data, service.SeedSpec(seeds_file=path))


def test_seed_kinds(data: TrackArrays) -> None:
    with pytest.raises(InputError, match="no seeds"):
        service.resolve_seeds(data, service.SeedSpec())
    with pytest.raises(InputError, match="only one kind"):
        service.resolve_seeds(data, service.SeedSpec(tracks=(IDS[0],), mood="0.5,0.5"))
    got = service.resolve_seeds(data, service.SeedSpec(mood="0.25,0.75"))
    assert got.seeds == Seeds.at(0.25, 0.75)
    assert got.mood == (0.25, 0.75) and got.track_ids == ()


# -- recommend -------------------------------------------------------------------------------


def test_recommend_maps_rows_to_records(data: TrackArrays, tmp_path: Path) -> None:
    exclude = write(tmp_path / "exclude.txt", f"{IDS[5]}\nNobody - Nothing\n")
    result = service.recommend(
        data,
        "random",
        service.SeedSpec(tracks=(IDS[0],)),
        n=N,
        exclude_file=exclude,
        max_per_artist=3,
        minimum={"popularity": 2},
    )
    assert result.model == "random"
    assert result.seeds == (IDS[0],)
    ids = [r.track_id for r in result.recommendations]
    assert IDS[0] not in ids and IDS[5] not in ids  # the seed and the excluded track
    assert IDS[1] not in ids  # popularity 1 < 2
    assert len(ids) == len(set(ids)) == 6 * 3  # at most 3 per artist, each has 4 left
    first = result.recommendations[0]
    row = IDS.index(first.track_id)
    assert first.name == f"Song {row}" and first.artists == (f"Artist {row % 6}",)
    assert any("Nobody - Nothing" in w for w in result.warnings)
    out = json.loads(json.dumps(result.as_dict()))
    assert set(out) >= {"model", "seeds", "recommendations"}
    assert set(out["recommendations"][0]) >= {"track_id", "name", "artists", "score", "reason"}


def test_recommend_popular_ranks_by_playlists(data: TrackArrays) -> None:
    if "popular" not in registry.names():
        pytest.skip("the popular model is not registered")
    result = service.recommend(data, "popular", service.SeedSpec(tracks=(IDS[0],)), n=3)
    counts = np.asarray(data.playlists.sum(axis=0)).ravel()
    scores = [counts[IDS.index(r.track_id)] for r in result.recommendations]
    assert scores == sorted(scores, reverse=True) and scores[0] == counts.max()


def test_recommend_errors(data: TrackArrays) -> None:
    seeds = service.SeedSpec(tracks=(IDS[0],))
    with pytest.raises(InputError, match="unknown model 'nope'"):
        service.recommend(data, "nope", seeds)
    with pytest.raises(InputError, match="has no parameter 'bogus'") as err:
        service.recommend(data, "random", seeds, params={"bogus": 1})
    assert "random_state" in str(err.value)
    with pytest.raises(InputError, match="-n must be at least 1"):
        service.recommend(data, "random", seeds, n=0)
    with pytest.raises(InputError, match="unknown attribute 'loudness'"):
        service.recommend(data, "random", seeds, target={"loudness": -5})
    with pytest.raises(SeedError, match="needs seed tracks"):
        service.recommend(data, "random", service.SeedSpec(mood="0.5,0.5"))


class _Fake(Recommender):
    """A model that counts its fits and saves state, for the cache tests."""

    name = "fake"
    summary = "A test model."
    score_meaning = "a fixed test score"
    fits: ClassVar[int] = 0
    ok: ClassVar[bool] = True

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    @classmethod
    def available(cls) -> tuple[bool, str]:
        return cls.ok, "" if cls.ok else "the test says no"

    def _fit(self, data: TrackArrays) -> None:
        type(self).fits += 1
        self.scores_ = self.weight * np.nan_to_num(data.popularity)

    def _state(self) -> dict[str, np.ndarray]:
        return {"scores": self.scores_}

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        self.scores_ = state["scores"]

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        mask = allowed_mask(self.data_, controls, seeds.rows)
        rows = np.arange(self.data_.n_tracks)
        picked = select(rows, self.scores_, n, self.data_, controls, mask)
        return [Scored(r, s, "fake") for r, s in picked]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[_Fake]:
    monkeypatch.setitem(registry.models(), "fake", _Fake)
    monkeypatch.setattr(_Fake, "fits", 0)
    return _Fake


def test_fitted_models_are_reused_in_memory(data: TrackArrays, fake: type[_Fake]) -> None:
    first = service.fitted_model(data, "fake", {"weight": 2.0})
    assert service.fitted_model(data, "fake", {"weight": 2.0}) is first
    assert service.fitted_model(data, "fake", {"weight": 3.0}) is not first
    assert fake.fits == 2


def test_fitted_models_are_reused_from_disk(
    sqlite_url: str, tmp_path: Path, fake: type[_Fake]
) -> None:
    catalog = open_catalog(sqlite_url)
    write_small_catalog(catalog)
    arrays = service.load_arrays(catalog)
    folder = tmp_path / "models"
    service.fitted_model(arrays, "fake", model_cache_dir=folder)
    (saved,) = folder.iterdir()
    assert arrays.fingerprint in saved.name
    fitting._models.clear()  # a new process
    again = service.fitted_model(arrays, "fake", model_cache_dir=folder)
    assert fake.fits == 1
    np.testing.assert_array_equal(again.scores_, np.nan_to_num(arrays.popularity))  # type: ignore[attr-defined]
    add_track(catalog, 7)
    newer = service.load_arrays(catalog)
    service.fitted_model(newer, "fake", model_cache_dir=folder)
    assert fake.fits == 2
    assert [p.name for p in folder.iterdir()] == [
        saved.name.replace(arrays.fingerprint, newer.fingerprint)
    ]
    catalog.dispose()


def test_unavailable_models_refuse_to_run(
    data: TrackArrays, fake: type[_Fake], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert service.availability("fake") == (True, "")
    assert service.availability("random") == (True, "")
    monkeypatch.setattr(_Fake, "ok", False)
    assert service.availability("fake") == (False, "the test says no")
    with pytest.raises(ModelUnavailableError, match="the fake model is unavailable"):
        service.recommend(data, "fake", service.SeedSpec(tracks=(IDS[0],)))


# -- arrays from a catalog ----------------------------------------------------------------------


def test_load_arrays_caches_until_the_catalog_changes(sqlite_url: str, tmp_path: Path) -> None:
    catalog = open_catalog(sqlite_url)
    with pytest.raises(CatalogError, match=r"no tracks; run `mixtape demo-data`"):
        service.load_arrays(catalog, tmp_path / "cache")
    write_small_catalog(catalog)
    first = service.load_arrays(catalog, tmp_path / "cache")
    assert first.n_tracks == 5
    assert service.load_arrays(catalog, tmp_path / "cache") is first
    assert (tmp_path / "cache" / f"arrays-{first.fingerprint}.npz").is_file()
    add_track(catalog, 3)
    second = service.load_arrays(catalog, tmp_path / "cache")
    assert second.n_tracks == 6
    catalog.dispose()


def test_recommend_from_a_catalog(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    write_small_catalog(catalog)
    result = service.recommend(catalog, "random", service.SeedSpec(tracks=("Alpha - Song One",)))
    catalog.dispose()
    assert result.seeds == (fake_id("track", 0),)
    assert len(result.recommendations) == 4
    by_id = {r.track_id: r for r in result.recommendations}
    assert by_id[fake_id("track", 1)].artists == ("Beta", "Alpha")  # primary first


# -- curate ------------------------------------------------------------------------------------


def test_curate_draws_in_proportion(data: TrackArrays) -> None:
    seeds = service.SeedSpec(tracks=(IDS[0], IDS[1], IDS[2], IDS[20], IDS[N - 1]))
    outcome = service.curate(data, seeds, n=8, params={"n_clusters": 2, "random_state": 0})
    result = outcome.result
    assert [c.seeds for c in result.clusters] == [3, 1]
    assert [c.drawn for c in result.clusters] == [6, 2]
    assert result.ignored_seeds == [IDS[N - 1]]  # no audio features
    assert len(outcome.recommendations) == 8
    out = json.loads(json.dumps(outcome.as_dict()))
    assert out["model"] == "clusters"
    assert out["seed_ids"] == list(seeds.tracks)
    assert {"track_id", "artists", "cluster"} <= set(out["playlist"][0])
    with pytest.raises(InputError, match="needs seed tracks"):
        service.curate(data, service.SeedSpec(mood="0.5,0.5"))

"""The facade and what it builds on: parsing user values, seeds, caches, recommend, curate."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from mixtape import inputs, service
from mixtape.catalog import open_catalog
from mixtape.errors import (
    CatalogError,
    InputError,
    ModelUnavailableError,
    NoCatalogError,
    SeedError,
    UnknownTrackError,
)
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.index import TrackIndex
from mixtape.fitting import FittedModels, availability
from mixtape.inputs import SeedSpec
from mixtape.library import Mixtape
from mixtape.models import registry
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Bound, Controls, allowed_mask, select
from mixtape.settings import load_settings
from tests.factories.arrays import hand_arrays
from tests.factories.catalogs import add_track, write_small_catalog
from tests.factories.mpd import fake_id

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


@pytest.fixture(scope="module")
def index(data: TrackArrays) -> TrackIndex:
    return TrackIndex(data)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def mixtape_at(url: str, data_dir: Path) -> Mixtape:
    return Mixtape(load_settings({"MIXTAPE_DATA_DIR": str(data_dir)}, db_url=url))


# -- parsing ------------------------------------------------------------------------------


def test_parse_assignments() -> None:
    assert inputs.parse_assignments(["energy=0.8", " tempo = 120 "], "target") == {
        "energy": 0.8,
        "tempo": 120.0,
    }


@pytest.mark.parametrize("item", ["energy", "energy=", "=0.5", "energy=high", "energy=nan"])
def test_bad_assignments_say_what_is_expected(item: str) -> None:
    with pytest.raises(InputError, match="bad value") as err:
        inputs.parse_assignments([item], "target")
    assert err.value.field == "target"
    assert "--" not in str(err.value)  # the library names no command-line option


def test_parse_params_coerces_values() -> None:
    assert inputs.parse_params(["k=20", "alpha=0.5", "auto=true", "metric=cosine", "x=none"]) == {
        "k": 20,
        "alpha": 0.5,
        "auto": True,
        "metric": "cosine",
        "x": None,
    }
    with pytest.raises(InputError, match="expected NAME=VALUE") as err:
        inputs.parse_params(["k"])
    assert err.value.field == "param"


def test_bounds_merge_and_check() -> None:
    merged = inputs.bounds({"energy": 0.2}, {"energy": 0.9}, {"tempo": 120})
    assert merged == {"energy": Bound(min=0.2, max=0.9), "tempo": Bound(target=120)}
    with pytest.raises(InputError, match="above"):
        inputs.bounds({"energy": 0.9}, {"energy": 0.2})


def test_parse_mood() -> None:
    assert inputs.parse_mood("0.8, 0.3") == (0.8, 0.3)
    assert inputs.parse_mood(" Calm ") == (0.8, 0.2)
    with pytest.raises(InputError, match="between 0 and 1"):
        inputs.parse_mood("1.5,0.3")
    with pytest.raises(InputError, match="cannot read the mood"):
        inputs.parse_mood("0.5,x")


def test_read_refs_file_lines_and_json(tmp_path: Path) -> None:
    lines = write(tmp_path / "a.txt", "# my library\n\nspotify:track:X\n  Drake - One Dance \n")
    assert inputs.read_refs_file(lines) == ["spotify:track:X", "Drake - One Dance"]
    listed = write(tmp_path / "b.json", json.dumps(["A", {"track_id": "B"}, {"uri": "C"}]))
    assert inputs.read_refs_file(listed) == ["A", "B", "C"]
    output = write(tmp_path / "c.json", json.dumps({"recommendations": [{"track_id": "D"}]}))
    assert inputs.read_refs_file(output) == ["D"]
    with pytest.raises(InputError, match="bad JSON"):
        inputs.read_refs_file(write(tmp_path / "d.json", "[1,"))
    with pytest.raises(InputError, match="cannot read"):
        inputs.read_refs_file(tmp_path / "missing.txt")


# -- seeds ---------------------------------------------------------------------------------


def test_resolve_tracks_and_playlists(index: TrackIndex) -> None:
    got = inputs.resolve_seeds(index, SeedSpec(tracks=(IDS[3], "Artist 4 - Song 4", IDS[3])))
    assert got.seeds.rows == (3, 4)  # repeats dropped, order kept
    assert got.track_ids == (IDS[3], IDS[4])
    assert inputs.resolve_seeds(index, SeedSpec(playlist="2")).seeds.rows == (2, 4, 6, 8, 10, 12)
    with pytest.raises(UnknownTrackError) as err:
        inputs.resolve_seeds(index, SeedSpec(tracks=(IDS[3], "Nobody - Nothing")))
    assert err.value.field == "track"
    with pytest.raises(InputError, match="not in the catalog") as err:
        inputs.resolve_seeds(index, SeedSpec(playlist="999"))
    assert err.value.field == "playlist"


def test_unknown_tracks_can_be_skipped_with_a_warning(index: TrackIndex) -> None:
    spec = SeedSpec(tracks=(IDS[1], "Nobody - Nothing", IDS[2]), skip_unknown=True)
    got = inputs.resolve_seeds(index, spec)
    assert got.track_ids == (IDS[1], IDS[2])
    assert len(got.warnings) == 1 and "Nobody - Nothing" in got.warnings[0]
    with pytest.raises(UnknownTrackError, match="none of the 2 seed tracks"):
        inputs.resolve_seeds(
            index, SeedSpec(tracks=("Nobody - Nothing", "Noone - Nowhere"), skip_unknown=True)
        )


def test_seed_kinds(index: TrackIndex) -> None:
    with pytest.raises(InputError, match="no seeds"):
        inputs.resolve_seeds(index, SeedSpec())
    with pytest.raises(InputError, match="only one kind"):
        inputs.resolve_seeds(index, SeedSpec(tracks=(IDS[0],), mood="0.5,0.5"))
    got = inputs.resolve_seeds(index, SeedSpec(mood="0.25,0.75"))
    assert got.seeds == Seeds.at(0.25, 0.75)
    assert got.mood == (0.25, 0.75) and got.track_ids == ()


def test_a_huge_reference_is_not_echoed_whole(index: TrackIndex) -> None:
    ref = "x" * 100_000
    with pytest.raises(UnknownTrackError) as err:
        inputs.resolve_seeds(index, SeedSpec(tracks=(ref,)))
    assert len(str(err.value)) < 300
    assert "…" in str(err.value)


# -- recommending over arrays ----------------------------------------------------------------


def test_recommend_maps_rows_to_records(data: TrackArrays, index: TrackIndex) -> None:
    result = service.recommend(
        data,
        index,
        FittedModels(),
        "random",
        SeedSpec(tracks=(IDS[0],)),
        n=N,
        options=service.Options(
            exclude=(IDS[5], "Nobody - Nothing"), max_per_artist=3, minimum={"popularity": 2}
        ),
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
    assert set(out) >= {"model", "seeds", "recommendations", "score_meaning"}
    assert set(out["recommendations"][0]) >= {"track_id", "name", "artists", "score", "reason"}


def test_recommend_popular_ranks_by_playlists(data: TrackArrays, index: TrackIndex) -> None:
    result = service.recommend(
        data, index, FittedModels(), "popular", SeedSpec(tracks=(IDS[0],)), n=3
    )
    counts = np.asarray(data.playlists.sum(axis=0)).ravel()
    scores = [counts[IDS.index(r.track_id)] for r in result.recommendations]
    assert scores == sorted(scores, reverse=True) and scores[0] == counts.max()


def test_playlist_counts_count_each_tracks_playlists(data: TrackArrays) -> None:
    expected = [data.playlists[:, row].count_nonzero() for row in range(data.n_tracks)]
    assert data.playlist_counts.tolist() == expected
    assert 0 in expected and max(expected) > 1  # the fixture has both kinds of track


@pytest.mark.parametrize(
    ("kwargs", "error", "message", "field"),
    [
        ({"model": "nope"}, InputError, "unknown model 'nope'", "model"),
        ({"params": {"bogus": 1}}, InputError, "has no parameter 'bogus'", "param"),
        ({"n": 0}, InputError, "at least 1", "n"),
        ({"n": -3}, InputError, "at least 1", "n"),
        ({"target": {"loudness": -5}}, InputError, "unknown attribute 'loudness'", "target"),
        ({"minimum": {"pitch": 3}}, InputError, "unknown attribute 'pitch'", "min"),
        ({"max_per_artist": 0}, InputError, "at least 1", "max_per_artist"),
        ({"tracks": (), "mood": "0.5,0.5"}, SeedError, "needs seed tracks", None),
        ({"tracks": (), "mood": "up"}, InputError, "cannot read the mood", "mood"),
    ],
)
def test_recommend_errors_name_their_input(
    facade: Mixtape,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
    field: str | None,
) -> None:
    call: dict[str, object] = {"model": "random", "tracks": ("Alpha - Song One",), **kwargs}
    with pytest.raises(error, match=message) as err:
        facade.recommend(**call)  # type: ignore[arg-type]
    assert getattr(err.value, "field", None) == field
    assert "--" not in str(err.value)  # no command-line option in library messages


class _Fake(Recommender):
    """A model that counts its fits and saves state, for the cache tests."""

    name = "fake"
    summary = "A test model."
    score_meaning = "a fixed test score"
    fits: ClassVar[int] = 0
    ok: ClassVar[bool] = True
    built: ClassVar[int] = 0
    gate: ClassVar[threading.Condition] = threading.Condition()

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight
        with self.gate:
            type(self).built += 1
            self.gate.notify_all()

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
    monkeypatch.setattr(_Fake, "built", 0)
    return _Fake


def test_fitted_models_are_reused_in_memory(data: TrackArrays, fake: type[_Fake]) -> None:
    models = FittedModels()
    first = models.get(data, "fake", {"weight": 2.0})
    assert models.get(data, "fake", {"weight": 2.0}) is first
    assert models.get(data, "fake", {"weight": 3.0}) is not first
    assert fake.fits == 2


def test_unavailable_models_refuse_to_run(
    data: TrackArrays, index: TrackIndex, fake: type[_Fake], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert availability("fake") == (True, "")
    assert availability("random") == (True, "")
    monkeypatch.setattr(_Fake, "ok", False)
    assert availability("fake") == (False, "the test says no")
    with pytest.raises(ModelUnavailableError, match="the fake model is unavailable"):
        service.recommend(data, index, FittedModels(), "fake", SeedSpec(tracks=(IDS[0],)))


def test_curate_draws_in_proportion(data: TrackArrays, index: TrackIndex) -> None:
    seeds = SeedSpec(tracks=(IDS[0], IDS[1], IDS[2], IDS[20], IDS[N - 1]))
    outcome = service.curate(
        data,
        index,
        FittedModels(),
        seeds,
        n=8,
        options=service.Options(params={"n_clusters": 2, "random_state": 0}),
    )
    result = outcome.result
    assert [c.seeds for c in result.clusters] == [3, 1]
    assert [c.drawn for c in result.clusters] == [6, 2]
    assert result.ignored_seeds == [IDS[N - 1]]  # no audio features
    assert len(outcome.recommendations) == 8
    out = json.loads(json.dumps(outcome.as_dict()))
    assert out["model"] == "clusters"
    assert out["seed_ids"] == list(seeds.tracks)
    assert {"track_id", "artists", "cluster"} <= set(out["playlist"][0])


# -- the facade over a catalog ----------------------------------------------------------------


@pytest.fixture
def facade(sqlite_url: str, tmp_path: Path) -> Iterator[Mixtape]:
    """A facade over the five-track catalog, with its own data folder."""
    catalog = open_catalog(sqlite_url)
    write_small_catalog(catalog)
    catalog.dispose()
    with mixtape_at(sqlite_url, tmp_path / "data") as mx:
        yield mx


def test_nothing_is_opened_or_created_until_needed(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "catalog.db"
    mx = mixtape_at(f"sqlite:///{path}", tmp_path / "data")
    assert mx.exists() is False
    with pytest.raises(NoCatalogError, match=r"no catalog at sqlite:///.*typo"):
        mx.stats()
    with pytest.raises(NoCatalogError):
        mx.recommend("random", tracks=("x",))
    assert not path.parent.exists()
    assert mx.cache_dir == tmp_path / "data" / "cache"
    assert mx.model_cache_dir == tmp_path / "data" / "cache" / "models"
    assert mx.catalog.url == f"sqlite:///{path}"  # opening for writing creates it
    assert mx.exists() and path.is_file()
    assert mx.stats().tracks == 0
    mx.close()


def test_recommend_from_a_catalog(facade: Mixtape) -> None:
    result = facade.recommend("random", tracks=("Alpha - Song One",))
    assert result.seeds == (fake_id("track", 0),)
    assert len(result.recommendations) == 4
    by_id = {r.track_id: r for r in result.recommendations}
    assert by_id[fake_id("track", 1)].artists == ("Beta", "Alpha")  # primary first


def test_track_details(facade: Mixtape) -> None:
    details = facade.track("Alpha - Song One").as_dict()
    assert details["track_id"] == fake_id("track", 0)
    assert details["name"] == "Song One"
    assert set(details["features"]) == set(AUDIO_COLUMNS)
    with pytest.raises(UnknownTrackError, match="did you mean") as err:
        facade.track("Alpha - Song Onee")
    assert err.value.field == "track"


def test_models_say_what_their_scores_mean(facade: Mixtape) -> None:
    infos = {m.name: m for m in facade.models()}
    assert set(infos) == set(registry.names())
    assert all(m.score for m in infos.values())
    assert infos["spotify"].needs_network and not infos["random"].needs_network
    assert "similarity" in infos["mood"].score


def test_arrays_are_cached_until_the_catalog_changes(facade: Mixtape) -> None:
    first = facade.arrays()
    assert first.n_tracks == 5
    assert facade.arrays() is first
    assert (facade.cache_dir / f"arrays-{first.fingerprint}.npz").is_file()
    add_track(facade.catalog, 3)
    assert facade.arrays().n_tracks == 6


def test_an_empty_catalog_says_what_to_do(sqlite_url: str, tmp_path: Path) -> None:
    with mixtape_at(sqlite_url, tmp_path) as mx:
        assert mx.catalog.url == sqlite_url  # an empty, migrated catalog
        with pytest.raises(CatalogError, match=r"no tracks; run `mixtape demo-data`"):
            mx.arrays()


def test_fitted_models_are_reused_from_disk(facade: Mixtape, fake: type[_Fake]) -> None:
    first = facade.fitted("fake")
    assert facade.fitted("fake") is first
    (saved,) = facade.model_cache_dir.iterdir()
    assert facade.arrays().fingerprint in saved.name
    facade.close()  # drops the caches and the engine; the files stay
    again = facade.fitted("fake")
    assert again is not first and fake.fits == 1
    np.testing.assert_array_equal(again.scores_, first.scores_)  # type: ignore[attr-defined]
    add_track(facade.catalog, 7)
    newer = facade.arrays()
    facade.fitted("fake")
    assert fake.fits == 2
    assert [p.name for p in facade.model_cache_dir.iterdir()] == [
        saved.name.replace(again.data_.fingerprint, newer.fingerprint)
    ]


def test_two_threads_asking_for_one_model_fit_it_once(facade: Mixtape, fake: type[_Fake]) -> None:
    facade.arrays()  # built beforehand: only the model is contended
    original_fit, original_get = _Fake._fit, FittedModels.get
    asked = [0]

    def counted_get(self: FittedModels, *args: Any, **kwargs: Any) -> Recommender:
        with _Fake.gate:
            asked[0] += 1
            _Fake.gate.notify_all()
        return original_get(self, *args, **kwargs)

    def slow_fit(self: _Fake, data: TrackArrays) -> None:
        # Hold the fit until the second caller has asked too.
        with self.gate:
            assert self.gate.wait_for(lambda: asked[0] >= 2, timeout=30)
        original_fit(self, data)

    got: list[Recommender] = []

    def ask() -> None:
        got.append(facade.fitted("fake"))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_Fake, "_fit", slow_fit)
        mp.setattr(FittedModels, "get", counted_get)
        threads = [threading.Thread(target=ask) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert fake.fits == 1
    assert len(got) == 2 and got[0] is got[1]


def test_parameters_are_checked_once_and_a_cached_model_is_not_rebuilt(
    data: TrackArrays, fake: type[_Fake], monkeypatch: pytest.MonkeyPatch
) -> None:
    models = FittedModels()
    first = models.get(data, "fake", {"weight": 2.0})
    built = fake.built  # one to check the parameters, one to fit
    assert models.get(data, "fake", {"weight": 2.0}) is first
    assert models.check("fake", {"weight": 2.0}) == models.check("fake", {"weight": 2.0})
    assert fake.built == built
    # Equal in Python, not to a model: 2 is checked (and fitted) on its own.
    assert models.get(data, "fake", {"weight": 2}) is not first
    with pytest.raises(InputError, match="no parameter 'bogus'") as err:
        models.check("fake", {"bogus": 1})
    assert err.value.field == "param"
    monkeypatch.setattr(fake, "ok", False)  # availability is asked on every call, cached or not
    with pytest.raises(ModelUnavailableError):
        models.get(data, "fake", {"weight": 2.0})


def test_close_releases_and_the_facade_reopens(facade: Mixtape) -> None:
    data = facade.arrays()
    engine = facade.catalog.engine
    facade.close()
    assert facade._catalog is None
    assert facade.catalog.engine is not engine  # a fresh engine on next use
    assert facade.arrays() is not data and facade.arrays().n_tracks == 5

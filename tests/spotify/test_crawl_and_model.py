"""Crawls (resumable, nothing fetched twice, nothing lost) and the spotify model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from mixtape.catalog import open_catalog, schema
from mixtape.catalog.db import Catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.errors import RateLimited
from mixtape.features.build import build_arrays
from mixtape.models.controls import Bound, Controls
from mixtape.models.spotify_model import SpotifyModel, tuning
from mixtape.records import TrackRecord
from mixtape.spotify import crawl, session
from mixtape.spotify.config import SpotifyConfig
from tests.factories.databases import NewCatalog
from tests.spotify.fake_server import FakeSpotify, Sleeper


def bare_catalog(url: str, fake: FakeSpotify) -> Catalog:
    """120 bare tracks (ids only) waiting to be enriched, in the empty catalog at ``url``."""
    cat = open_catalog(url)
    with cat.begin() as conn:
        BatchWriter(conn).upsert_tracks(
            [TrackRecord(name=None, spotify_id=t) for t in fake.data.order[:120]]
        )
    return cat


@pytest.fixture
def catalog(sqlite_url: str, fake: FakeSpotify) -> Catalog:
    cat = bare_catalog(sqlite_url, fake)
    yield cat
    cat.dispose()


def count(catalog: Catalog, table) -> int:  # type: ignore[no-untyped-def]
    with catalog.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


LOOKUPS = ("tracks-batch", "audio-features", "artists-batch")


def answered_ids(fake: FakeSpotify, endpoint: str) -> list[str]:
    return [i for q in fake.calls(endpoint, answered=True) for i in q["ids"].split(",")]


def test_enrich_stopped_at_any_request_resumes_with_nothing_fetched_twice_or_lost(
    tmp_path: Path,
    new_catalog: NewCatalog,
    config: SpotifyConfig,
    fake: FakeSpotify,
    sleeper: Sleeper,
) -> None:
    """An hour-long 429 at each request in turn: between track look-ups, audio
    features and artists, inside a batch or between batches."""
    clean = bare_catalog(new_catalog(tmp_path / "clean.db"), fake)
    fake.reset()
    with session.app_client(config, sleep=sleeper) as client:
        assert crawl.enrich(clean, client, tmp_path / "clean").finished
    clean.dispose()
    requests = fake.api_requests
    assert requests >= 6  # two batches: track look-ups, features and artists in each

    for n in range(requests):
        cat = bare_catalog(new_catalog(tmp_path / f"stop{n}.db"), fake)
        folder = tmp_path / f"stop{n}"
        fake.reset()
        fake.fail_at(n, 429, retry_after=3600)
        with session.app_client(config, sleep=sleeper) as client, pytest.raises(RateLimited):
            crawl.enrich(cat, client, folder)
        # Something is saved (and checkpointed) only once a request was answered.
        assert (folder / "enrich-checkpoint.jsonl").exists() == (n > 0)
        with session.app_client(config, sleep=sleeper) as client:
            result = crawl.enrich(cat, client, folder)
        assert result.finished, n
        for endpoint in LOOKUPS:  # both runs together
            ids = answered_ids(fake, endpoint)
            assert len(ids) == len(set(ids)), (n, endpoint)  # nothing fetched twice
        assert count(cat, schema.audio_features) == 120, n  # nothing lost
        with cat.connect() as conn:
            undated = conn.execute(
                select(func.count())
                .select_from(schema.tracks)
                .where(schema.tracks.c.release_date.is_(None))
            ).scalar()
            no_genres = conn.execute(
                select(func.count())
                .select_from(schema.artists)
                .where(schema.artists.c.id.notin_(select(schema.artist_genres.c.artist_id)))
            ).scalar()
            statuses = [r[0] for r in conn.execute(select(schema.ingests.c.status))]
        assert undated == 0 and no_genres == 0, n
        assert statuses == ["partial", "ok"], n
        assert not (folder / "enrich-checkpoint.jsonl").exists()
        cat.dispose()


def test_a_resumed_enrich_counts_what_earlier_runs_finished(
    catalog: Catalog, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    # Batch one: two track look-ups, features, artists; then batch two's first look-up.
    fake.fail_at(4, 429, retry_after=3600)
    with session.app_client(config, sleep=sleeper) as client, pytest.raises(RateLimited):
        crawl.enrich(catalog, client, config.folder)
    with session.app_client(config, sleep=sleeper) as client:
        result = crawl.enrich(catalog, client, config.folder)
    assert result.finished
    assert (result.skipped, result.todo, result.fetched) == (100, 20, 20)


def test_a_checkpoint_of_another_catalog_or_a_torn_line_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "cp.jsonl"
    first = crawl.Checkpoint(path, "sqlite:///a.db")
    first.add("tracks", ["x", "y"])
    first.add("features", ["x"])
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"step": "features", "keys": ["y"')  # a crash while appending
    again = crawl.Checkpoint(path, "sqlite:///a.db")
    assert again.resumed
    assert again.missing("tracks", ["x", "y", "z"]) == ["z"]
    assert again.missing("features", ["x", "y"]) == ["y"]
    other = crawl.Checkpoint(path, "sqlite:///b.db")
    assert not other.resumed and other.missing("tracks", ["x"]) == ["x"]
    other.add("tracks", ["q"])  # starts the file afresh for its own catalog
    assert not crawl.Checkpoint(path, "sqlite:///a.db").resumed


def test_enrich_with_everything_closed_still_fills_what_single_look_ups_give(
    catalog: Catalog, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    for endpoint in ("tracks-batch", "artists-batch", "audio-features"):
        fake.close(endpoint, 403)
    notes: list[str] = []
    with session.app_client(config, sleep=sleeper, notify=notes.append) as client:
        # Only a few tracks: single look-ups are slow.
        with catalog.begin() as conn:
            conn.execute(
                schema.tracks.delete().where(schema.tracks.c.key.notin_(fake.data.order[:3]))
            )
        result = crawl.enrich(catalog, client, config.folder)
    assert result.finished
    assert len(notes) == 3 and len(set(notes)) == 3
    assert count(catalog, schema.audio_features) == 0
    assert count(catalog, schema.albums) == 3


def test_a_failing_request_is_logged_and_counted(
    catalog: Catalog, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.fail("tracks-batch", 400)
    log = crawl.ErrorLog(config.folder / "enrich-errors.jsonl")
    with session.app_client(config, sleep=sleeper, on_error=log) as client:
        result = crawl.enrich(catalog, client, config.folder)
    assert log.count == 1
    assert result.errors == 1
    line = log.path.read_text(encoding="utf-8").splitlines()[0]
    assert '"status": 400' in line and "GET /v1/tracks" in line


def test_genre_crawl_writes_tracks_with_their_seed_genre(
    sqlite_url: str, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    cat = open_catalog(sqlite_url)
    with session.app_client(config, sleep=sleeper) as client:
        result = crawl.crawl_genres(cat, client, config.folder, per_genre=10)
    assert result.finished and result.fetched == 5
    assert count(cat, schema.track_genres) > 0
    assert count(cat, schema.audio_features) == count(cat, schema.tracks)
    cat.dispose()


def test_genre_crawl_stopped_at_any_request_resumes_with_nothing_fetched_twice_or_lost(
    tmp_path: Path,
    new_catalog: NewCatalog,
    config: SpotifyConfig,
    fake: FakeSpotify,
    sleeper: Sleeper,
) -> None:
    """Genre seeds, then per genre recommendations and their features; stop at each."""
    requests = 1 + 2 * len(fake.data.genres)
    for n in range(1, requests):  # a 429 on the genre seeds themselves saves nothing
        cat = open_catalog(new_catalog(tmp_path / f"genres{n}.db"))
        folder = tmp_path / f"stop{n}"
        fake.reset()
        fake.fail_at(n, 429, retry_after=3600)
        with session.app_client(config, sleep=sleeper) as client, pytest.raises(RateLimited):
            crawl.crawl_genres(cat, client, folder, per_genre=10)
        with session.app_client(config, sleep=sleeper) as client:
            result = crawl.crawl_genres(cat, client, folder, per_genre=10)
        assert result.finished, n
        seeds = [q["seed_genres"] for q in fake.calls("recommendations", answered=True)]
        assert sorted(seeds) == sorted(fake.data.genres), n  # each genre asked once
        ids = answered_ids(fake, "audio-features")
        assert len(ids) == len(set(ids)), n
        assert count(cat, schema.audio_features) == count(cat, schema.tracks) > 0, n
        cat.dispose()


def test_genre_crawl_on_a_closed_app_stops_with_the_message(
    sqlite_url: str, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.close("genre-seeds", 404)
    cat = open_catalog(sqlite_url)
    with session.app_client(config, sleep=sleeper) as client:
        result = crawl.crawl_genres(cat, client, config.folder)
    cat.dispose()
    assert not result.finished
    assert (
        result.stopped
        == "Spotify no longer lists genre seeds for this app; the genre crawl cannot run"
    )


def test_controls_map_to_spotify_tuning_parameters() -> None:
    controls = Controls(
        bounds={
            "energy": Bound(min=0.5, target=0.8),
            "popularity": Bound(max=60),
            "year": Bound(min=1990),
        }
    )
    assert tuning(controls) == {"min_energy": 0.5, "target_energy": 0.8, "max_popularity": 60}


def test_the_spotify_model_recommends_catalog_tracks_and_knows_when_closed(
    catalog: Catalog,
    env: dict[str, str],
    config: SpotifyConfig,
    fake: FakeSpotify,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert SpotifyModel.available() == (True, "")
    data = build_arrays(catalog)
    model = SpotifyModel().fit(data)
    seed = data.row_of()[fake.data.order[0]]
    from mixtape.models.base import Seeds

    recs = model.recommend(Seeds.tracks([seed]), 5, Controls(bounds={"energy": Bound(target=0.3)}))
    assert len(recs) == 5
    assert seed not in [r.row for r in recs]
    assert all(data.keys[r.row] in fake.data.tracks for r in recs)
    assert fake.calls("recommendations")[0]["target_energy"] == "0.3"
    assert np.all(np.diff([r.score for r in recs]) < 0)
    fake.close("recommendations", 403)
    from mixtape.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="no longer gives recommendations"):
        model.recommend(Seeds.tracks([seed]), 5)
    ok, reason = SpotifyModel.available()
    assert not ok and "closed" in reason

"""Crawls (resumable, nothing fetched twice, nothing lost) and the spotify model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from mixtape.catalog import open_catalog
from mixtape.catalog import schema as s
from mixtape.catalog.db import Catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.errors import RateLimited
from mixtape.features.build import build_arrays
from mixtape.models.controls import Bound, Controls
from mixtape.models.spotify_model import SpotifyModel, tuning
from mixtape.records import TrackRecord
from mixtape.spotify import crawl, session
from mixtape.spotify.config import SpotifyConfig
from tests.spotify.conftest import Sleeper
from tests.spotify.fake_server import FakeSpotify


@pytest.fixture
def catalog(tmp_path: Path, fake: FakeSpotify) -> Catalog:
    """120 bare tracks (ids only) waiting to be enriched."""
    cat = open_catalog(f"sqlite:///{tmp_path / 'catalog.db'}")
    with cat.begin() as conn:
        BatchWriter(conn).upsert_tracks(
            [TrackRecord(name=None, spotify_id=t) for t in fake.data.order[:120]]
        )
    yield cat
    cat.dispose()


def count(catalog: Catalog, table) -> int:  # type: ignore[no-untyped-def]
    with catalog.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_enrich_interrupted_by_a_long_rate_limit_resumes_without_refetching(
    catalog: Catalog, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    log = crawl.ErrorLog(config.folder / "enrich-errors.jsonl")
    with session.app_client(config, sleep=sleeper, on_error=log) as client:
        original = client.tracks

        calls = {"n": 0}

        def tracks(ids):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == 2:  # the second batch meets an hour-long 429
                fake.fail("tracks-batch", 429, retry_after=3600)
            return original(ids)

        client.tracks = tracks  # type: ignore[method-assign]
        with pytest.raises(RateLimited):
            crawl.enrich(catalog, client, config.folder)
    assert count(catalog, s.audio_features) == 50
    first = [q["ids"] for q in fake.calls("tracks-batch")]
    fake.reset()
    with session.app_client(config, sleep=sleeper) as client:
        result = crawl.enrich(catalog, client, config.folder)
    assert result.finished
    assert result.todo == 70 and result.fetched == 70  # the 50 saved need nothing
    again = [i for q in fake.calls("tracks-batch") for i in q["ids"].split(",")]
    saved_first = set(first[0].split(","))
    assert not saved_first & set(again)  # nothing saved was fetched twice
    assert count(catalog, s.audio_features) == 120  # nothing lost
    with catalog.connect() as conn:
        missing = conn.execute(
            select(func.count()).select_from(s.tracks).where(s.tracks.c.release_date.is_(None))
        ).scalar()
        kinds = [r[0] for r in conn.execute(select(s.ingests.c.status))]
    assert missing == 0
    assert kinds == ["partial", "ok"]
    assert count(catalog, s.artist_genres) > 0
    assert not (config.folder / "enrich-checkpoint.json").exists()


def test_enrich_with_everything_closed_still_fills_what_single_look_ups_give(
    catalog: Catalog, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    for endpoint in ("tracks-batch", "artists-batch", "audio-features"):
        fake.close(endpoint, 403)
    notes: list[str] = []
    with session.app_client(config, sleep=sleeper, notify=notes.append) as client:
        # Only a few tracks: single look-ups are slow.
        with catalog.begin() as conn:
            conn.execute(s.tracks.delete().where(s.tracks.c.key.notin_(fake.data.order[:3])))
        result = crawl.enrich(catalog, client, config.folder)
    assert result.finished
    assert len(notes) == 3 and len(set(notes)) == 3
    assert count(catalog, s.audio_features) == 0
    assert count(catalog, s.albums) == 3


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
    tmp_path: Path, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    cat = open_catalog(f"sqlite:///{tmp_path / 'genres.db'}")
    with session.app_client(config, sleep=sleeper) as client:
        result = crawl.crawl_genres(cat, client, config.folder, per_genre=10)
    assert result.finished and result.fetched == 5
    assert count(cat, s.track_genres) > 0
    assert count(cat, s.audio_features) == count(cat, s.tracks)
    cat.dispose()


def test_genre_crawl_on_a_closed_app_stops_with_the_message(
    tmp_path: Path, config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.close("genre-seeds", 404)
    cat = open_catalog(f"sqlite:///{tmp_path / 'genres.db'}")
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

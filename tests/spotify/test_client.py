"""The API client: paging, batch sizes, rate limits, 5xx back-off, closed endpoints."""

from __future__ import annotations

import pytest

from mixtape.errors import EndpointClosed, RateLimited
from mixtape.spotify import session
from mixtape.spotify.auth import Token
from mixtape.spotify.availability import known_closed
from mixtape.spotify.client import SpotifyClient
from mixtape.spotify.config import SpotifyConfig
from tests.spotify.fake_server import FakeSpotify, Sleeper


@pytest.fixture
def client(config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper):  # type: ignore[no-untyped-def]
    notices: list[str] = []
    with session.app_client(config, sleep=sleeper, notify=notices.append) as c:
        c.notices_seen = notices  # type: ignore[attr-defined]
        yield c


def test_saved_tracks_are_paged_50_at_a_time(
    config: SpotifyConfig, fake: FakeSpotify, signed_in: Token, sleeper: Sleeper
) -> None:
    pages: list[tuple[int, int]] = []
    with session.user_client(config, sleep=sleeper) as c:
        items = list(c.saved_tracks(on_page=lambda d, t: pages.append((d, t))))
    assert len(items) == 75
    assert pages == [(50, 75), (75, 75)]
    assert [q.get("limit") for q in fake.calls("me-tracks")] == ["50", "50"]


def test_batches_respect_the_api_limits(client: SpotifyClient, fake: FakeSpotify) -> None:
    ids = fake.data.order[:120]
    assert len(client.tracks(ids)) == 120
    assert len(client.audio_features(ids)) == 120
    assert len(client.albums(list(fake.data.albums))) == 40
    assert len(client.artists(list(fake.data.artists))) == 20
    sizes = {
        name: [len(q["ids"].split(",")) for q in fake.calls(name)]
        for name in ("tracks-batch", "audio-features", "albums-batch", "artists-batch")
    }
    assert sizes == {
        "tracks-batch": [50, 50, 20],
        "audio-features": [100, 20],
        "albums-batch": [20, 20],
        "artists-batch": [20],
    }


def test_a_429_is_honoured_then_succeeds(
    client: SpotifyClient, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.fail("tracks-batch", 429, times=2, retry_after=7)
    assert len(client.tracks(fake.data.order[:3])) == 3
    assert sleeper.waits == [7, 7]


def test_a_429_over_the_cap_stops_resumably(
    client: SpotifyClient, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.fail("tracks-batch", 429, retry_after=3600)
    with pytest.raises(RateLimited) as err:
        client.tracks(fake.data.order[:3])
    assert err.value.retry_after == 3600
    assert "again later" in str(err.value)
    assert sleeper.waits == []


def test_5xx_backs_off_exponentially(
    client: SpotifyClient, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.fail("artists-batch", 503, times=3)
    assert len(client.artists(list(fake.data.artists)[:2])) == 2
    assert sleeper.waits == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("status", [403, 404])
def test_closed_batch_endpoints_fall_back_to_single_look_ups(
    client: SpotifyClient, fake: FakeSpotify, config: SpotifyConfig, status: int
) -> None:
    fake.close("tracks-batch", status)
    assert len(client.tracks(fake.data.order[:3])) == 3
    assert len(client.tracks(fake.data.order[3:5])) == 2
    assert len(fake.calls("tracks-batch")) == 1  # detected once, then remembered
    assert len(fake.calls("tracks")) == 5
    assert client.notices_seen == [  # type: ignore[attr-defined]
        "Spotify no longer answers batch track look-ups for this app; "
        "looking tracks up one by one (slower)"
    ]
    assert "tracks-batch" in known_closed(config.folder)


def test_closed_audio_features_degrade_with_one_message(
    client: SpotifyClient, fake: FakeSpotify
) -> None:
    fake.close("audio-features", 403)
    assert client.audio_features(fake.data.order[:10]) == {}
    assert client.audio_features(fake.data.order[10:20]) == {}
    assert len(fake.calls("audio-features")) == 1
    assert client.notices_seen == [  # type: ignore[attr-defined]
        "Spotify no longer gives audio features to this app; "
        "features will come from your catalog files"
    ]


@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("recommendations", lambda c, f: c.recommendations(seed_tracks=f.data.order[:1])),
        ("genre-seeds", lambda c, f: c.genre_seeds()),
    ],
)
def test_closed_recommendations_and_genre_seeds_raise_once_reported(
    client: SpotifyClient, fake: FakeSpotify, endpoint: str, call
) -> None:  # type: ignore[no-untyped-def]
    fake.close(endpoint, 404)
    for _ in range(2):
        with pytest.raises(EndpointClosed) as err:
            call(client, fake)
    assert err.value.endpoint == endpoint
    assert len(fake.calls(endpoint)) == 1
    assert len(client.notices_seen) == 1  # type: ignore[attr-defined]


def test_closed_single_look_ups_stop_quietly(client: SpotifyClient, fake: FakeSpotify) -> None:
    fake.close("albums-batch", 403)
    fake.close("albums", 403)
    assert client.albums(list(fake.data.albums)[:3]) == {}
    assert len(client.notices_seen) == 2  # type: ignore[attr-defined]

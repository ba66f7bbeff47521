"""Sign-in: PKCE round trip, state check, refresh, invalid_grant, token files."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from mixtape.errors import ConfigError, LoginRequired, SpotifyError
from mixtape.spotify import auth, session
from mixtape.spotify.config import SpotifyConfig, load_config
from tests.spotify.fake_server import CLIENT_SECRET, FakeSpotify, Sleeper, browser


def test_pkce_login_round_trip_stores_a_0600_token(
    config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    token = session.sign_in(config, browser, timeout=10, sleep=sleeper)
    assert token.user == "testuser"
    assert token.refresh_token
    path = auth.TokenStore(config.folder).path("testuser")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auth.TokenStore(config.folder).current_user() == "testuser"
    assert token.access_token not in repr(token)
    assert token.refresh_token not in repr(token)


def test_a_redirect_with_the_wrong_state_is_rejected(
    config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    fake.wrong_state = True
    with pytest.raises(SpotifyError, match="wrong state"):
        session.sign_in(config, browser, timeout=10, sleep=sleeper)
    assert auth.TokenStore(config.folder).current_user() is None


def test_expired_access_tokens_are_refreshed_and_saved(
    config: SpotifyConfig, fake: FakeSpotify, signed_in: auth.Token, sleeper: Sleeper
) -> None:
    now = signed_in.expires_at + 10  # the clock says it expired
    user = auth.UserAuth(config, auth.TokenStore(config.folder), sleep=sleeper, clock=lambda: now)
    fresh = user.bearer()
    assert fresh != signed_in.access_token
    stored = auth.TokenStore(config.folder).load()
    assert stored.access_token == fresh
    assert stored.refresh_token == signed_in.refresh_token  # kept: Spotify sent none


def test_a_401_refreshes_once_and_retries(
    config: SpotifyConfig, fake: FakeSpotify, signed_in: auth.Token, sleeper: Sleeper
) -> None:
    fake.expire_access_tokens()
    with session.user_client(config, sleep=sleeper) as client:
        assert client.me()["id"] == "testuser"


def test_an_expired_refresh_token_says_to_log_in_again(
    config: SpotifyConfig, fake: FakeSpotify, signed_in: auth.Token, sleeper: Sleeper
) -> None:
    fake.expire_access_tokens()
    fake.expire_refresh_tokens()
    with session.user_client(config, sleep=sleeper) as client, pytest.raises(LoginRequired) as err:
        client.me()
    assert str(err.value) == auth.EXPIRED
    assert "six months" in str(err.value)


def test_not_signed_in_says_what_to_do(config: SpotifyConfig) -> None:
    with pytest.raises(LoginRequired, match="mixtape spotify login"):
        session.user_client(config)


def test_localhost_redirect_uris_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="loopback IP"):
        load_config(tmp_path, {"SPOTIFY_REDIRECT_URI": "http://localhost:8888/callback"})


def test_the_config_file_is_read_and_the_secret_masked(tmp_path: Path) -> None:
    (tmp_path / "spotify.toml").write_text(
        f'[spotify]\nclient_id = "abc"\nclient_secret = "{CLIENT_SECRET}"\n', encoding="utf-8"
    )
    config = load_config(tmp_path, {})
    assert config.client_id == "abc"
    assert config.client_secret == CLIENT_SECRET
    assert CLIENT_SECRET not in repr(config)
    assert config.redirect_uri == "http://127.0.0.1:8888/callback"


def test_client_credentials_for_catalog_look_ups(
    config: SpotifyConfig, fake: FakeSpotify, sleeper: Sleeper
) -> None:
    with session.app_client(config, sleep=sleeper) as client:
        found = client.tracks([fake.data.order[0]])
    assert list(found) == [fake.data.order[0]]


def test_no_secret_or_token_reaches_logs_or_output(
    config: SpotifyConfig,
    fake: FakeSpotify,
    sleeper: Sleeper,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    token = session.sign_in(config, browser, timeout=10, sleep=sleeper)
    fake.fail("me", 500, times=5)
    with session.user_client(config, sleep=sleeper) as client, pytest.raises(SpotifyError) as err:
        client.me()
    fake.expire_refresh_tokens()
    fake.expire_access_tokens()
    with session.user_client(config, sleep=sleeper) as client, pytest.raises(LoginRequired):
        client.me()
    out = capsys.readouterr()
    text = caplog.text + out.out + out.err + str(err.value) + repr(config) + repr(token)
    for secret in (CLIENT_SECRET, token.access_token, str(token.refresh_token)):
        assert secret not in text

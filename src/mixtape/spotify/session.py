"""Build configured clients: the signed-in user's, or the app's (client credentials)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from mixtape.spotify.auth import (
    AppAuth,
    Token,
    TokenStore,
    UserAuth,
    begin_login,
    exchange_code,
)
from mixtape.spotify.availability import Availability
from mixtape.spotify.client import Bearer, ErrorHook, SpotifyClient
from mixtape.spotify.config import SpotifyConfig, load_config
from mixtape.spotify.redirect import callback_server, wait_for_code
from mixtape.spotify.transport import Sleep


def config_for(data_dir: Path) -> SpotifyConfig:
    return load_config(data_dir)


def token_store(config: SpotifyConfig) -> TokenStore:
    return TokenStore(config.folder)


def user_client(
    config: SpotifyConfig,
    *,
    user: str | None = None,
    notify: Callable[[str], None] | None = None,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.time,
    on_error: ErrorHook | None = None,
) -> SpotifyClient:
    """A client acting for the signed-in user (PKCE tokens, refreshed when expired)."""
    config.require_client_id()
    auth = UserAuth(config, token_store(config), user, sleep=sleep, clock=clock)
    auth.token()  # fail now, with the login hint, rather than mid-way
    return _client(config, auth, notify, sleep, on_error)


def app_client(
    config: SpotifyConfig,
    *,
    notify: Callable[[str], None] | None = None,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.time,
    on_error: ErrorHook | None = None,
) -> SpotifyClient:
    """A client for catalog look-ups: the user's tokens when signed in, else the app's."""
    config.require_client_id()
    store = token_store(config)
    if store.current_user() is not None:
        return user_client(config, notify=notify, sleep=sleep, clock=clock, on_error=on_error)
    return _client(config, AppAuth(config, sleep=sleep, clock=clock), notify, sleep, on_error)


def _client(
    config: SpotifyConfig,
    auth: Bearer,
    notify: Callable[[str], None] | None,
    sleep: Sleep,
    on_error: ErrorHook | None,
) -> SpotifyClient:
    """A client whose 403s are remembered in the app's availability record."""
    return SpotifyClient(
        config,
        auth,
        availability=Availability(config.folder, notify),
        sleep=sleep,
        on_error=on_error,
    )


class _Static:
    """A bearer that never refreshes (just after sign-in)."""

    def __init__(self, access_token: str) -> None:
        self._access = access_token

    def bearer(self) -> str:
        return self._access

    def invalidate(self) -> None:
        pass


def sign_in(
    config: SpotifyConfig,
    open_url: Callable[[str], object],
    *,
    timeout: float = 300.0,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.time,
) -> Token:
    """The PKCE login, then ``/me`` to learn who signed in; stores the token (0600).

    Listens for the redirect, opens the authorize URL with ``open_url`` (in a
    thread: a browser opener may block), catches the code and exchanges it.
    """
    pending = begin_login(config, sleep)
    with callback_server(config) as server:
        opener = threading.Thread(target=open_url, args=(pending.url,), daemon=True)
        opener.start()
        code = wait_for_code(server, pending.state, timeout)
        opener.join(timeout=5)
    token = exchange_code(config, pending, code, sleep, clock())
    with SpotifyClient(config, _Static(token.access_token), sleep=sleep) as client:
        user = client.me()["id"]
    token = replace(token, user=user)
    token_store(config).save(token)
    return token

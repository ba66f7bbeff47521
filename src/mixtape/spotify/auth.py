"""Signing in: client credentials (catalog look-ups) and Authorization Code with PKCE.

The OAuth work (PKCE verifier and S256 challenge, ``state``, token requests,
refresh) is Authlib's; this module adds the per-user token files (mode 0600)
and messages that say what to do; :mod:`mixtape.spotify.redirect` catches the
loopback redirect and :func:`mixtape.spotify.session.sign_in` runs the whole flow.
"""

from __future__ import annotations

import contextlib
import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mixtape.atomic import replacing
from mixtape.errors import LoginRequired, SpotifyError
from mixtape.spotify.config import SCOPES, SpotifyConfig, mask
from mixtape.spotify.transport import DEFAULT_TIMEOUT, Sleep, make_transport

EXPIRED = (
    "your Spotify sign-in has expired (refresh tokens last six months); "
    "run `mixtape spotify login` again"
)
NOT_SIGNED_IN = "not signed in to Spotify"
LOGIN_HINT = "run `mixtape spotify login`"
EARLY = 60.0  # refresh this many seconds before the token expires


def _authlib() -> tuple[Any, type[Exception], Callable[..., str]]:
    """Authlib's httpx OAuth client, its error class and its token generator.

    Authlib 1.9 warns on import when the ``httpx2`` package is missing and it
    falls back to ``httpx`` (what we use): that warning is about Authlib's own
    future, not our code, so it is silenced here and only here (after Authlib's
    own import-time ``simplefilter("always")``, which this block also undoes).
    """
    with warnings.catch_warnings():
        import authlib.deprecate  # noqa: F401 - installs its filter inside this block

        warnings.filterwarnings("ignore", message="The httpx module is deprecated")
        from authlib.common.security import generate_token
        from authlib.integrations.httpx_client import OAuth2Client, OAuthError
    return OAuth2Client, OAuthError, generate_token


@dataclass(frozen=True)
class Token:
    """An access token (and for a user, a refresh token); secrets hidden from ``repr``."""

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    scope: str = ""
    user: str | None = None

    def __repr__(self) -> str:
        return (
            f"Token(access_token={mask(self.access_token)}, expires_at={self.expires_at:.0f}, "
            f"refresh_token={mask(self.refresh_token)}, user={self.user!r})"
        )

    def expired(self, now: float) -> bool:
        return now >= self.expires_at - EARLY

    @classmethod
    def from_oauth(cls, data: dict[str, Any], now: float, old: Token | None = None) -> Token:
        expires_at = data.get("expires_at") or now + float(data.get("expires_in", 3600))
        return cls(
            access_token=str(data["access_token"]),
            expires_at=float(expires_at),
            # Spotify may omit the refresh token on refresh: keep the one we had.
            refresh_token=data.get("refresh_token") or (old.refresh_token if old else None),
            scope=str(data.get("scope") or (old.scope if old else "")),
            user=old.user if old else None,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "expires_at": self.expires_at,
            "refresh_token": self.refresh_token,
            "scope": self.scope,
            "user": self.user,
        }


class TokenStore:
    """``<data_dir>/spotify/tokens-<user>.json`` (mode 0600) plus a pointer to the last user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, user: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in user)
        return self.folder / f"tokens-{safe}.json"

    @property
    def _current(self) -> Path:
        return self.folder / "current-user"

    def current_user(self) -> str | None:
        try:
            return self._current.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def save(self, token: Token) -> Path:
        if not token.user:
            raise ValueError("a stored token needs its user")
        path = self.path(token.user)
        with replacing(path, text=True, mode=0o600) as fh:  # a secret: private from the start
            json.dump(token.as_json(), fh)
        self._current.write_text(token.user, encoding="utf-8")
        return path

    def load(self, user: str | None = None) -> Token:
        user = user or self.current_user()
        if not user:
            raise LoginRequired(NOT_SIGNED_IN, hint=LOGIN_HINT)
        path = self.path(user)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Token(
                access_token=str(data["access_token"]),
                expires_at=float(data["expires_at"]),
                refresh_token=data.get("refresh_token"),
                scope=str(data.get("scope") or ""),
                user=str(data.get("user") or user),
            )
        except FileNotFoundError:
            raise LoginRequired(f"{NOT_SIGNED_IN} as {user}", hint=LOGIN_HINT) from None
        except (OSError, ValueError, KeyError, TypeError):
            raise LoginRequired(f"the token file {path} is unreadable", hint=LOGIN_HINT) from None

    def delete(self, user: str | None = None) -> str | None:
        """Forget a user's tokens; returns the user, or None when nobody was signed in."""
        user = user or self.current_user()
        if not user:
            return None
        with contextlib.suppress(FileNotFoundError):
            self.path(user).unlink()
        if self.current_user() == user:
            with contextlib.suppress(FileNotFoundError):
                self._current.unlink()
        return user


def _oauth(config: SpotifyConfig, sleep: Sleep, **kwargs: Any) -> Any:
    client_class, _, _ = _authlib()
    return client_class(
        client_id=config.require_client_id(),
        transport=make_transport(config.max_wait, sleep),
        timeout=DEFAULT_TIMEOUT,
        **kwargs,
    )


def _token_request(action: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
    """Run an Authlib token request; its errors become one line without the response body."""
    _, oauth_error, _ = _authlib()
    try:
        return dict(action())
    except oauth_error as exc:
        code = getattr(exc, "error", "") or "error"
        if code == "invalid_grant" and what == "refresh":
            raise LoginRequired(EXPIRED) from None
        if code == "invalid_client":
            raise SpotifyError(
                f"Spotify rejected the app's credentials during {what} ({code})",
                hint="check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET",
            ) from None
        raise SpotifyError(f"Spotify refused the {what} ({code})") from None
    except ValueError:  # not JSON: an error page
        raise SpotifyError(f"Spotify's accounts service gave a bad answer during {what}") from None


def client_credentials(config: SpotifyConfig, sleep: Sleep, now: float) -> Token:
    """An app token for catalog look-ups (no user)."""
    secret = config.require_secret()
    with _oauth(config, sleep, client_secret=secret) as client:
        data = _token_request(
            lambda: client.fetch_token(config.token_url, grant_type="client_credentials"),
            "client-credentials sign-in",
        )
    return Token.from_oauth(data, now)


def refresh(config: SpotifyConfig, token: Token, sleep: Sleep, now: float) -> Token:
    """A fresh access token from the refresh token (PKCE public client: no secret)."""
    if not token.refresh_token:
        raise LoginRequired(EXPIRED)
    with _oauth(config, sleep, token_endpoint_auth_method="none") as client:
        data = _token_request(
            lambda: client.refresh_token(config.token_url, refresh_token=token.refresh_token),
            "refresh",
        )
    return Token.from_oauth(data, now, old=token)


# -- the PKCE login ------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingLogin:
    url: str
    state: str
    verifier: str = field(repr=False)


def begin_login(config: SpotifyConfig, sleep: Sleep = time.sleep) -> PendingLogin:
    """The authorize URL (with S256 challenge and a random ``state``) and its verifier."""
    _, _, generate_token = _authlib()
    verifier = generate_token(64)
    with _oauth(
        config,
        sleep,
        redirect_uri=config.redirect_uri,
        scope=" ".join(SCOPES),
        code_challenge_method="S256",
    ) as client:
        url, state = client.create_authorization_url(config.authorize_url, code_verifier=verifier)
    return PendingLogin(url=url, state=state, verifier=verifier)


def exchange_code(
    config: SpotifyConfig, pending: PendingLogin, code: str, sleep: Sleep, now: float
) -> Token:
    with _oauth(
        config, sleep, redirect_uri=config.redirect_uri, token_endpoint_auth_method="none"
    ) as client:
        data = _token_request(
            lambda: client.fetch_token(
                config.token_url,
                grant_type="authorization_code",
                code=code,
                code_verifier=pending.verifier,
            ),
            "sign-in",
        )
    return Token.from_oauth(data, now)


# -- bearer providers ----------------------------------------------------------------------


class AppAuth:
    """Client-credentials tokens, fetched when needed and kept in memory."""

    def __init__(
        self,
        config: SpotifyConfig,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config, self.sleep, self.clock = config, sleep, clock
        self._token: Token | None = None

    def bearer(self) -> str:
        if self._token is None or self._token.expired(self.clock()):
            self._token = client_credentials(self.config, self.sleep, self.clock())
        return self._token.access_token

    def invalidate(self) -> None:
        self._token = None


class UserAuth:
    """A signed-in user's tokens from the store, refreshed (and saved) when expired."""

    def __init__(
        self,
        config: SpotifyConfig,
        store: TokenStore,
        user: str | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config, self.store, self.sleep, self.clock = config, store, sleep, clock
        self.user = user
        self._token: Token | None = None

    def token(self) -> Token:
        if self._token is None:
            self._token = self.store.load(self.user)
            self.user = self._token.user
        if self._token.expired(self.clock()):
            fresh = refresh(self.config, self._token, self.sleep, self.clock())
            self.store.save(fresh)
            self._token = fresh
        return self._token

    def bearer(self) -> str:
        return self.token().access_token

    def invalidate(self) -> None:
        if self._token is not None:
            self._token = replace(self._token, expires_at=0.0)

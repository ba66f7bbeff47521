"""Spotify for a signed-in web visitor: tokens held by the caller, never written to disk.

The CLI keeps one user's tokens in a file (:mod:`mixtape.spotify_ops`); a web
server keeps each visitor's :class:`~mixtape.spotify.auth.Token` in its
server-side session instead and passes it in.  A token refreshed on the way is
handed back through ``on_token`` so the session stores the new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mixtape.errors import InputError
from mixtape.library.browsing import Browsing

if TYPE_CHECKING:
    from mixtape.spotify.auth import PendingLogin, Token
    from mixtape.spotify.client import SpotifyClient
    from mixtape.spotify.config import SpotifyConfig
    from mixtape.spotify.library import ExportResult, ImportResult

OnToken = Callable[["Token"], None]


class _HeldToken:
    """A bearer over a token the caller holds: refreshed in memory when it expires."""

    def __init__(self, config: SpotifyConfig, token: Token, on_token: OnToken | None) -> None:
        self.config, self.token, self.on_token = config, token, on_token

    def bearer(self) -> str:
        from mixtape.spotify import auth

        if self.token.expired(time.time()):
            fresh = auth.refresh(self.config, self.token, time.sleep, time.time())
            self.token = replace(fresh, user=self.token.user)
            if self.on_token is not None:
                self.on_token(self.token)
        return self.token.access_token

    def invalidate(self) -> None:
        self.token = replace(self.token, expires_at=0.0)


@dataclass(frozen=True)
class LibraryImport:
    """A visitor's saved tracks imported: the match report and the catalog keys, in order."""

    result: ImportResult
    keys: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**self.result.as_dict(), "keys": list(self.keys)}


class SpotifyWeb(Browsing):
    """Sign-in, import and export for a caller that holds the visitor's token."""

    def spotify_web_config(self, redirect_uri: str | None = None) -> SpotifyConfig:
        """The app's Spotify settings; ``redirect_uri`` replaces the configured one."""
        from mixtape.spotify import config as spotify_config
        from mixtape.spotify import session

        found = session.config_for(self.settings.data_dir)
        if redirect_uri is not None:
            found = replace(found, redirect_uri=spotify_config.check_redirect_uri(redirect_uri))
        found.require_client_id()
        return found

    def spotify_begin_login(self, redirect_uri: str) -> PendingLogin:
        """The authorize URL (PKCE S256 challenge, random ``state``) and its verifier."""
        from mixtape.spotify import auth

        return auth.begin_login(self.spotify_web_config(redirect_uri))

    def spotify_finish_login(self, pending: PendingLogin, code: str, redirect_uri: str) -> Token:
        """Exchange the code (with the verifier) for tokens and learn the user's id."""
        from mixtape.spotify import auth

        config = self.spotify_web_config(redirect_uri)
        token = auth.exchange_code(config, pending, code, time.sleep, time.time())
        with self._client(config, token, None) as client:
            user = str(client.me()["id"])
        return replace(token, user=user)

    def _client(
        self, config: SpotifyConfig, token: Token, on_token: OnToken | None
    ) -> SpotifyClient:
        from mixtape.spotify.availability import Availability
        from mixtape.spotify.client import SpotifyClient

        return SpotifyClient(
            config, _HeldToken(config, token, on_token), availability=Availability(config.folder)
        )

    def spotify_import_saved(self, token: Token, on_token: OnToken | None = None) -> LibraryImport:
        """The visitor's saved tracks into the catalog (playlist ``spotify-library:USER``)."""
        from mixtape.spotify import library

        config = self.spotify_web_config()
        with self._client(config, token, on_token) as client:
            result = library.import_library(self.catalog, client)
        self._store.expire()  # this process changed the catalog: check it on the next call
        keys = tuple(t.track_id for t in self.playlist(result.playlist_key).tracks)
        return LibraryImport(result=result, keys=keys)

    def spotify_export_tracks(
        self,
        token: Token,
        name: str,
        tracks: Sequence[str],
        *,
        on_token: OnToken | None = None,
        description: str = "Made with mixtape",
    ) -> ExportResult:
        """A new private playlist ``name`` in the visitor's account with ``tracks``."""
        from mixtape.spotify import library

        name = name.strip()
        if not name:
            raise InputError("give the playlist a name", field="name")
        config = self.spotify_web_config()
        with self._client(config, token, on_token) as client:
            return library.export_playlist(
                client, name[:100], list(tracks), description=description
            )

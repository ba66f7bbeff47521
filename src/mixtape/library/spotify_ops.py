"""Spotify through the facade: sign-in, library and playlist import, export, crawls.

The Spotify package (httpx, Authlib) is imported only when one of these runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mixtape.errors import EndpointClosed, InputError
from mixtape.library.core import Notify, Progress
from mixtape.library.recommending import Recommending

if TYPE_CHECKING:
    from mixtape.spotify.auth import Token
    from mixtape.spotify.config import SpotifyConfig
    from mixtape.spotify.crawl import CrawlResult
    from mixtape.spotify.library import ExportResult, ImportResult


def _pages(progress: Progress | None) -> Progress:
    return progress or (lambda _done, _total: None)


class SpotifyOps(Recommending):
    """The ``spotify_*`` operations (the ``mixtape spotify`` commands call these)."""

    def spotify_config(self) -> SpotifyConfig:
        """Client id/secret, redirect URI and base URLs (environment, then spotify.toml)."""
        from mixtape.spotify import session

        return session.config_for(self.settings.data_dir)

    def spotify_login(self, open_url: Callable[[str], object], *, timeout: float = 300) -> Token:
        """Sign in (Authorization Code with PKCE, loopback redirect); stores the token.

        ``open_url`` is given the sign-in URL (print it, open a browser).
        """
        from mixtape.spotify import session

        return session.sign_in(self.spotify_config(), open_url, timeout=timeout)

    def spotify_logout(self, user: str | None = None) -> str | None:
        """Forget a user's stored tokens (default: the last one); who was signed out."""
        from mixtape.spotify import session

        return session.token_store(self.spotify_config()).delete(user)

    def spotify_whoami(
        self, user: str | None = None, notify: Notify | None = None
    ) -> dict[str, Any]:
        """Who is signed in, as Spotify says (refreshing the token when needed)."""
        from mixtape.spotify import session

        with session.user_client(self.spotify_config(), user=user, notify=notify) as client:
            me = client.me()
        return {"id": me.get("id"), "display_name": me.get("display_name")}

    def spotify_import_library(
        self,
        user: str | None = None,
        *,
        notify: Notify | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import the user's saved tracks as the playlist ``spotify-library:USER``."""
        from mixtape.spotify import library, session

        with session.user_client(self.spotify_config(), user=user, notify=notify) as client:
            return library.import_library(self.catalog, client, _pages(progress))

    def spotify_import_playlist(
        self,
        playlist: str,
        *,
        notify: Notify | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import a playlist (id, URI or URL) as the playlist ``spotify:ID``."""
        from mixtape.spotify import library, session

        with session.app_client(self.spotify_config(), notify=notify) as client:
            return library.import_playlist(self.catalog, client, playlist, _pages(progress))

    def spotify_export(
        self,
        name: str,
        tracks: Sequence[str] = (),
        *,
        from_recommend: Mapping[str, Any] | None = None,
        description: str = "Made with mixtape",
        public: bool = False,
        user: str | None = None,
        notify: Notify | None = None,
    ) -> ExportResult:
        """Create a playlist ``name`` in the user's account from track references.

        With ``from_recommend`` (the keyword arguments of :meth:`recommend`,
        ``model`` included) the tracks are fresh recommendations, made the same
        way ``recommend`` makes them (model cache, growing and all).
        """
        from mixtape.spotify import library, session

        if bool(tracks) == (from_recommend is not None):
            raise InputError("give either tracks or recommendation options to export, not both")
        with session.user_client(self.spotify_config(), user=user, notify=notify) as client:
            if from_recommend is not None:
                result = self.recommend(**from_recommend)
                tracks = [r.track_id for r in result.recommendations]
            return library.export_playlist(
                client, name, list(tracks), description=description, public=public
            )

    def spotify_crawl_genres(
        self,
        *,
        per_genre: int = 100,
        notify: Notify | None = None,
        progress: Progress | None = None,
    ) -> CrawlResult:
        """Genre seeds → recommendations → audio features (resumable; for apps with access).

        Raises :class:`EndpointClosed` when Spotify no longer lists genre seeds
        to this app (then nothing was crawled or written).
        """
        from mixtape.spotify import availability, crawl, session

        if not 1 <= per_genre <= 100:
            raise InputError(
                f"tracks per genre must be 1 to 100, not {per_genre}", field="per_genre"
            )
        config = self.spotify_config()
        log = crawl.ErrorLog(config.folder / "crawl-errors.jsonl")
        no_seeds = availability.MESSAGES["genre-seeds"]

        def note(message: str) -> None:  # closed genre seeds are the error itself
            if notify is not None and message != no_seeds:
                notify(message)

        with session.app_client(config, notify=note, on_error=log) as client:
            result = crawl.crawl_genres(
                self.catalog,
                client,
                config.folder,
                per_genre=per_genre,
                on_progress=_pages(progress),
            )
            if client.availability.is_closed("genre-seeds"):
                raise EndpointClosed(no_seeds, endpoint="genre-seeds")
        result.errors = log.count  # failed requests, as in the error log
        return result

    def spotify_crawl_enrich(
        self, *, notify: Notify | None = None, progress: Progress | None = None
    ) -> CrawlResult:
        """Fill missing release dates, popularity, artist genres and audio features."""
        from mixtape.spotify import crawl, session

        config = self.spotify_config()
        log = crawl.ErrorLog(config.folder / "enrich-errors.jsonl")
        with session.app_client(config, notify=notify, on_error=log) as client:
            result = crawl.enrich(self.catalog, client, config.folder, on_progress=_pages(progress))
        result.errors = log.count  # failed requests, as in the error log
        return result

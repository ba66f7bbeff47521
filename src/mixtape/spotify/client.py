"""Typed Spotify Web API methods: paging, batching to the API's limits, closed endpoints.

Every request goes through :class:`~mixtape.spotify.transport.RetryingTransport`
(429 and 5xx handled there).  Here: a 401 refreshes the token once; a 403/404
on an endpoint Spotify has closed marks it in :class:`Availability` and either
falls back (batch look-ups → one by one) or raises :class:`EndpointClosed`;
any other error becomes a :class:`SpotifyError` naming the request and
Spotify's own message, never a header or a token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, cast

import httpx

from mixtape.batches import chunks
from mixtape.errors import EndpointClosed, SpotifyError
from mixtape.keys import is_spotify_id
from mixtape.spotify import payloads as p
from mixtape.spotify.availability import Availability
from mixtape.spotify.config import SpotifyConfig
from mixtape.spotify.transport import Sleep, make_http

#: Most ids per request, as Spotify documents them.
BATCH = {"tracks": 50, "artists": 50, "albums": 20, "audio-features": 100}
ADD_ITEMS = 100
PAGE = 50
MAX_SEEDS = 5

#: (time, request, status, message) for every failed request; used for crawl error logs.
ErrorHook = Callable[[float, str, int | None, str], None]

#: Called after each successful look-up request with the ids it covered and the
#: items it returned (ids Spotify does not know are covered but absent).  Crawls
#: save and checkpoint there, so a stop between two requests loses nothing.
OnDone = Callable[[Sequence[str], dict[str, Any]], None]


def _noop(ids: Sequence[str], found: dict[str, Any]) -> None:
    return None


class Bearer(Protocol):
    def bearer(self) -> str: ...

    def invalidate(self) -> None: ...


def _message(response: httpx.Response) -> str:
    """Spotify's own error message (``{"error": {"message": …}}``), else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or response.reason_phrase)
    if isinstance(error, str):
        return error  # token-endpoint style; never the description, which may echo input
    return response.reason_phrase or "error"


class SpotifyClient:
    """One authenticated API session (close it, or use it as a context manager)."""

    def __init__(
        self,
        config: SpotifyConfig,
        auth: Bearer,
        *,
        availability: Availability | None = None,
        http: httpx.Client | None = None,
        sleep: Sleep = time.sleep,
        on_error: ErrorHook | None = None,
    ) -> None:
        self.config = config
        self.auth = auth
        self.availability = availability or Availability(None)
        self.http = http or make_http(config.max_wait, sleep)
        self.on_error = on_error

    def __enter__(self) -> SpotifyClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # -- requests -----------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        closable: str | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """One API call; ``closable`` names the endpoint for the closed-endpoint memory.

        ``missing_ok``: a 404 means "no such item" (returns None), not "closed".
        """
        url = path if path.startswith("http") else self.config.api_url + path
        where = f"{method} {httpx.URL(url).path}"
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self.auth.bearer()}"}
            response = self.http.request(method, url, params=params, json=json, headers=headers)
            if response.status_code == 401 and attempt == 0:
                self.auth.invalidate()  # expired early or revoked: refresh once
                continue
            break
        status = response.status_code
        if status < 400:
            return response.json() if response.content else None
        message = _message(response)
        if status == 404 and missing_ok:
            return None
        if closable is not None and status in (403, 404):
            self.availability.mark_closed(closable)
            raise EndpointClosed(
                self.availability.message(closable), endpoint=closable, status=status
            )
        if self.on_error is not None:
            self.on_error(time.time(), where, status, message)
        hint = "run `mixtape spotify login` again" if status == 401 else None
        raise SpotifyError(
            f"Spotify answered {status} to {where}: {message}", status=status, hint=hint
        )

    def pages(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        on_page: Callable[[int, int], None] | None = None,
    ) -> Iterator[Any]:
        """Every item of a paged list, following ``next``; ``on_page(done, total)``."""
        url: str | None = path
        query: dict[str, Any] | None = {"limit": PAGE, **(params or {})}
        done = 0
        while url:
            page = self.request("GET", url, params=query)
            query = None  # ``next`` carries the query
            items = page.get("items") or []
            yield from items
            done += len(items)
            if on_page is not None:
                on_page(done, int(page.get("total") or done))
            url = page.get("next")

    # -- the user ----------------------------------------------------------------------
    def me(self) -> p.User:
        return cast(p.User, self.request("GET", "/me"))

    def saved_tracks(
        self, on_page: Callable[[int, int], None] | None = None
    ) -> Iterator[p.SavedTrack]:
        return cast(Iterator[p.SavedTrack], self.pages("/me/tracks", on_page=on_page))

    def playlist(self, playlist_id: str) -> p.Playlist:
        return cast(p.Playlist, self.request("GET", f"/playlists/{playlist_id}"))

    def playlist_items(
        self, playlist_id: str, on_page: Callable[[int, int], None] | None = None
    ) -> Iterator[p.PlaylistItem]:
        return cast(
            Iterator[p.PlaylistItem], self.pages(f"/playlists/{playlist_id}/items", on_page=on_page)
        )

    def create_playlist(self, name: str, description: str = "", public: bool = False) -> p.Playlist:
        body = {"name": name, "description": description, "public": public}
        return cast(p.Playlist, self.request("POST", "/me/playlists", json=body))

    def add_items(self, playlist_id: str, uris: Sequence[str]) -> int:
        """Append tracks, 100 per request (Spotify's limit). Returns how many were sent."""
        for part in chunks(uris, ADD_ITEMS):
            self.request("POST", f"/playlists/{playlist_id}/items", json={"uris": list(part)})
        return len(uris)

    def search(self, query: str, kind: str = "track", limit: int = 10) -> list[p.Track]:
        data = self.request("GET", "/search", params={"q": query, "type": kind, "limit": limit})
        return list((data or {}).get(kind + "s", {}).get("items") or [])

    # -- catalog look-ups ----------------------------------------------------------------
    def _lookup(self, kind: str, ids: Iterable[str], on_done: OnDone | None) -> dict[str, Any]:
        """Items by id: batches while the batch endpoint works, then one by one."""
        done = on_done or _noop
        wanted = [i for i in dict.fromkeys(ids) if is_spotify_id(i)]
        batch = f"{kind}-batch"
        out: dict[str, Any] = {}
        for part in chunks(wanted, BATCH[kind]):
            if self.availability.is_closed(batch):
                self.availability.report(batch)
            else:
                try:
                    data = self.request(
                        "GET", f"/{kind}", params={"ids": ",".join(part)}, closable=batch
                    )
                except EndpointClosed:
                    pass
                else:
                    found = {item["id"]: item for item in data.get(kind) or [] if item}
                    out.update(found)
                    done(part, found)
                    continue
            for item_id in part:
                if self.availability.is_closed(kind):
                    self.availability.report(kind)
                    return out
                try:
                    item = self.request("GET", f"/{kind}/{item_id}", missing_ok=True, closable=kind)
                except EndpointClosed:
                    return out
                one = {item_id: item} if item else {}
                out.update(one)
                done([item_id], one)
        return out

    def tracks(self, ids: Iterable[str], on_done: OnDone | None = None) -> dict[str, p.Track]:
        return self._lookup("tracks", ids, on_done)

    def artists(self, ids: Iterable[str], on_done: OnDone | None = None) -> dict[str, p.Artist]:
        return self._lookup("artists", ids, on_done)

    def albums(self, ids: Iterable[str], on_done: OnDone | None = None) -> dict[str, p.Album]:
        return self._lookup("albums", ids, on_done)

    def audio_features(
        self, ids: Iterable[str], on_done: OnDone | None = None
    ) -> dict[str, p.AudioFeatures]:
        """Features by track id; empty (reported once) when Spotify has closed them."""
        done = on_done or _noop
        wanted = [i for i in dict.fromkeys(ids) if is_spotify_id(i)]
        out: dict[str, p.AudioFeatures] = {}
        if self.availability.is_closed("audio-features"):
            self.availability.report("audio-features")
            return out
        for part in chunks(wanted, BATCH["audio-features"]):
            try:
                data = self.request(
                    "GET",
                    "/audio-features",
                    params={"ids": ",".join(part)},
                    closable="audio-features",
                )
            except EndpointClosed:
                return out
            found = {f["id"]: f for f in data.get("audio_features") or [] if f}
            out.update(found)
            done(part, found)
        return out

    def recommendations(
        self,
        *,
        seed_tracks: Sequence[str] = (),
        seed_genres: Sequence[str] = (),
        limit: int = 20,
        tuning: dict[str, float] | None = None,
    ) -> list[p.Track]:
        """Spotify's recommendations (up to 5 seeds in all); raises :class:`EndpointClosed`."""
        if self.availability.is_closed("recommendations"):
            self.availability.report("recommendations")
            raise EndpointClosed(
                self.availability.message("recommendations"), endpoint="recommendations"
            )
        params: dict[str, Any] = {"limit": max(1, min(limit, 100)), **(tuning or {})}
        seeds = list(seed_tracks)[:MAX_SEEDS]
        if seeds:
            params["seed_tracks"] = ",".join(seeds)
        genres = list(seed_genres)[: MAX_SEEDS - len(seeds)]
        if genres:
            params["seed_genres"] = ",".join(genres)
        data = self.request("GET", "/recommendations", params=params, closable="recommendations")
        return list(data.get("tracks") or [])

    def genre_seeds(self) -> list[str]:
        if self.availability.is_closed("genre-seeds"):
            self.availability.report("genre-seeds")
            raise EndpointClosed(self.availability.message("genre-seeds"), endpoint="genre-seeds")
        data = self.request("GET", "/recommendations/available-genre-seeds", closable="genre-seeds")
        return [str(g) for g in data.get("genres") or []]

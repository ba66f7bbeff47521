"""A local fake of Spotify's accounts service and Web API, served over real HTTP.

Deterministic generated data shaped like Spotify's JSON; faults on demand
per endpoint name (429 with Retry-After, 5xx, 403/404 "closed"); tokens that
can be expired; every API request logged so tests can check batch sizes.  Also the stand-ins
for what surrounds it: a sleeper that records waits, a browser that follows
the sign-in redirect.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

CLIENT_ID = "fakeclientid0123456789"
CLIENT_SECRET = "fake-secret-Zq9x7WvU5tS3"
USER = "testuser"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def spotify_id(kind: str, n: int) -> str:
    """A stable 22-character base-62 id."""
    value = int.from_bytes(hashlib.sha256(f"{kind}:{n}".encode()).digest()[:17], "big")
    out = []
    for _ in range(22):
        value, r = divmod(value, 62)
        out.append(_ALPHABET[r])
    return "".join(out)


def _isrc(n: int) -> str:
    return f"USFAK{24:02d}{n:05d}"


@dataclass
class Catalog:
    """Generated artists, albums, tracks and features."""

    n_tracks: int = 160
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)
    albums: dict[str, dict[str, Any]] = field(default_factory=dict)
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    features: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    genres: tuple[str, ...] = ("acoustic", "ambient", "metal", "pop", "jazz")

    def __post_init__(self) -> None:
        for a in range(20):
            aid = spotify_id("artist", a)
            self.artists[aid] = {
                "id": aid,
                "name": f"Fake Artist {a}",
                "type": "artist",
                "uri": f"spotify:artist:{aid}",
                "genres": [self.genres[a % len(self.genres)], f"fake {a % 3}"],
                "popularity": 30 + a,
                "followers": {"href": None, "total": 1000 * (a + 1)},
            }
        artist_ids = list(self.artists)
        for b in range(40):
            bid = spotify_id("album", b)
            art = self.artists[artist_ids[b % 20]]
            self.albums[bid] = {
                "id": bid,
                "name": f"Fake Album {b}",
                "type": "album",
                "album_type": "album",
                "uri": f"spotify:album:{bid}",
                "release_date": f"{1990 + b % 30}-0{1 + b % 9}-15",
                "release_date_precision": "day",
                "artists": [{k: art[k] for k in ("id", "name", "type", "uri")}],
            }
        album_ids = list(self.albums)
        for t in range(self.n_tracks):
            tid = spotify_id("track", t)
            album = self.albums[album_ids[t % 40]]
            art = self.artists[artist_ids[t % 20]]
            self.tracks[tid] = {
                "id": tid,
                "name": f"Fake Song {t}",
                "type": "track",
                "uri": f"spotify:track:{tid}",
                "artists": [{k: art[k] for k in ("id", "name", "type", "uri")}],
                "album": album,
                "duration_ms": 150_000 + 1000 * t,
                "explicit": t % 7 == 0,
                "popularity": t % 100,
                "track_number": 1 + t % 12,
                "disc_number": 1,
                "is_local": False,
                "external_ids": {"isrc": _isrc(t)},
            }
            self.features[tid] = {
                "id": tid,
                "type": "audio_features",
                "danceability": (t % 10) / 10,
                "energy": ((t * 3) % 10) / 10,
                "key": t % 12,
                "loudness": -5.0 - t % 10,
                "mode": t % 2,
                "speechiness": 0.05,
                "acousticness": ((t * 7) % 10) / 10,
                "instrumentalness": 0.0,
                "liveness": 0.1,
                "valence": ((t * 5) % 10) / 10,
                "tempo": 80.0 + t % 80,
                "duration_ms": 150_000 + 1000 * t,
                "time_signature": 4,
            }
            self.order.append(tid)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class FakeSpotify:
    """The fake's state; ``app`` is the FastAPI app that serves it."""

    def __init__(self) -> None:
        self.data = Catalog()
        self.saved = self.data.order[:75]  # the user's library: two pages
        self.playlist_id = spotify_id("playlist", 1)
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self.reset()
        self.app = self._build()
        self.url = ""

    # -- state and faults ----------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            # (endpoint, path, query, status the fault layer gave: 200 when none)
            self.requests: list[tuple[str, str, dict[str, str], int]] = []
            self.faults: dict[str, list[tuple[int, float | None]]] = {}
            self.fault_at: tuple[int, int, float | None] | None = None
            self.api_requests = 0  # Web API requests so far (token requests not counted)
            self.closed: dict[str, int] = {}
            self.codes: dict[str, dict[str, str]] = {}
            self.tokens: dict[str, tuple[str | None, float]] = {}
            self.refresh_tokens: dict[str, str] = {}
            self.dead_refresh: set[str] = set()
            self.created: dict[str, dict[str, Any]] = {}
            self.wrong_state = False
            self.extra_playlist_items: list[dict[str, Any]] = []

    def fail(
        self, endpoint: str, status: int, times: int = 1, retry_after: float | None = None
    ) -> None:
        """The next ``times`` requests to ``endpoint`` answer ``status``."""
        self.faults.setdefault(endpoint, []).extend([(status, retry_after)] * times)

    def fail_at(self, n: int, status: int, retry_after: float | None = None) -> None:
        """The ``n``-th Web API request from now (0-based, any endpoint) answers ``status``."""
        self.fault_at = (self.api_requests + n, status, retry_after)

    def close(self, endpoint: str, status: int = 403) -> None:
        """``endpoint`` answers ``status`` from now on, as Spotify does for closed ones."""
        self.closed[endpoint] = status

    def expire_access_tokens(self) -> None:
        self.tokens = {k: (u, 0.0) for k, (u, _) in self.tokens.items()}

    def expire_refresh_tokens(self) -> None:
        self.dead_refresh.update(self.refresh_tokens)

    def calls(self, endpoint: str, answered: bool = False) -> list[dict[str, str]]:
        """Query strings of the requests to ``endpoint`` (``answered``: only those not faulted)."""
        return [
            q
            for name, _, q, status in self.requests
            if name == endpoint and (status == 200 or not answered)
        ]

    def issue(self, user: str | None, refresh: bool) -> dict[str, Any]:
        n = next(self._counter)
        access = f"fake-access-{n:04d}-" + hashlib.sha1(str(n).encode()).hexdigest()[:12]
        self.tokens[access] = (user, time.time() + 3600)
        body: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
        if refresh:
            rt = f"fake-refresh-{n:04d}-" + hashlib.sha1(f"r{n}".encode()).hexdigest()[:12]
            self.refresh_tokens[rt] = user or ""
            body["refresh_token"] = rt
            body["scope"] = "user-library-read playlist-modify-private"
        return body

    def _fault(self, endpoint: str, request: Request) -> Response | None:
        response = self._fault_for(endpoint)
        status = 200 if response is None else response.status_code
        self.requests.append((endpoint, request.url.path, dict(request.query_params), status))
        return response

    def _fault_for(self, endpoint: str) -> Response | None:
        index = None
        if endpoint != "token":
            index, self.api_requests = self.api_requests, self.api_requests + 1
        if endpoint in self.closed:
            status = self.closed[endpoint]
            return JSONResponse({"error": {"status": status, "message": "Forbidden"}}, status)
        fault: tuple[int, float | None] | None = None
        if self.fault_at is not None and self.fault_at[0] == index:
            fault, self.fault_at = self.fault_at[1:], None
        queue = self.faults.get(endpoint)
        if fault is None and queue:
            fault = queue.pop(0)
        if fault is None:
            return None
        status, wait = fault
        headers = {"Retry-After": str(int(wait))} if wait is not None else None
        msg = {"error": {"status": status, "message": f"fake fault {status}"}}
        return JSONResponse(msg, status, headers=headers)

    def _user(self, request: Request) -> tuple[str | None, Response | None]:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip()
        entry = self.tokens.get(token)
        if entry is None or entry[1] < time.time():
            err = {"error": {"status": 401, "message": "The access token expired"}}
            return None, JSONResponse(err, 401)
        return entry[0], None

    def _page(self, request: Request, items: list[Any], max_limit: int = 50) -> dict[str, Any]:
        limit = min(int(request.query_params.get("limit", 20)), max_limit)
        offset = int(request.query_params.get("offset", 0))
        base = str(request.url).split("?")[0]
        nxt = offset + limit
        return {
            "href": str(request.url),
            "items": items[offset:nxt],
            "limit": limit,
            "offset": offset,
            "total": len(items),
            "next": f"{base}?{urlencode({'offset': nxt, 'limit': limit})}"
            if nxt < len(items)
            else None,
            "previous": None,
        }

    # -- the app -------------------------------------------------------------------------
    def _build(self) -> FastAPI:
        app = FastAPI()
        d = self.data

        def guard(endpoint: str, request: Request, need_user: bool = False) -> Response | None:
            fault = self._fault(endpoint, request)
            if fault is not None:
                return fault
            user, denied = self._user(request)
            if denied is not None:
                return denied
            if need_user and user is None:
                return JSONResponse({"error": {"status": 403, "message": "needs a user"}}, 403)
            return None

        @app.get("/authorize")
        def authorize(request: Request) -> Response:
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("code_challenge_method") != "S256":
                return JSONResponse({"error": "invalid_request"}, 400)
            code = f"code-{next(self._counter)}"
            self.codes[code] = {
                "challenge": q["code_challenge"],
                "redirect_uri": q["redirect_uri"],
            }
            state = "forged" if self.wrong_state else q.get("state", "")
            return RedirectResponse(
                f"{q['redirect_uri']}?{urlencode({'code': code, 'state': state})}"
            )

        @app.post("/api/token")
        async def token(request: Request) -> Response:
            fault = self._fault("token", request)
            if fault is not None:
                return fault
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            grant = form.get("grant_type")
            bad = JSONResponse({"error": "invalid_grant", "error_description": "Invalid"}, 400)
            if grant == "client_credentials":
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if request.headers.get("authorization") != f"Basic {expected}":
                    return JSONResponse({"error": "invalid_client"}, 401)
                return JSONResponse(self.issue(None, refresh=False))
            if form.get("client_id") != CLIENT_ID:
                return JSONResponse({"error": "invalid_client"}, 401)
            if grant == "authorization_code":
                entry = self.codes.pop(form.get("code", ""), None)
                if (
                    entry is None
                    or entry["redirect_uri"] != form.get("redirect_uri")
                    or _challenge(form.get("code_verifier", "")) != entry["challenge"]
                ):
                    return bad
                return JSONResponse(self.issue(USER, refresh=True))
            if grant == "refresh_token":
                rt = form.get("refresh_token", "")
                if rt not in self.refresh_tokens or rt in self.dead_refresh:
                    return bad
                body = self.issue(self.refresh_tokens[rt], refresh=False)
                return JSONResponse(body)
            return JSONResponse({"error": "unsupported_grant_type"}, 400)

        @app.get("/v1/me")
        def me(request: Request) -> Response:
            if (r := guard("me", request, need_user=True)) is not None:
                return r
            return JSONResponse({"id": USER, "display_name": "Test User", "type": "user"})

        @app.get("/v1/me/tracks")
        def saved(request: Request) -> Response:
            if (r := guard("me-tracks", request, need_user=True)) is not None:
                return r
            items = [{"added_at": "2024-01-01T00:00:00Z", "track": d.tracks[t]} for t in self.saved]
            return JSONResponse(self._page(request, items))

        @app.get("/v1/playlists/{pid}")
        def playlist(pid: str, request: Request) -> Response:
            if (r := guard("playlist", request)) is not None:
                return r
            if pid != self.playlist_id and pid not in self.created:
                return JSONResponse({"error": {"status": 404, "message": "Not found"}}, 404)
            return JSONResponse(
                {"id": pid, "name": "Fake Playlist", "description": "made up", "type": "playlist"}
            )

        @app.get("/v1/playlists/{pid}/items")
        def items(pid: str, request: Request) -> Response:
            if (r := guard("playlist-items", request)) is not None:
                return r
            entries = [{"added_at": None, "item": d.tracks[t]} for t in d.order[40:170]]
            entries += self.extra_playlist_items
            return JSONResponse(self._page(request, entries))

        @app.post("/v1/me/playlists")
        async def create(request: Request) -> Response:
            if (r := guard("create-playlist", request, need_user=True)) is not None:
                return r
            body = await request.json()
            pid = spotify_id("created", len(self.created) + 100)
            self.created[pid] = {"name": body["name"], "uris": []}
            return JSONResponse(
                {
                    "id": pid,
                    "name": body["name"],
                    "external_urls": {"spotify": f"https://open.spotify.com/playlist/{pid}"},
                },
                201,
            )

        @app.post("/v1/playlists/{pid}/items")
        async def add(pid: str, request: Request) -> Response:
            if (r := guard("add-items", request, need_user=True)) is not None:
                return r
            uris = (await request.json())["uris"]
            if len(uris) > 100:
                return JSONResponse({"error": {"status": 400, "message": "Too many ids"}}, 400)
            self.created[pid]["uris"].extend(uris)
            return JSONResponse({"snapshot_id": "snap"}, 201)

        @app.get("/v1/search")
        def search(request: Request) -> Response:
            if (r := guard("search", request)) is not None:
                return r
            q = request.query_params.get("q", "").lower()
            found = [t for t in d.tracks.values() if q in t["name"].lower()][:10]
            return JSONResponse({"tracks": {"items": found, "total": len(found)}})

        def batch(endpoint: str, table: dict[str, Any], key: str, limit: int):  # type: ignore[no-untyped-def]
            def handler(request: Request) -> Response:
                if (r := guard(endpoint, request)) is not None:
                    return r
                ids = [i for i in request.query_params.get("ids", "").split(",") if i]
                if len(ids) > limit:
                    return JSONResponse({"error": {"status": 400, "message": "Too many ids"}}, 400)
                return JSONResponse({key: [table.get(i) for i in ids]})

            return handler

        def single(endpoint: str, table: dict[str, Any]):  # type: ignore[no-untyped-def]
            def handler(item_id: str, request: Request) -> Response:
                if (r := guard(endpoint, request)) is not None:
                    return r
                if item_id not in table:
                    return JSONResponse({"error": {"status": 404, "message": "Not found"}}, 404)
                return JSONResponse(table[item_id])

            return handler

        app.get("/v1/tracks")(batch("tracks-batch", d.tracks, "tracks", 50))
        app.get("/v1/artists")(batch("artists-batch", d.artists, "artists", 50))
        app.get("/v1/albums")(batch("albums-batch", d.albums, "albums", 20))
        app.get("/v1/audio-features")(batch("audio-features", d.features, "audio_features", 100))
        app.get("/v1/tracks/{item_id}")(single("tracks", d.tracks))
        app.get("/v1/artists/{item_id}")(single("artists", d.artists))
        app.get("/v1/albums/{item_id}")(single("albums", d.albums))

        @app.get("/v1/recommendations/available-genre-seeds")
        def genre_seeds(request: Request) -> Response:
            if (r := guard("genre-seeds", request)) is not None:
                return r
            return JSONResponse({"genres": list(d.genres)})

        @app.get("/v1/recommendations")
        def recommendations(request: Request) -> Response:
            if (r := guard("recommendations", request)) is not None:
                return r
            q = request.query_params
            limit = int(q.get("limit", 20))
            seeds = [s for s in q.get("seed_tracks", "").split(",") if s]
            genres = [g for g in q.get("seed_genres", "").split(",") if g]
            if len(seeds) + len(genres) > 5 or not (seeds or genres):
                return JSONResponse({"error": {"status": 400, "message": "1 to 5 seeds"}}, 400)
            if genres:
                gi = d.genres.index(genres[0]) if genres[0] in d.genres else 0
                pool = [t for i, t in enumerate(d.order) if (i % 20) % len(d.genres) == gi]
            else:
                start = d.order.index(seeds[0]) if seeds[0] in d.order else 0
                pool = d.order[start + 1 :] + d.order[:start]
            low = float(q.get("min_energy", 0.0))
            pool = [t for t in pool if d.features[t]["energy"] >= low and t not in seeds]
            return JSONResponse({"tracks": [d.tracks[t] for t in pool[:limit]], "seeds": []})

        return app


class ServerThread:
    """Serve a :class:`FakeSpotify` with uvicorn on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, fake: FakeSpotify) -> None:
        self.fake = fake
        # IPPROTO_TCP named explicitly: asyncio switches Nagle off (TCP_NODELAY) only on
        # sockets whose protocol says TCP, and with Nagle on every keep-alive response
        # waits 40 ms for the client's delayed ACK between its headers and its body.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            fake.app, log_level="error", lifespan="off", ws="none", http="h11", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        fake.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> FakeSpotify:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake Spotify server did not start")
            time.sleep(0.01)
        return self.fake

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class Sleeper:
    """Records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def browser(url: str) -> None:
    """Stand-in for the user's browser: follow the authorize redirect to the callback."""
    with httpx.Client(follow_redirects=True, timeout=5) as client:
        client.get(url)

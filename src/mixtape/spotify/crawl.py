"""Crawls that write Spotify data into the catalog, resumable from a checkpoint.

* ``crawl_genres``: the original mood-catalog crawl (genre seeds →
  recommendations → audio features), for apps that still have access.
* ``enrich``: fill missing release dates, popularity, artist genres and audio
  features of catalog tracks, in batches.

Each batch is written in its own transaction and only then marked done in
the checkpoint (``<data_dir>/spotify/<kind>-checkpoint.json``), so a run
stopped by a long rate limit (:class:`RateLimited`) or Ctrl-C resumes without
fetching a saved batch again and without losing one.  Failed requests go to
an error log (JSON lines: time, request, status, message).  Closed endpoints
are reported once and the crawl goes on with what is left.

Note Spotify's developer terms: content from the API must not be used to
train or feed machine-learning models (see docs/spotify.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select

from mixtape.catalog import schema as s
from mixtape.catalog.db import Catalog, record_ingest
from mixtape.catalog.writes import BatchWriter
from mixtape.errors import EndpointClosed, RateLimited, SpotifyError
from mixtape.keys import LOCAL_PREFIX
from mixtape.records import ArtistRecord, ArtistRef, IngestSummary, TrackRecord
from mixtape.spotify import payloads as p
from mixtape.spotify.client import BATCH, SpotifyClient, chunks
from mixtape.spotify.library import track_record

Progress = Callable[[int, int], None]


class Checkpoint:
    """The keys (or genres) already written, saved atomically after each batch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.done: list[str] = [str(k) for k in data.get("done", [])]
        except (OSError, ValueError, AttributeError):
            self.done = []
        self._set = set(self.done)

    @property
    def resumed(self) -> bool:
        return bool(self.done)

    def __contains__(self, key: str) -> bool:
        return key in self._set

    def add(self, keys: Sequence[str]) -> None:
        new = [k for k in keys if k not in self._set]
        self.done.extend(new)
        self._set.update(new)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"done": self.done}), encoding="utf-8")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self.done, self._set = [], set()


class ErrorLog:
    """Failed requests as JSON lines: time, request, status, message."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0

    def __call__(self, when: float, request: str, status: int | None, message: str) -> None:
        self.count += 1
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "time": datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds"),
            "request": request,
            "status": status,
            "message": message,
        }
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


@dataclass
class CrawlResult:
    kind: str
    todo: int = 0
    fetched: int = 0  # items fetched and written in this run
    skipped: int = 0  # already done in an earlier run (from the checkpoint)
    errors: int = 0
    finished: bool = False
    stopped: str | None = None  # why the run stopped early
    notices: list[str] = field(default_factory=list)
    error_log: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _features(payload: p.AudioFeatures | None) -> dict[str, Any] | None:
    if not payload:
        return None
    return {name: payload.get(name) for name in s.AUDIO_FEATURES}


def _record_run(catalog: Catalog, result: CrawlResult, source: str, started: datetime) -> None:
    with catalog.begin() as conn:
        record_ingest(
            conn,
            IngestSummary(
                kind=f"spotify-{result.kind}",
                source=source,
                status="ok" if result.finished else "partial",
                records_read=result.todo,
                records_loaded=result.fetched,
                records_skipped=result.skipped,
                message=result.stopped or f"{result.errors} request errors",
            ),
            started,
        )


def _write(
    catalog: Catalog, tracks: Sequence[TrackRecord], artists: Sequence[ArtistRecord]
) -> None:
    with catalog.begin() as conn:
        writer = BatchWriter(conn)
        if tracks:
            writer.upsert_tracks(tracks)
        if artists:
            writer.upsert_artists(artists)


def _artist_records(client: SpotifyClient, ids: Sequence[str]) -> list[ArtistRecord]:
    found = client.artists(ids)
    return [
        ArtistRecord(
            ref=ArtistRef(a["name"], a["id"]),
            popularity=a.get("popularity"),
            followers=(a.get("followers") or {}).get("total"),
            genres=tuple(a.get("genres") or ()),
        )
        for a in found.values()
        if a.get("name")
    ]


def tracks_to_enrich(catalog: Catalog) -> list[str]:
    """Keys of catalog tracks with a Spotify id that miss a release date, popularity or features."""
    t, af = s.tracks, s.audio_features
    query = (
        select(t.c.key)
        .select_from(t.outerjoin(af, af.c.track_id == t.c.id))
        .where(
            and_(
                ~t.c.key.startswith(LOCAL_PREFIX),
                or_(
                    t.c.release_date.is_(None),
                    t.c.popularity.is_(None),
                    af.c.track_id.is_(None),
                    af.c.energy.is_(None),
                ),
            )
        )
        .order_by(t.c.id)
    )
    with catalog.connect() as conn:
        return [row[0] for row in conn.execute(query)]


def _run(
    catalog: Catalog,
    client: SpotifyClient,
    result: CrawlResult,
    checkpoint: Checkpoint,
    batches: list[Sequence[str]],
    fetch: Callable[[Sequence[str]], tuple[list[TrackRecord], list[ArtistRecord]]],
    source: str,
    on_progress: Progress | None,
) -> CrawlResult:
    started = datetime.now(UTC)
    done = 0
    try:
        for part in batches:
            try:
                tracks, artists = fetch(part)
            except (RateLimited, EndpointClosed):
                raise
            except SpotifyError as exc:  # logged by the client; skip this batch
                result.errors += 1
                result.notices.append(f"a batch failed and was skipped: {exc}")
                continue
            _write(catalog, tracks, artists)
            checkpoint.add(list(part))  # only after the batch is committed
            result.fetched += len(part)
            done += len(part)
            if on_progress is not None:
                on_progress(done, result.todo)
        result.finished = True
        checkpoint.clear()
    except RateLimited as exc:
        result.stopped = f"{exc.message}; progress saved, run the command again to resume"
        raise
    except EndpointClosed as exc:
        result.stopped = exc.message
    finally:
        result.notices.extend(client.availability.notices)
        _record_run(catalog, result, source, started)
    return result


def enrich(
    catalog: Catalog,
    client: SpotifyClient,
    folder: Path,
    *,
    on_progress: Progress | None = None,
) -> CrawlResult:
    """Fill what catalog tracks lack from Spotify, batch by batch, resumably.

    Raises :class:`RateLimited` after saving progress when Spotify asks for a
    wait beyond the cap.
    """
    checkpoint = Checkpoint(folder / "enrich-checkpoint.json")
    keys = tracks_to_enrich(catalog)
    result = CrawlResult(kind="enrich", error_log=str(folder / "enrich-errors.jsonl"))
    todo = [k for k in keys if k not in checkpoint]
    result.skipped = len(keys) - len(todo)
    result.todo = len(todo)
    seen_artists: set[str] = set()

    def fetch(part: Sequence[str]) -> tuple[list[TrackRecord], list[ArtistRecord]]:
        found = client.tracks(part)
        features = client.audio_features(part)
        records = []
        for key in part:
            payload = found.get(key)
            if payload is None:
                feats = _features(features.get(key))
                if feats:
                    records.append(TrackRecord(name=None, spotify_id=key, features=feats))
                continue
            rec = track_record(payload)
            records.append(_with_features(rec, _features(features.get(key))))
        artist_ids = [
            a.spotify_id for r in records for a in r.artists if a.spotify_id not in seen_artists
        ]
        ids = [i for i in dict.fromkeys(artist_ids) if i]
        artists = _artist_records(client, ids) if ids else []
        seen_artists.update(ids)
        return records, artists

    batches = list(chunks(todo, BATCH["tracks"]))
    return _run(catalog, client, result, checkpoint, batches, fetch, "spotify:enrich", on_progress)


def _with_features(rec: TrackRecord, features: dict[str, Any] | None) -> TrackRecord:
    if not features:
        return rec
    return replace(rec, features=features)


def crawl_genres(
    catalog: Catalog,
    client: SpotifyClient,
    folder: Path,
    *,
    per_genre: int = 100,
    on_progress: Progress | None = None,
) -> CrawlResult:
    """Genre seeds → recommendations → audio features, one genre per batch, resumably."""
    checkpoint = Checkpoint(folder / "genres-checkpoint.json")
    result = CrawlResult(kind="crawl", error_log=str(folder / "crawl-errors.jsonl"))
    try:
        genres = client.genre_seeds()
    except EndpointClosed as exc:
        result.stopped = exc.message
        result.notices.extend(client.availability.notices)
        return result
    todo = [g for g in genres if g not in checkpoint]
    result.skipped = len(genres) - len(todo)
    result.todo = len(todo)

    def fetch(part: Sequence[str]) -> tuple[list[TrackRecord], list[ArtistRecord]]:
        genre = part[0]
        found = client.recommendations(seed_genres=[genre], limit=per_genre)
        with_ids = [(t["id"], t) for t in found if t.get("id")]
        features = client.audio_features([i for i, _ in with_ids if i])
        records = [
            _with_features(track_record(t, genres=(genre,)), _features(features.get(i or "")))
            for i, t in with_ids
        ]
        return records, []

    batches: list[Sequence[str]] = [[g] for g in todo]
    return _run(catalog, client, result, checkpoint, batches, fetch, "spotify:genres", on_progress)

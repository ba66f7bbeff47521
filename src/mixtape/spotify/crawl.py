"""Crawls that write Spotify data into the catalog, resumable from a checkpoint.

* ``crawl_genres``: the original mood-catalog crawl (genre seeds →
  recommendations → audio features), for apps that still have access.
* ``enrich``: fill missing release dates, popularity, artist genres and audio
  features of catalog tracks, in batches.

Every request's answer is written in its own transaction and only then
recorded in the checkpoint (``<data_dir>/spotify/<kind>-checkpoint.jsonl``,
one appended line per request, tied to the catalog's URL), so a run stopped
by a long rate limit (:class:`RateLimited`) or Ctrl-C at any point resumes
without fetching anything it saved and without losing anything: inside a
batch, track look-ups, audio features and artists are separate steps.
Failed requests go to an error log (JSON lines: time, request, status,
message).  Closed endpoints are reported once and the crawl goes on with
what is left.

Note Spotify's developer terms: content from the API must not be used to
train or feed machine-learning models (see docs/spotify.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select

from mixtape.catalog import schema
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
    """What earlier runs of a crawl saved, by step, as appended JSON lines.

    The first line names the catalog; a checkpoint left by a run on another
    catalog is ignored.  Each later line is ``{"step": S, "keys": [...]}``,
    appended after the data it marks is committed, so the file grows with
    the work (no rewrite per request).  A torn last line (a crash while
    appending) is ignored: at worst that one request is fetched again.
    """

    def __init__(self, path: Path, catalog_url: str) -> None:
        self.path = path
        self.catalog_url = catalog_url
        self._steps: dict[str, set[str]] = {}
        self._fresh = True
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        if lines and self._header_matches(lines[0]):
            self._fresh = False
            for line in lines[1:]:
                try:
                    entry = json.loads(line)
                    step, keys = str(entry["step"]), [str(k) for k in entry["keys"]]
                except (ValueError, KeyError, TypeError):
                    continue
                self._steps.setdefault(step, set()).update(keys)

    def _header_matches(self, line: str) -> bool:
        try:
            return bool(json.loads(line).get("catalog") == self.catalog_url)
        except (ValueError, AttributeError):
            return False

    @property
    def resumed(self) -> bool:
        return any(self._steps.values())

    def started(self, step: str) -> bool:
        """Whether ``step`` was recorded at all (even with no keys)."""
        return step in self._steps

    def has(self, step: str, key: str) -> bool:
        return key in self._steps.get(step, ())

    def keys(self, step: str) -> set[str]:
        return set(self._steps.get(step, ()))

    def missing(self, step: str, keys: Sequence[str]) -> list[str]:
        done = self._steps.get(step, set())
        return [k for k in keys if k not in done]

    def add(self, step: str, keys: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("w" if self._fresh else "a", encoding="utf-8") as fh:
            if self._fresh:
                fh.write(json.dumps({"catalog": self.catalog_url}) + "\n")
                self._fresh = False
            fh.write(json.dumps({"step": step, "keys": list(keys)}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._steps.setdefault(step, set()).update(keys)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self._steps, self._fresh = {}, True


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
    return {name: payload.get(name) for name in schema.AUDIO_FEATURES}


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
        writer = BatchWriter(conn, feature_source="spotify")
        if tracks:
            writer.upsert_tracks(tracks)
        if artists:
            writer.upsert_artists(artists)


def _artist_records(found: dict[str, p.Artist]) -> list[ArtistRecord]:
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
    t, af = schema.tracks, schema.audio_features
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


def artists_to_enrich(catalog: Catalog, track_keys: Sequence[str]) -> list[str]:
    """Spotify ids of these tracks' artists that have neither popularity nor genres."""
    a, at, t, ag = schema.artists, schema.artist_track, schema.tracks, schema.artist_genres
    query = (
        select(a.c.key)
        .select_from(a.join(at, at.c.artist_id == a.c.id).join(t, t.c.id == at.c.track_id))
        .where(
            t.c.key.in_(list(track_keys)),
            ~a.c.key.startswith(LOCAL_PREFIX),
            a.c.popularity.is_(None),
            ~select(ag.c.artist_id).where(ag.c.artist_id == a.c.id).exists(),
        )
        .distinct()
        .order_by(a.c.key)
    )
    with catalog.connect() as conn:
        return [row[0] for row in conn.execute(query)]


class _Steps:
    """Fetch-and-save steps shared by the crawls; each request is saved, then checkpointed."""

    def __init__(self, catalog: Catalog, client: SpotifyClient, checkpoint: Checkpoint) -> None:
        self.catalog, self.client, self.checkpoint = catalog, client, checkpoint

    def tracks(self, keys: Sequence[str]) -> None:
        def save(ids: Sequence[str], found: dict[str, Any]) -> None:
            _write(self.catalog, [track_record(found[i]) for i in ids if i in found], [])
            self.checkpoint.add("tracks", ids)

        self.client.tracks(self.checkpoint.missing("tracks", keys), on_done=save)

    def features(self, keys: Sequence[str]) -> None:
        def save(ids: Sequence[str], found: dict[str, Any]) -> None:
            records = [
                TrackRecord(name=None, spotify_id=i, features=feats)
                for i in ids
                if (feats := _features(found.get(i)))
            ]
            _write(self.catalog, records, [])
            self.checkpoint.add("features", ids)

        self.client.audio_features(self.checkpoint.missing("features", keys), on_done=save)

    def artists(self, track_keys: Sequence[str]) -> None:
        def save(ids: Sequence[str], found: dict[str, Any]) -> None:
            _write(self.catalog, [], _artist_records(found))
            self.checkpoint.add("artists", ids)

        wanted = self.checkpoint.missing("artists", artists_to_enrich(self.catalog, track_keys))
        if wanted:
            self.client.artists(wanted, on_done=save)


def _run(
    catalog: Catalog,
    client: SpotifyClient,
    result: CrawlResult,
    checkpoint: Checkpoint,
    batches: list[Sequence[str]],
    fetch: Callable[[Sequence[str]], None],
    source: str,
    on_progress: Progress | None,
) -> CrawlResult:
    """Run ``fetch`` (which saves as it goes) over the batches; a finished batch is marked done."""
    started = datetime.now(UTC)
    done = 0
    try:
        for part in batches:
            try:
                fetch(part)
            except (RateLimited, EndpointClosed):
                raise
            except SpotifyError as exc:  # logged by the client; the rest of this batch waits
                result.errors += 1
                result.notices.append(f"a batch failed and was skipped: {exc}")
                continue
            checkpoint.add("done", part)
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


#: Tracks per enrich batch: one audio-features request (Spotify's limit), two track look-ups.
ENRICH_BATCH = BATCH["audio-features"]


def enrich(
    catalog: Catalog,
    client: SpotifyClient,
    folder: Path,
    *,
    on_progress: Progress | None = None,
) -> CrawlResult:
    """Fill what catalog tracks lack from Spotify, batch by batch, resumably.

    Each batch runs three steps — track look-ups (release date, popularity,
    album, artists), audio features, then the artists that still lack genres
    and popularity — and every request's answer is saved before the next.
    Raises :class:`RateLimited` after saving progress when Spotify asks for
    a wait beyond the cap.
    """
    checkpoint = Checkpoint(folder / "enrich-checkpoint.jsonl", catalog.url)
    keys = tracks_to_enrich(catalog)
    result = CrawlResult(kind="enrich", error_log=str(folder / "enrich-errors.jsonl"))
    todo = checkpoint.missing("done", keys)
    result.skipped = len(checkpoint.keys("done"))
    result.todo = len(todo)
    steps = _Steps(catalog, client, checkpoint)

    def fetch(part: Sequence[str]) -> None:
        steps.tracks(part)
        steps.features(part)
        steps.artists(part)

    batches = list(chunks(todo, ENRICH_BATCH))
    return _run(catalog, client, result, checkpoint, batches, fetch, "spotify:enrich", on_progress)


def crawl_genres(
    catalog: Catalog,
    client: SpotifyClient,
    folder: Path,
    *,
    per_genre: int = 100,
    on_progress: Progress | None = None,
) -> CrawlResult:
    """Genre seeds → recommendations → audio features, one genre per batch, resumably.

    A genre's recommended tracks are saved (with the genre) and their ids
    checkpointed before their audio features are asked for, so a stop
    between the two fetches neither set again.
    """
    checkpoint = Checkpoint(folder / "genres-checkpoint.jsonl", catalog.url)
    result = CrawlResult(kind="crawl", error_log=str(folder / "crawl-errors.jsonl"))
    try:
        genres = client.genre_seeds()
    except EndpointClosed as exc:
        result.stopped = exc.message
        result.notices.extend(client.availability.notices)
        return result
    todo = checkpoint.missing("done", genres)
    result.skipped = len(genres) - len(todo)
    result.todo = len(todo)
    steps = _Steps(catalog, client, checkpoint)

    def fetch(part: Sequence[str]) -> None:
        genre = part[0]
        step = f"recommended:{genre}"
        if not checkpoint.started(step):
            found = client.recommendations(seed_genres=[genre], limit=per_genre)
            records = [track_record(t, genres=(genre,)) for t in found if t.get("id")]
            _write(catalog, records, [])
            checkpoint.add(step, [r.key for r in records])
        steps.features(sorted(checkpoint.keys(step)))

    batches: list[Sequence[str]] = [[g] for g in todo]
    return _run(catalog, client, result, checkpoint, batches, fetch, "spotify:genres", on_progress)

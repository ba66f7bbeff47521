"""A user's library and playlists into the catalog; playlists back out to Spotify.

Imported tracks are matched to catalog tracks by Spotify id, then by ISRC,
then by normalized artist + title; what matches nothing is added with what
the payload gives (popularity may be missing for development-mode apps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from mixtape.catalog import schema
from mixtape.catalog.db import Catalog, record_ingest
from mixtape.catalog.writes import BatchWriter, select_in
from mixtape.errors import InputError
from mixtape.keys import LOCAL_PREFIX, is_spotify_id, normalize_name, parse_spotify_ref
from mixtape.records import AlbumRef, ArtistRef, IngestSummary, PlaylistRecord, TrackRecord
from mixtape.spotify import payloads as p
from mixtape.spotify.client import SpotifyClient

OnPage = Callable[[int, int], None]


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _artists(items: Iterable[p.SimpleArtist]) -> tuple[ArtistRef, ...]:
    return tuple(ArtistRef(a["name"], a.get("id") or None) for a in items if a.get("name"))


def track_record(t: p.Track, genres: Sequence[str] = ()) -> TrackRecord:
    """A :class:`TrackRecord` from a track payload (fields Spotify omits stay None)."""
    album_payload = t.get("album") or {}
    release = album_payload.get("release_date") or None
    album = (
        AlbumRef(
            name=album_payload.get("name"),
            spotify_id=album_payload.get("id") or None,
            release_date=release,
            release_year=_year(release),
            artists=_artists(album_payload.get("artists") or []),
        )
        if album_payload.get("name")
        else None
    )
    return TrackRecord(
        name=t.get("name"),
        spotify_id=t.get("id") or None,
        artists=_artists(t.get("artists") or []),
        album=album,
        duration_ms=t.get("duration_ms"),
        explicit=t.get("explicit"),
        popularity=t.get("popularity"),
        release_date=release,
        release_year=_year(release),
        track_number=t.get("track_number"),
        disc_number=t.get("disc_number"),
        isrc=(t.get("external_ids") or {}).get("isrc"),
        genres=tuple(genres),
    )


def _reference(key: str) -> TrackRecord:
    # A playlist entry pointing at an existing catalog track: TrackRecord.key is
    # the ``spotify_id`` field when set, which may hold any catalog key (also local:).
    return TrackRecord(name=None, spotify_id=key)


def _label(rec: TrackRecord) -> str:
    artists = ", ".join(a.name for a in rec.artists)
    return f"{artists} - {rec.name}" if artists else str(rec.name)


@dataclass
class MatchReport:
    by_id: int = 0
    by_isrc: int = 0
    by_name: int = 0
    new: int = 0
    new_tracks: list[str] = field(default_factory=list)  # "artist - title" of added tracks

    @property
    def total(self) -> int:
        return self.by_id + self.by_isrc + self.by_name + self.new

    @property
    def rate(self) -> float:
        """Share of the tracks that were already in the catalog."""
        return (self.total - self.new) / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "by_id": self.by_id,
            "by_isrc": self.by_isrc,
            "by_name": self.by_name,
            "new": self.new,
            "match_rate": round(self.rate, 4),
            "unmatched": list(self.new_tracks),
        }


def _name_keys(conn: Connection, artist_names: Sequence[str]) -> dict[tuple[str, str], str]:
    """(normalized artist, normalized title) → track key, for tracks by these artists."""
    out: dict[tuple[str, str], str] = {}
    names = sorted(set(artist_names))
    for start in range(0, len(names), 500):
        part = names[start : start + 500]
        rows = conn.execute(
            select(schema.artists.c.name, schema.tracks.c.name, schema.tracks.c.key)
            .select_from(
                schema.artists.join(
                    schema.artist_track, schema.artist_track.c.artist_id == schema.artists.c.id
                ).join(schema.tracks, schema.tracks.c.id == schema.artist_track.c.track_id)
            )
            .where(schema.artists.c.name_norm.in_(part))
            .order_by(schema.tracks.c.id)
        )
        for artist, title, key in rows:
            if title:
                out.setdefault((normalize_name(artist), normalize_name(title)), key)
    return out


def match_tracks(
    conn: Connection, records: Sequence[TrackRecord]
) -> tuple[list[TrackRecord], list[TrackRecord], MatchReport]:
    """(playlist entries, records to upsert, report): id, then ISRC, then artist + title."""
    report = MatchReport()
    ids = [r.spotify_id for r in records if r.spotify_id]
    known_ids = {row[0] for row in select_in(conn, schema.tracks, ("key",), "key", ids)}
    isrcs = [r.isrc for r in records if r.isrc and r.spotify_id not in known_ids]
    by_isrc: dict[str, str] = {}
    for isrc, key in select_in(conn, schema.tracks, ("isrc", "key"), "isrc", sorted(set(isrcs))):
        by_isrc.setdefault(isrc, key)
    rest = [r for r in records if r.spotify_id not in known_ids and r.isrc not in by_isrc]
    by_name = _name_keys(conn, [r.artists[0].name_norm for r in rest if r.artists])
    entries: list[TrackRecord] = []
    upserts: list[TrackRecord] = []
    for rec in records:
        if rec.spotify_id in known_ids:
            report.by_id += 1
            entries.append(rec)
            upserts.append(rec)  # fills what the catalog lacks (isrc, album, …)
            continue
        if rec.isrc and rec.isrc in by_isrc:
            report.by_isrc += 1
            entries.append(_reference(by_isrc[rec.isrc]))
            continue
        name_key = (
            (normalize_name(rec.artists[0].name), normalize_name(rec.name or ""))
            if rec.artists
            else None
        )
        if name_key is not None and name_key in by_name:
            report.by_name += 1
            entries.append(_reference(by_name[name_key]))
            continue
        report.new += 1
        report.new_tracks.append(_label(rec))
        entries.append(rec)
        upserts.append(rec)
    return entries, upserts, report


@dataclass(frozen=True)
class ImportResult:
    playlist_key: str
    name: str
    summary: IngestSummary
    report: MatchReport

    def as_dict(self) -> dict[str, Any]:
        return {
            "playlist": self.playlist_key,
            "name": self.name,
            "tracks": self.report.total,
            "match": self.report.as_dict(),
            "ingest": self.summary.as_dict(),
        }


def import_tracks(
    catalog: Catalog,
    tracks: Sequence[p.Track],
    *,
    key: str,
    name: str,
    kind: str,
    source: str,
    description: str | None = None,
) -> ImportResult:
    """Match and write ``tracks`` as one playlist, with provenance, in one transaction."""
    started = datetime.now(UTC)
    records = [track_record(t) for t in tracks]
    with catalog.begin() as conn:
        entries, upserts, report = match_tracks(conn, records)
        summary = IngestSummary(
            kind=kind,
            source=source,
            status="ok",
            records_read=len(tracks),
            records_loaded=len(entries),
            message=(
                f"{report.by_id} matched by id, {report.by_isrc} by ISRC, "
                f"{report.by_name} by name, {report.new} new"
            ),
        )
        ingest_id = record_ingest(conn, summary, started)
        writer = BatchWriter(conn, feature_source="spotify")
        if upserts:
            writer.upsert_tracks(upserts)
        writer.replace_playlists(
            [PlaylistRecord(key=key, name=name, tracks=tuple(entries), description=description)],
            ingest_id=ingest_id,
        )
    return ImportResult(playlist_key=key, name=name, summary=summary, report=report)


def _is_track(t: p.Track | None) -> bool:
    return bool(t) and (t or {}).get("type", "track") == "track" and bool((t or {}).get("name"))


def import_library(
    catalog: Catalog, client: SpotifyClient, on_page: OnPage | None = None
) -> ImportResult:
    """The signed-in user's saved tracks as the playlist ``spotify-library:<user>``."""
    user = client.me()["id"]
    tracks = [t for saved in client.saved_tracks(on_page) if _is_track(t := saved.get("track"))]
    return import_tracks(
        catalog,
        [t for t in tracks if t],
        key=f"spotify-library:{user}",
        name=f"Spotify library of {user}",
        kind="spotify-library",
        source=f"spotify:user:{user}:collection",
    )


def import_playlist(
    catalog: Catalog, client: SpotifyClient, ref: str, on_page: OnPage | None = None
) -> ImportResult:
    """A playlist's items (by id, URI or URL) as the playlist ``spotify:<id>``."""
    playlist_id = parse_spotify_ref(ref, "playlist")
    if playlist_id is None:
        raise InputError(
            f"{ref!r} is not a Spotify playlist",
            hint="give its id, spotify:playlist:ID or https://open.spotify.com/playlist/ID",
        )
    meta = client.playlist(playlist_id)
    tracks: list[p.Track] = []
    for item in client.playlist_items(playlist_id, on_page):
        t = item.get("item") or item.get("track")
        if t and _is_track(t):
            tracks.append(t)
    return import_tracks(
        catalog,
        tracks,
        key=f"spotify:{playlist_id}",
        name=meta.get("name") or playlist_id,
        kind="spotify-playlist",
        source=f"spotify:playlist:{playlist_id}",
        description=meta.get("description"),
    )


# -- export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    playlist_id: str
    url: str
    added: int
    skipped_local: int
    skipped_invalid: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "playlist_id": self.playlist_id,
            "url": self.url,
            "added": self.added,
            "skipped_local": self.skipped_local,
            "skipped_invalid": list(self.skipped_invalid),
        }


def track_uris(refs: Iterable[str]) -> tuple[list[str], int, list[str]]:
    """(spotify:track: URIs, how many local: keys were skipped, refs that are not tracks)."""
    uris: list[str] = []
    local = 0
    invalid: list[str] = []
    for ref in refs:
        if ref.startswith(LOCAL_PREFIX):
            local += 1
            continue
        track_id = parse_spotify_ref(ref, "track")
        if track_id is None:
            invalid.append(ref)
        else:
            uris.append(f"spotify:track:{track_id}")
    return uris, local, invalid


def export_playlist(
    client: SpotifyClient,
    name: str,
    refs: Sequence[str],
    *,
    description: str = "Made with mixtape",
    public: bool = False,
) -> ExportResult:
    """Create a playlist in the user's account and add the tracks (100 per request)."""
    uris, local, invalid = track_uris(refs)
    if not uris:
        raise InputError(
            f"nothing to export: none of the {len(refs)} tracks has a Spotify id "
            f"({local} local keys, {len(invalid)} not track references)"
        )
    created = client.create_playlist(name, description, public)
    playlist_id = created["id"]
    client.add_items(playlist_id, uris)
    url = (created.get("external_urls") or {}).get("spotify") or (
        f"https://open.spotify.com/playlist/{playlist_id}"
    )
    return ExportResult(playlist_id, url, len(uris), local, tuple(invalid))


# -- a self-growing catalog ---------------------------------------------------------------


def ensure_tracks(catalog: Catalog, client: SpotifyClient, refs: Sequence[str]) -> list[str]:
    """Add the tracks among ``refs`` that the catalog lacks, when Spotify still looks them up.

    Returns the keys added (the recommend service may call this for unknown seeds).
    """
    ids = [i for r in refs if (i := parse_spotify_ref(r, "track")) and is_spotify_id(i)]
    if not ids:
        return []
    started = datetime.now(UTC)
    with catalog.connect() as conn:
        known = {row[0] for row in select_in(conn, schema.tracks, ("key",), "key", ids)}
    missing = [i for i in dict.fromkeys(ids) if i not in known]
    if not missing:
        return []
    found = client.tracks(missing)
    records = [track_record(found[i]) for i in missing if i in found]
    if not records:
        return []
    with catalog.begin() as conn:
        record_ingest(
            conn,
            IngestSummary(
                kind="spotify-lookup",
                source="spotify:tracks",
                status="ok",
                records_read=len(missing),
                records_loaded=len(records),
                records_skipped=len(missing) - len(records),
            ),
            started,
        )
        BatchWriter(conn, feature_source="spotify").upsert_tracks(records)
    return [r.key for r in records]

"""Plain, frozen records passed between ingestion, the catalog and the models.

Imports nothing of ours but ``keys``; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mixtape.keys import exact_name, local_key


@dataclass(frozen=True, slots=True)
class ArtistRef:
    """An artist as a record mentions it: always a name, sometimes a Spotify id."""

    name: str
    spotify_id: str | None = None

    @property
    def key(self) -> str:
        return self.spotify_id or local_key(self.name, fold=False)

    @property
    def name_norm(self) -> str:
        """The name as matched against other sources: exact (see ``keys.exact_name``)."""
        return exact_name(self.name)


@dataclass(frozen=True, slots=True)
class AlbumRef:
    name: str | None
    spotify_id: str | None = None
    release_date: str | None = None
    release_year: int | None = None
    artists: tuple[ArtistRef, ...] = ()

    @property
    def key(self) -> str:
        if self.spotify_id:
            return self.spotify_id
        first = self.artists[0].name if self.artists else ""
        return local_key("album", first, self.name or "")


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """One track as read from a source; None means "this source does not say"."""

    name: str | None
    spotify_id: str | None = None
    artists: tuple[ArtistRef, ...] = ()
    album: AlbumRef | None = None
    duration_ms: int | None = None
    explicit: bool | None = None
    popularity: int | None = None
    release_date: str | None = None
    release_year: int | None = None
    track_number: int | None = None
    disc_number: int | None = None
    isrc: str | None = None
    features: dict[str, Any] | None = None
    genres: tuple[str, ...] = ()
    musicbrainz_id: str | None = None  # the recording's MusicBrainz id (a file's tags)
    #: A ``local:`` key the source chose itself (local audio: from the MusicBrainz id,
    #: the ISRC or the tags; see ``ingest/audio_tracks.py``), used when there is no
    #: Spotify id instead of the one derived from artist and title.
    source_key: str | None = None

    @property
    def key(self) -> str:
        if self.spotify_id:
            return self.spotify_id
        if self.source_key:
            return self.source_key
        first = self.artists[0].name if self.artists else ""
        return local_key(first, self.name or "")


@dataclass(frozen=True, slots=True)
class ArtistRecord:
    """Artist-level facts: genres and popularity."""

    ref: ArtistRef
    popularity: int | None = None
    followers: int | None = None
    genres: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaylistRecord:
    key: str
    name: str | None
    tracks: tuple[TrackRecord, ...]
    description: str | None = None
    collaborative: bool | None = None
    modified_at: int | None = None
    num_followers: int | None = None
    num_edits: int | None = None


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What one ingest of one source did."""

    kind: str
    source: str
    status: str  # "ok", "failed"
    records_read: int = 0
    records_loaded: int = 0
    records_skipped: int = 0
    message: str | None = None
    skipped_lines: tuple[int, ...] = field(default=())
    conflicts: int = 0  # records refused because another source holds their key
    warnings: tuple[str, ...] = field(default=())  # one line each, e.g. about a conflict

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "status": self.status,
            "records_read": self.records_read,
            "records_loaded": self.records_loaded,
            "records_skipped": self.records_skipped,
            "message": self.message,
            "skipped_lines": list(self.skipped_lines),
            "conflicts": self.conflicts,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended track, as the CLI shows it (and prints it with --json)."""

    track_id: str  # the catalog key: a Spotify id or a ``local:`` key
    name: str
    artists: tuple[str, ...]
    score: float
    reason: str
    root: str | None = None  # the library root of the track's audio file, if it has one
    path: str | None = None  # that file, relative to ``root`` (forward slashes)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "track_id": self.track_id,
            "name": self.name,
            "artists": list(self.artists),
            "score": self.score if math.isfinite(self.score) else None,
            "reason": self.reason,
        }
        if self.root is not None and self.path is not None:
            out["file"] = {"root": self.root, "path": self.path}
        return out

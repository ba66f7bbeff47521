"""Million Playlist Dataset slices: the full schema and reduced variants.

A slice is ``{"info": {...}, "playlists": [{..., "tracks": [{...}]}]}``.  Any
field but ``pid`` and a track's ``track_uri`` may be missing; missing fields
stay null and a track's position is its order in the list (``pos`` is checked
against it when present).  Each slice is loaded in one transaction.

A pid names one playlist: loading a slice again replaces its playlists (so
counts do not change), but a playlist whose pid the catalog already holds from
another source (another file name, different content; see
:mod:`mixtape.catalog.playlists`) is refused, counted in the summary's
``conflicts`` and named in a warning, and the stored playlist is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from mixtape.catalog.bulk import paused_gc
from mixtape.catalog.db import Catalog, record_failure, record_ingest
from mixtape.catalog.playlists import clashing_playlists
from mixtape.catalog.writes import BatchWriter, IdCache
from mixtape.errors import IngestError, InputError
from mixtape.ingest.runs import interruptible
from mixtape.keys import parse_spotify_ref
from mixtape.records import AlbumRef, ArtistRef, IngestSummary, PlaylistRecord, TrackRecord

KIND = "mpd"


class MpdTrack(msgspec.Struct):
    track_uri: str
    track_name: str | None = None
    artist_name: str | None = None
    artist_uri: str | None = None
    album_uri: str | None = None
    album_name: str | None = None
    duration_ms: int | None = None
    pos: int | None = None


class MpdPlaylist(msgspec.Struct):
    pid: int
    tracks: list[MpdTrack]
    name: str | None = None
    description: str | None = None
    collaborative: str | bool | None = None
    modified_at: int | None = None
    num_tracks: int | None = None
    num_followers: int | None = None
    num_edits: int | None = None
    num_albums: int | None = None
    num_artists: int | None = None
    duration_ms: int | None = None


class MpdSlice(msgspec.Struct):
    playlists: list[MpdPlaylist]
    info: dict[str, object] | None = None


_DECODER = msgspec.json.Decoder(MpdSlice)
_PLAYLIST_AT = re.compile(r"\$\.playlists\[(\d+)\]")


def expand_paths(paths: Iterable[Path], pattern: str = "*.json") -> list[Path]:
    """Files as given, folders expanded to their matching files in natural order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob(pattern), key=_natural)
            if not found:
                raise InputError(f"{path}: no {pattern} files in this folder")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return out


def _natural(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def parse_slice(path: Path) -> list[PlaylistRecord]:
    """Read and validate one slice; raise :class:`IngestError` naming the playlist."""
    data = decode_slice(path)
    seen: dict[tuple[object, ...], TrackRecord] = {}
    return [_playlist(p, index, path, seen) for index, p in enumerate(data.playlists)]


def decode_slice(path: Path) -> MpdSlice:
    """One slice as decoded (its playlists as they are in the file, pids checked unique);
    :class:`IngestError` naming the file and playlist when it is not a slice."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(exc.strerror or str(exc), source=str(path)) from exc
    try:
        data = _DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        where = _PLAYLIST_AT.search(str(exc))
        location = f"playlist #{where.group(1)}" if where else None
        raise IngestError(f"not an MPD slice: {exc}", source=str(path), location=location) from exc
    except msgspec.DecodeError as exc:
        raise IngestError(
            f"corrupt JSON ({exc})", source=str(path), hint="is the file truncated?"
        ) from exc
    first_at: dict[int, int] = {}
    for index, p in enumerate(data.playlists):
        earlier = first_at.setdefault(p.pid, index)
        if earlier != index:
            raise IngestError(
                f"pid {p.pid} is used twice in this file, by playlists #{earlier} and #{index}",
                source=str(path),
                location=f"playlist #{index}",
            )
    return data


def _playlist(
    p: MpdPlaylist, index: int, path: Path, seen: dict[tuple[object, ...], TrackRecord]
) -> PlaylistRecord:
    tracks = []
    for position, t in enumerate(p.tracks):
        if t.pos is not None and t.pos != position:
            raise IngestError(
                f"track {position} has pos {t.pos}; positions must follow the list order",
                source=str(path),
                location=f"playlist #{index} (pid {p.pid})",
            )
        # The same track recurs across a slice's playlists: build its record once.
        signature = (
            t.track_uri,
            t.track_name,
            t.artist_name,
            t.artist_uri,
            t.album_uri,
            t.album_name,
            t.duration_ms,
        )
        known = seen.get(signature)
        if known is not None:
            tracks.append(known)
            continue
        track_id = parse_spotify_ref(t.track_uri, "track")
        if track_id is None:
            raise IngestError(
                f"track {position} has track_uri {t.track_uri!r}, not a Spotify track URI",
                source=str(path),
                location=f"playlist #{index} (pid {p.pid})",
            )
        artist = None
        if t.artist_name is not None or t.artist_uri is not None:
            artist_id = parse_spotify_ref(t.artist_uri, "artist") if t.artist_uri else None
            artist = ArtistRef(t.artist_name or artist_id or "", artist_id)
        artists = (artist,) if artist else ()
        album = None
        if t.album_uri or t.album_name:
            album_id = parse_spotify_ref(t.album_uri, "album") if t.album_uri else None
            album = AlbumRef(t.album_name, album_id, artists=artists)
        record = TrackRecord(
            name=t.track_name,
            spotify_id=track_id,
            artists=artists,
            album=album,
            duration_ms=t.duration_ms,
        )
        seen[signature] = record
        tracks.append(record)
    collab = p.collaborative
    if isinstance(collab, str):
        collab = collab.strip().lower() == "true"
    return PlaylistRecord(
        key=f"mpd:{p.pid}",
        name=p.name,
        tracks=tuple(tracks),
        description=p.description,
        collaborative=collab,
        modified_at=p.modified_at,
        num_followers=p.num_followers,
        num_edits=p.num_edits,
    )


def load_slice(catalog: Catalog, path: Path, cache: IdCache | None = None) -> IngestSummary:
    """Parse and load one slice in one transaction. Raises on any bad record."""
    started = datetime.now(UTC)
    with paused_gc():
        return _load_slice(catalog, path, cache, started)


def _load_slice(
    catalog: Catalog, path: Path, cache: IdCache | None, started: datetime
) -> IngestSummary:
    playlists = parse_slice(path)
    with catalog.begin() as conn:
        clashes = clashing_playlists(conn, playlists, str(path))
        kept = [p for p in playlists if p.key not in clashes]
        entries = sum(len(p.tracks) for p in kept)
        message = f"{entries} playlist entries"
        if clashes:
            message += (
                f"; {len(clashes)} playlist(s) refused: their pid is in the catalog "
                "from another source"
            )
        summary = IngestSummary(
            kind=KIND,
            source=str(path),
            status="ok",
            records_read=len(playlists),
            records_loaded=len(kept),
            records_skipped=len(clashes),
            message=message,
            conflicts=len(clashes),
            warnings=tuple(_clash_warning(key, other, path) for key, other in clashes.items()),
        )
        ingest_id = record_ingest(conn, summary, started)
        writer = BatchWriter(conn, cache)
        writer.replace_playlists(kept, ingest_id=ingest_id)
    writer.commit_to_cache()
    return summary


def _clash_warning(key: str, other: str | None, path: Path) -> str:
    pid = key.removeprefix("mpd:")
    return (
        f"pid {pid}: kept the playlist loaded from {other or 'an unknown source'}; "
        f"{path} has another playlist with this pid, not loaded"
    )


def ingest_mpd(
    catalog: Catalog,
    paths: Sequence[Path],
    *,
    strict: bool = False,
    on_file: Callable[[Path, IngestSummary], None] | None = None,
) -> Iterator[IngestSummary]:
    """Load slices one by one, yielding a summary per file.

    A bad slice is rolled back and recorded as failed; the others go on,
    unless ``strict``, where the first bad slice raises.  ``on_file`` is called
    after each file (committed or failed).  A ``KeyboardInterrupt`` (Ctrl-C)
    becomes :class:`~mixtape.errors.Interrupted` carrying the summaries of the
    files done so far; the slice under way is rolled back.
    """
    cache = IdCache()
    done: list[IngestSummary] = []
    with interruptible(done):
        for path in expand_paths(paths):
            started = datetime.now(UTC)
            try:
                summary = load_slice(catalog, path, cache)
            except IngestError as exc:
                if strict:
                    raise
                summary = IngestSummary(
                    kind=KIND, source=str(path), status="failed", message=str(exc)
                )
                record_failure(catalog, summary, started)
            done.append(summary)
            if on_file is not None:
                on_file(path, summary)
            yield summary

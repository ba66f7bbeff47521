"""M3U/M3U8 files of a music folder become playlists of the tracks their entries name.

An entry is matched to the file it names under the root (the path as written,
resolved from the playlist's folder), else by its last components (a playlist made
on another machine or through another mount: ``C:\\Music\\A\\B\\01.mp3`` still ends in
``A/B/01.mp3``; a tail must name exactly one file, compared without case).  Files
marked missing still match: a playlist keeps its entries while a disk is away.
Entries that match nothing (and stream URLs) are counted and named in the summary.

The playlist's key is ``m3u:`` and a hash of the file's absolute path, so ingesting
the folder again replaces its entries (the file was edited) instead of adding one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from sqlalchemy import Connection

from mixtape.catalog.local_audio import stored_files, track_keys
from mixtape.catalog.writes import BatchWriter
from mixtape.ingest.audio_m3u import M3uEntry, M3uPlaylist, candidates, is_stream, local_path
from mixtape.ingest.audio_scan import file_key
from mixtape.records import PlaylistRecord, TrackRecord

KEY_PREFIX = "m3u:"
#: Unmatched entries named per playlist in a summary line (all are counted).
NAMED_ENTRIES = 5


@dataclass(frozen=True, slots=True)
class PlaylistOutcome:
    """One playlist file: where it is, its name, entries matched and the ones that were not."""

    source: str
    name: str
    entries: int
    matched: int
    unmatched: tuple[M3uEntry, ...] = field(default=())

    def line(self) -> str:
        """The summary's line about the entries that match no file."""
        named = ", ".join(e.label() for e in self.unmatched[:NAMED_ENTRIES])
        rest = len(self.unmatched) - NAMED_ENTRIES
        more = f" and {rest} more" if rest > 0 else ""
        return (
            f"{self.source}: {len(self.unmatched)} of {self.entries} entries match no file "
            f"in the library ({named}{more})"
        )


class EntryMatcher:
    """Entry → track id, against the files recorded under one root."""

    def __init__(self, root: Path, by_relative: dict[str, int]) -> None:
        self.root = PurePosixPath(root.as_posix())
        self.by_relative = by_relative
        self._tails: dict[str, set[str]] | None = None

    @classmethod
    def of_root(cls, conn: Connection, root: Path) -> EntryMatcher:
        rows = stored_files(conn, str(root)).values()
        return cls(root, {r.path: r.track_id for r in rows if r.track_id is not None})

    def track_id(self, entry: M3uEntry, folder: Path) -> int | None:
        if is_stream(entry.location):
            return None
        found = self._match(local_path(entry.location, folder))
        if found is None and "%" in entry.location:  # %-escapes without file:// (some players)
            found = self._match(local_path(unquote(entry.location), folder))
        return found

    def _match(self, path: PurePosixPath) -> int | None:
        if path.is_relative_to(self.root):
            found = self.by_relative.get(path.relative_to(self.root).as_posix())
            if found is not None:
                return found
        for tail in candidates(path):
            matches = self.tails().get(tail.casefold(), set())
            if len(matches) == 1:
                return self.by_relative[next(iter(matches))]
            if matches:  # several files end like this: a longer tail was needed
                return None
        return None

    def tails(self) -> dict[str, set[str]]:
        """Lower-cased tails (1..4 components) → the relative paths ending so (built once)."""
        if self._tails is None:
            tails: dict[str, set[str]] = defaultdict(set)
            for relative in self.by_relative:
                for tail in candidates(PurePosixPath("/", relative)):
                    tails[tail.casefold()].add(relative)
            self._tails = dict(tails)
        return self._tails


def playlist_key(path: Path) -> str:
    """``m3u:`` + 40 hex characters of the hash of the playlist file's absolute path."""
    return KEY_PREFIX + file_key(path.parent, path.name)[:40]


def write_playlist(
    writer: BatchWriter,
    matcher: EntryMatcher,
    playlist: M3uPlaylist,
    source: str,
    ingest_id: int,
) -> PlaylistOutcome:
    """Replace the catalog's playlist for this file with the tracks its entries match."""
    matched: list[int] = []
    unmatched: list[M3uEntry] = []
    for entry in playlist.entries:
        track = matcher.track_id(entry, playlist.path.parent)
        if track is None:
            unmatched.append(entry)
        else:
            matched.append(track)
    keys = track_keys(writer.conn, sorted(set(matched)))
    record = PlaylistRecord(
        key=playlist_key(playlist.path),
        name=playlist.name,
        tracks=tuple(TrackRecord(name=None, source_key=keys[t]) for t in matched),
    )
    writer.replace_playlists([record], ingest_id=ingest_id)
    return PlaylistOutcome(
        source, playlist.name, len(playlist.entries), len(matched), tuple(unmatched)
    )

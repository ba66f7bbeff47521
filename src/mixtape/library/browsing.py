"""Playlists for a picker: find ingested playlists by title and list one's tracks.

Added for the web app's Playlist page (and the sign-in page, which reads the
imported library back); thin reads over the catalog and the track index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from mixtape.catalog import schema
from mixtape.library.core import about
from mixtape.library.recommending import Recommending

if TYPE_CHECKING:
    from mixtape.catalog.search_index import SearchHit
    from mixtape.features.moodmap import MoodMap


@dataclass(frozen=True)
class TrackBrief:
    """A track in a list: names, year and its place on the mood plane (None when unknown)."""

    track_id: str
    name: str
    artists: tuple[str, ...]
    year: int | None
    valence: float | None
    energy: float | None
    root: str | None = None  # the library root of its audio file, if it has one
    path: str | None = None  # that file, relative to ``root``

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "track_id": self.track_id,
            "name": self.name,
            "artists": list(self.artists),
            "year": self.year,
            "valence": self.valence,
            "energy": self.energy,
        }
        if self.root is not None and self.path is not None:
            out["file"] = {"root": self.root, "path": self.path}
        return out


@dataclass(frozen=True)
class SearchResult:
    """Tracks matching a typed query, best first, and the artists among them it names."""

    query: str
    tracks: tuple[SearchHit, ...]
    artists: tuple[tuple[str, int], ...]  # (artist, tracks of theirs among the hits)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "tracks": [t.as_dict() for t in self.tracks],
            "artists": [{"name": name, "tracks": n} for name, n in self.artists],
        }


@dataclass(frozen=True)
class PlaylistInfo:
    """A playlist as a picker lists it."""

    key: str
    name: str
    tracks: int

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "tracks": self.tracks}


@dataclass(frozen=True)
class PlaylistDetails:
    """A playlist with its tracks in order."""

    key: str
    name: str
    tracks: tuple[TrackBrief, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "tracks": [t.as_dict() for t in self.tracks],
        }


def _known(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


class Browsing(Recommending):
    """Playlist look-ups for pickers, short descriptions of listed tracks, the mood map."""

    def search(self, query: str, *, limit: int = 20) -> SearchResult:
        """Tracks whose name or artists start with the words typed (each word a prefix),
        or the track a Spotify id, URI or URL names; on the engine's full-text index."""
        from mixtape.catalog.search_docs import fold
        from mixtape.catalog.search_index import search_tracks

        with about("q"):
            hits = tuple(search_tracks(self.existing_catalog(), query, limit))
        words = fold(query).split()
        counts: dict[str, int] = {}
        for hit in hits:
            for artist in hit.artists:
                folded = fold(artist).split()
                if words and all(any(w.startswith(q) for w in folded) for q in words):
                    counts[artist] = counts.get(artist, 0) + 1
        return SearchResult(query=query, tracks=hits, artists=tuple(counts.items()))

    def mood_map(self) -> MoodMap:
        """The catalog on the valence–energy plane: a density grid plus a fixed sample."""
        from mixtape.features.moodmap import mood_map

        return mood_map(self.arrays())

    def briefs(self, refs: Sequence[str]) -> list[TrackBrief]:
        """The tracks ``refs`` name, in order (unknown references are left out).

        Cheaper than :meth:`track` per row: no playlist counts, no genres.
        """
        data = self.arrays()
        index = self.index(data)
        valence, energy = data.column("valence"), data.column("energy")
        rows = [row for row in map(index.find, refs) if row is not None]
        with_file = [index.key(r) for r in rows if data.has_file[r]]
        files = self.local_files(with_file) if with_file else {}
        out = []
        for row in rows:
            year = _known(float(data.year[row]))
            key = index.key(row)
            root, path = files.get(key, (None, None))
            out.append(
                TrackBrief(
                    track_id=key,
                    name=str(data.names[row]),
                    artists=tuple(index.artists(row)),
                    year=None if year is None else int(year),
                    valence=_known(float(valence[row])),
                    energy=_known(float(energy[row])),
                    root=root,
                    path=path,
                )
            )
        return out

    def playlists(self, query: str = "", *, limit: int = 20) -> list[PlaylistInfo]:
        """Playlists whose title contains ``query`` (case-insensitive), largest first."""
        words = query.strip().lower()
        counts = (
            select(schema.playlist_tracks.c.playlist_id, func.count().label("n"))
            .group_by(schema.playlist_tracks.c.playlist_id)
            .subquery()
        )
        stmt = (
            select(schema.playlists.c.key, schema.playlists.c.name, counts.c.n)
            .join(counts, counts.c.playlist_id == schema.playlists.c.id)
            .order_by(counts.c.n.desc(), schema.playlists.c.id)
            .limit(max(1, min(limit, 200)))
        )
        if words:
            stmt = stmt.where(func.lower(schema.playlists.c.name).contains(words, autoescape=True))
        with self.existing_catalog().connect() as conn:
            rows = conn.execute(stmt).all()
        return [PlaylistInfo(str(k), str(name or k), int(n)) for k, name, n in rows]

    def playlist(self, ref: str) -> PlaylistDetails:
        """One playlist (key, MPD pid or Spotify URL) with its tracks in playlist order."""
        data = self.arrays()
        index = self.index(data)
        with about("playlist"):
            key = str(data.playlist_keys[index.playlist_row(ref)])
        with self.existing_catalog().connect() as conn:
            found = conn.execute(
                select(schema.playlists.c.id, schema.playlists.c.name).where(
                    schema.playlists.c.key == key
                )
            ).first()
            keys = (
                conn.execute(
                    select(schema.tracks.c.key)
                    .join(
                        schema.playlist_tracks,
                        schema.playlist_tracks.c.track_id == schema.tracks.c.id,
                    )
                    .where(schema.playlist_tracks.c.playlist_id == found[0])
                    .order_by(schema.playlist_tracks.c.position)
                )
                .scalars()
                .all()
                if found
                else []
            )
        tracks = tuple(self.briefs([str(k) for k in keys]))
        name = found[1] if found else None
        return PlaylistDetails(key=key, name=str(name or key), tracks=tracks)

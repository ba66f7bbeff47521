"""Read queries over the catalog: counts, top lists, coverage, recent ingests.

SQLAlchemy Core only, portable across SQLite, MySQL/MariaDB and PostgreSQL.
Every aggregate runs in the database (``GROUP BY`` with ``LIMIT``), so a
summary of a catalog with millions of playlist entries reads a few hundred
rows into Python, never the whole table.  Feature frames (sampled audio
features for plots) are in :mod:`mixtape.catalog.frames`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from mixtape.catalog import schema
from mixtape.catalog.frames import (
    FRAME_COLUMNS,
    NO_FEATURES,
    FeatureSample,
    any_feature,
    feature_frame,
)
from mixtape.errors import InputError

TOP = 20
RECENT_INGESTS = 10
#: The largest LIMIT a query is given (a signed 64-bit integer, as SQL engines take).
MAX_LIMIT = 2**63 - 1


@dataclass(frozen=True)
class Counted:
    """A name and how many times it occurs (a playlist title, an artist)."""

    name: str
    count: int


@dataclass(frozen=True)
class TopTrack:
    key: str
    name: str
    artist: str
    count: int


@dataclass(frozen=True)
class IngestRow:
    kind: str
    source: str
    status: str
    records_read: int
    records_loaded: int
    records_skipped: int
    message: str | None
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class Coverage:
    """How much of the catalog carries each kind of metadata."""

    tracks_with_features: int
    features: dict[str, int]
    tracks_with_release_year: int
    tracks_with_popularity: int
    artists_with_genres: int
    tracks_with_genres: int
    #: Tracks with a feature row per ``audio_features.source`` ("catalog", "spotify",
    #: "demo"; "unrecorded" for rows written before the source was kept).
    feature_sources: dict[str, int]
    #: Tracks with features measured from a local file, and with a sonic embedding.
    tracks_with_local_features: int
    tracks_with_sonic_embeddings: int


@dataclass(frozen=True)
class CatalogStats:
    """Everything ``mixtape stats`` shows, modelled on the MPD's ``stats.txt``."""

    playlists: int
    playlist_tracks: int
    tracks: int
    artists: int
    albums: int
    genres: int
    unique_playlist_tracks: int
    unique_titles: int
    unique_normalized_titles: int
    playlists_with_descriptions: int
    top_titles: tuple[Counted, ...]
    top_tracks: tuple[TopTrack, ...]
    top_artists: tuple[Counted, ...]
    coverage: Coverage
    ingests_total: int
    ingests_failed: int
    recent_ingests: tuple[IngestRow, ...]
    audio_files: dict[str, int]  # local audio files per status

    @property
    def avg_playlist_length(self) -> float:
        return self.playlist_tracks / self.playlists if self.playlists else 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: flat integer counts first, nested details after."""
        return {
            "playlists": self.playlists,
            "playlist_tracks": self.playlist_tracks,
            "tracks": self.tracks,
            "artists": self.artists,
            "albums": self.albums,
            "genres": self.genres,
            "tracks_with_features": self.coverage.tracks_with_features,
            "playlist_summary": {
                "unique_tracks": self.unique_playlist_tracks,
                "unique_titles": self.unique_titles,
                "unique_normalized_titles": self.unique_normalized_titles,
                "playlists_with_descriptions": self.playlists_with_descriptions,
                "avg_playlist_length": round(self.avg_playlist_length, 6),
            },
            "top_titles": [asdict(t) for t in self.top_titles],
            "top_tracks": [asdict(t) for t in self.top_tracks],
            "top_artists": [asdict(a) for a in self.top_artists],
            "coverage": asdict(self.coverage),
            "audio_files": dict(self.audio_files),
            "ingests": {
                "total": self.ingests_total,
                "failed": self.ingests_failed,
                "recent": [
                    {
                        **asdict(i),
                        "started_at": _iso(i.started_at),
                        "finished_at": _iso(i.finished_at),
                    }
                    for i in self.recent_ingests
                ],
            },
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _count(conn: Connection, stmt: Any) -> int:
    return int(conn.execute(stmt).scalar_one() or 0)


def count_rows(conn: Connection, table: str) -> int:
    """``SELECT count(*)`` of one catalog table."""
    return _count(conn, select(func.count()).select_from(schema.metadata.tables[table]))


def _exact(conn: Connection, column: Any) -> Any:
    """``column`` compared byte for byte (MySQL's default collation ignores case)."""
    if conn.dialect.name in ("mysql", "mariadb"):
        return column.collate("utf8mb4_bin")
    return column


def _normalized_title(conn: Connection) -> Any:
    return _exact(conn, func.lower(func.trim(schema.playlists.c.name)))


def top_titles(conn: Connection, limit: int = TOP) -> list[Counted]:
    """The most common playlist titles, lower-cased and stripped (MPD-style)."""
    title = _normalized_title(conn)
    stmt = (
        select(title.label("title"), func.count().label("n"))
        .where(schema.playlists.c.name.is_not(None), func.trim(schema.playlists.c.name) != "")
        .group_by(title)
        .order_by(func.count().desc(), title)
        .limit(limit)
    )
    return [Counted(str(t), int(n)) for t, n in conn.execute(stmt)]


def _artist_names(conn: Connection, track_ids: Sequence[int]) -> dict[int, str]:
    """Track id → its credited artists' names, in credit order, joined by ", "."""
    if not track_ids:
        return {}
    at, ar = schema.artist_track, schema.artists
    stmt = (
        select(at.c.track_id, ar.c.name)
        .join(ar, ar.c.id == at.c.artist_id)
        .where(at.c.track_id.in_(list(track_ids)))
        .order_by(at.c.track_id, at.c.position, ar.c.id)
    )
    names: dict[int, list[str]] = {}
    for tid, name in conn.execute(stmt):
        names.setdefault(int(tid), []).append(str(name))
    return {tid: ", ".join(parts) for tid, parts in names.items()}


def top_tracks(conn: Connection, limit: int = TOP) -> list[TopTrack]:
    """The tracks in most playlist entries, most first (ties by track id)."""
    pt, t = schema.playlist_tracks, schema.tracks
    n = func.count().label("n")
    ranked = (
        select(pt.c.track_id, n)
        .group_by(pt.c.track_id)
        .order_by(n.desc(), pt.c.track_id)
        .limit(limit)
    )
    rows = [(int(tid), int(cnt)) for tid, cnt in conn.execute(ranked)]
    if not rows:
        return []
    ids = [tid for tid, _ in rows]
    info = {
        int(tid): (str(key), name)
        for tid, key, name in conn.execute(select(t.c.id, t.c.key, t.c.name).where(t.c.id.in_(ids)))
    }
    artists = _artist_names(conn, ids)
    return [
        TopTrack(
            key=info[tid][0],
            name=info[tid][1] or "(untitled)",
            artist=artists.get(tid, "(unknown artist)"),
            count=cnt,
        )
        for tid, cnt in rows
    ]


def top_artists(conn: Connection, limit: int = TOP) -> list[Counted]:
    """Artists by the playlist entries crediting them (a track's every artist counts)."""
    pt, at, ar = schema.playlist_tracks, schema.artist_track, schema.artists
    per_track = select(pt.c.track_id, func.count().label("n")).group_by(pt.c.track_id).subquery()
    total = func.sum(per_track.c.n)
    ranked = (
        select(at.c.artist_id, total.label("n"))
        .join(per_track, per_track.c.track_id == at.c.track_id)
        .group_by(at.c.artist_id)
        .order_by(total.desc(), at.c.artist_id)
        .limit(limit)
    )
    rows = [(int(aid), int(cnt)) for aid, cnt in conn.execute(ranked)]
    if not rows:
        return []
    names = {
        int(aid): str(name)
        for aid, name in conn.execute(
            select(ar.c.id, ar.c.name).where(ar.c.id.in_([aid for aid, _ in rows]))
        )
    }
    return [Counted(names[aid], cnt) for aid, cnt in rows]


def coverage(conn: Connection) -> Coverage:
    """Non-null counts per audio feature and for the other model inputs."""
    af, t = schema.audio_features, schema.tracks
    feature_counts = select(
        func.count(case((any_feature(), 1))),
        *(func.count(af.c[f]) for f in schema.AUDIO_FEATURES),
    )
    any_count, *per_feature = conn.execute(feature_counts).one()
    year, popularity = conn.execute(
        select(func.count(t.c.release_year), func.count(t.c.popularity))
    ).one()
    return Coverage(
        tracks_with_features=int(any_count or 0),
        features={f: int(c or 0) for f, c in zip(schema.AUDIO_FEATURES, per_feature, strict=True)},
        tracks_with_release_year=int(year or 0),
        tracks_with_popularity=int(popularity or 0),
        artists_with_genres=_count(
            conn, select(func.count(schema.artist_genres.c.artist_id.distinct()))
        ),
        tracks_with_genres=_count(
            conn, select(func.count(schema.track_genres.c.track_id.distinct()))
        ),
        feature_sources=_feature_sources(conn),
        tracks_with_local_features=count_rows(conn, "local_features"),
        tracks_with_sonic_embeddings=count_rows(conn, "sonic_embeddings"),
    )


def _feature_sources(conn: Connection) -> dict[str, int]:
    """Feature rows per source (rows with no value at all are not counted)."""
    af = schema.audio_features
    stmt = select(af.c.source, func.count()).where(any_feature()).group_by(af.c.source)
    counts = {source or "unrecorded": int(n) for source, n in conn.execute(stmt)}
    return dict(sorted(counts.items()))


def audio_file_counts(conn: Connection) -> dict[str, int]:
    """Local audio files per status ("ok", "failed", "missing")."""
    af = schema.audio_files
    stmt = select(af.c.status, func.count()).group_by(af.c.status)
    return {str(status): int(n) for status, n in sorted(conn.execute(stmt))}


def recent_ingests(conn: Connection, limit: int = RECENT_INGESTS) -> list[IngestRow]:
    """The latest ingests, newest first."""
    i = schema.ingests
    stmt = (
        select(
            i.c.kind,
            i.c.source,
            i.c.status,
            i.c.records_read,
            i.c.records_loaded,
            i.c.records_skipped,
            i.c.message,
            i.c.started_at,
            i.c.finished_at,
        )
        .order_by(i.c.id.desc())
        .limit(limit)
    )
    return [IngestRow(*row) for row in conn.execute(stmt)]


def catalog_stats(
    conn: Connection, *, top: int = TOP, recent: int = RECENT_INGESTS
) -> CatalogStats:
    """Counts, top lists, coverage and recent ingests of the whole catalog."""
    if top < 0 or recent < 0:
        raise InputError("the number of rows to show cannot be negative")
    # A limit beyond what SQL's LIMIT holds means every row (and no OverflowError).
    top, recent = min(top, MAX_LIMIT), min(recent, MAX_LIMIT)
    p, pt, i = schema.playlists, schema.playlist_tracks, schema.ingests
    title = _normalized_title(conn)
    unique_titles, unique_norm, with_description = conn.execute(
        select(
            func.count(_exact(conn, p.c.name).distinct()),
            func.count(title.distinct()),
            func.count(case((and_(p.c.description.is_not(None), p.c.description != ""), 1))),
        )
    ).one()
    return CatalogStats(
        playlists=count_rows(conn, "playlists"),
        playlist_tracks=count_rows(conn, "playlist_tracks"),
        tracks=count_rows(conn, "tracks"),
        artists=count_rows(conn, "artists"),
        albums=count_rows(conn, "albums"),
        genres=count_rows(conn, "genres"),
        unique_playlist_tracks=_count(conn, select(func.count(pt.c.track_id.distinct()))),
        unique_titles=int(unique_titles or 0),
        unique_normalized_titles=int(unique_norm or 0),
        playlists_with_descriptions=int(with_description or 0),
        top_titles=tuple(top_titles(conn, top)),
        top_tracks=tuple(top_tracks(conn, top)),
        top_artists=tuple(top_artists(conn, top)),
        coverage=coverage(conn),
        ingests_total=count_rows(conn, "ingests"),
        ingests_failed=_count(conn, select(func.count()).select_from(i).where(i.c.status != "ok")),
        recent_ingests=tuple(recent_ingests(conn, recent)),
        audio_files=audio_file_counts(conn),
    )


__all__ = [
    "FRAME_COLUMNS",
    "NO_FEATURES",
    "CatalogStats",
    "Counted",
    "Coverage",
    "FeatureSample",
    "IngestRow",
    "TopTrack",
    "audio_file_counts",
    "catalog_stats",
    "count_rows",
    "coverage",
    "feature_frame",
    "recent_ingests",
    "top_artists",
    "top_titles",
    "top_tracks",
]

"""Loading a generated demo catalog into the catalog database.

Everything goes through :class:`~mixtape.catalog.writes.BatchWriter`, like a
real ingest, in one transaction recorded in ``ingests`` (kind ``demo``).
Loading the same catalog again changes no counts: artists, albums and
tracks are upserted by id, and playlists (keys ``demo:<pid>``) replaced.
A catalog that holds other data is refused unless the caller asks for the
mix (see :mod:`mixtape.demo.rows`, which also removes the demo again).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from mixtape.catalog.db import Catalog, record_failure, record_ingest
from mixtape.catalog.schema import AUDIO_FEATURES
from mixtape.catalog.writes import BatchWriter
from mixtape.demo.generate import DemoCatalog
from mixtape.demo.rows import check_demo_target
from mixtape.errors import MixtapeError
from mixtape.records import (
    AlbumRef,
    ArtistRecord,
    ArtistRef,
    IngestSummary,
    PlaylistRecord,
    TrackRecord,
)

KIND = "demo"
TRACK_BATCH = 5_000
PLAYLIST_BATCH = 1_000

#: Called with (step name, units done) as the catalog is loaded.
Step = Callable[[str, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build produced (and, when loaded, where)."""

    seed: int
    artists: int
    albums: int
    tracks: int
    genres: int
    families: int
    playlists: int
    playlist_entries: int
    target: str  # database URL or output folder

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "artists": self.artists,
            "albums": self.albums,
            "tracks": self.tracks,
            "genres": self.genres,
            "families": self.families,
            "playlists": self.playlists,
            "playlist_entries": self.playlist_entries,
            "target": self.target,
        }


def summarize(cat: DemoCatalog, target: str) -> DemoSummary:
    pl = cat.playlists
    return DemoSummary(
        seed=cat.seed,
        artists=len(cat.artist_ids),
        albums=len(cat.album_ids),
        tracks=cat.n_tracks,
        genres=len(cat.genres),
        families=len(np.unique(cat.genre_family)),
        playlists=len(pl) if pl is not None else 0,
        playlist_entries=len(pl.entries) if pl is not None else 0,
        target=target,
    )


class RecordBuilder:
    """Turns rows of a :class:`DemoCatalog` into records (columns converted once)."""

    def __init__(self, cat: DemoCatalog) -> None:
        self.cat = cat
        self.artist_refs = [
            ArtistRef(name, spotify_id)
            for name, spotify_id in zip(cat.artist_names, cat.artist_ids.tolist(), strict=True)
        ]
        self.track_ids = cat.track_ids.tolist()
        self._albums: list[AlbumRef] | None = None
        self._bare: dict[int, TrackRecord] = {}

    def artists(self) -> list[ArtistRecord]:
        cat = self.cat
        names = cat.genre_names
        return [
            ArtistRecord(
                ref=ref,
                popularity=pop,
                followers=followers,
                genres=tuple(names[g] for g in genres if g >= 0),
            )
            for ref, pop, followers, genres in zip(
                self.artist_refs,
                cat.artist_popularity.tolist(),
                cat.artist_followers.tolist(),
                cat.artist_genres.tolist(),
                strict=True,
            )
        ]

    def albums(self) -> list[AlbumRef]:
        if self._albums is None:
            cat = self.cat
            self._albums = [
                AlbumRef(
                    name,
                    album_id,
                    release_date=date,
                    release_year=year,
                    artists=(self.artist_refs[artist],),
                )
                for name, album_id, date, year, artist in zip(
                    cat.album_names,
                    cat.album_ids.tolist(),
                    cat.album_dates,
                    cat.album_year.tolist(),
                    cat.album_artist.tolist(),
                    strict=True,
                )
            ]
        return self._albums

    def tracks(self, rows: range) -> list[TrackRecord]:
        """Full track records (artists, album, audio features) for a range of rows."""
        cat, sl = self.cat, slice(rows.start, rows.stop)
        albums = self.albums()
        refs = self.artist_refs
        audio = [cat.audio[name][sl].tolist() for name in AUDIO_FEATURES]
        out = []
        for i, (t, album, main, featured, number, explicit, popularity) in enumerate(
            zip(
                rows,
                cat.track_album[sl].tolist(),
                cat.track_artist[sl].tolist(),
                cat.track_featured[sl].tolist(),
                cat.track_number[sl].tolist(),
                cat.explicit[sl].tolist(),
                cat.popularity[sl].tolist(),
                strict=True,
            )
        ):
            ref = albums[album]
            features = {name: column[i] for name, column in zip(AUDIO_FEATURES, audio, strict=True)}
            out.append(
                TrackRecord(
                    name=cat.track_names[t],
                    spotify_id=self.track_ids[t],
                    artists=(refs[main], *(refs[g] for g in featured if g >= 0)),
                    album=ref,
                    duration_ms=features["duration_ms"],
                    explicit=explicit,
                    popularity=popularity,
                    release_date=ref.release_date,
                    release_year=ref.release_year,
                    track_number=number,
                    disc_number=1,
                    features=features,
                )
            )
        return out

    def playlists(self, rows: range) -> list[PlaylistRecord]:
        """Playlists of a range of pids; their tracks are bare references to loaded tracks."""
        pl = self.cat.playlists
        if pl is None:
            return []
        out = []
        for p in rows:
            tracks = []
            for t in pl.tracks_of(p).tolist():
                ref = self._bare.get(t)
                if ref is None:
                    ref = self._bare[t] = TrackRecord(
                        name=self.cat.track_names[t], spotify_id=self.track_ids[t]
                    )
                tracks.append(ref)
            out.append(
                PlaylistRecord(
                    key=f"{KIND}:{p}",
                    name=pl.names[p],
                    tracks=tuple(tracks),
                    description=pl.descriptions[p],
                    collaborative=bool(pl.collaborative[p]),
                    modified_at=int(pl.modified_at[p]),
                    num_followers=int(pl.num_followers[p]),
                    num_edits=int(pl.num_edits[p]),
                )
            )
        return out


def load_steps(cat: DemoCatalog) -> dict[str, int]:
    """Units of work per load step (for a progress bar)."""
    return {
        "artists": len(cat.artist_ids),
        "tracks": cat.n_tracks,
        "playlists": len(cat.playlists) if cat.playlists is not None else 0,
    }


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def load_demo(
    catalog: Catalog,
    cat: DemoCatalog,
    on_step: Step | None = None,
    *,
    into_existing: bool = False,
) -> DemoSummary:
    """Write ``cat`` into ``catalog`` in one transaction; returns what was loaded.

    Unless ``into_existing``, a catalog holding anything but demo data is
    refused (:class:`InputError`, field ``into_existing``) before anything is
    written: mixed in, synthetic tracks and playlists would pass for real ones.
    """
    if not into_existing:
        check_demo_target(catalog)
    step = on_step or (lambda _name, _n: None)
    started = datetime.now(UTC)
    summary = summarize(cat, catalog.url)
    source = f"demo seed={cat.seed} tracks={cat.n_tracks} playlists={summary.playlists}"
    ingest = IngestSummary(
        kind=KIND,
        source=source,
        status="ok",
        records_read=summary.tracks + summary.playlists,
        records_loaded=summary.tracks + summary.playlists,
        message=(
            f"{summary.artists} artists, {summary.albums} albums, {summary.tracks} tracks, "
            f"{summary.playlists} playlists ({summary.playlist_entries} entries)"
        ),
    )
    try:
        with catalog.begin() as conn:
            ingest_id = record_ingest(conn, ingest, started)
            writer = BatchWriter(conn, feature_source="demo")
            build = RecordBuilder(cat)
            writer.upsert_artists(build.artists())
            step("artists", len(cat.artist_ids))
            for rows in _batches(cat.n_tracks, TRACK_BATCH):
                writer.upsert_tracks(build.tracks(rows))
                step("tracks", len(rows))
            for rows in _batches(summary.playlists, PLAYLIST_BATCH):
                writer.replace_playlists(build.playlists(rows), ingest_id=ingest_id)
                step("playlists", len(rows))
    except MixtapeError as exc:
        failed = IngestSummary(kind=KIND, source=source, status="failed", message=str(exc))
        with contextlib.suppress(MixtapeError):  # the database may be what failed
            record_failure(catalog, failed, started)
        raise
    writer.commit_to_cache()
    return summary

"""Track catalogs with audio features, from the common Spotify CSV dumps or any similar file.

Known layouts (recognised from the header, see ``csv_layouts.TRACK_LAYOUTS``):

* ``spotify-songs-30000`` -- "30000 Spotify Songs" (TidyTuesday 2020-01-21): one
  row per (track, playlist), so a track recurs with each playlist's genre and
  subgenre; ``NA`` means missing.
* ``genre-crawl`` -- genre-seeded crawls (``id, genre, name, artist, ...``), with
  or without the full features; ``artist`` may be a list-looking string.
* ``kaggle-160k`` -- Kaggle "Spotify Dataset 1921-2020" ``data.csv``.
* ``kaggle-1.2m`` -- Kaggle "Spotify 1.2M+ Songs" ``tracks_features.csv``.
* ``kaggle-600k`` -- Kaggle "Spotify Dataset 1921-2020, 600k+ Tracks" ``tracks.csv``.
* ``spotify-features`` -- Kaggle ``SpotifyFeatures.csv`` (note-name keys,
  ``Major``/``Minor`` modes, ``4/4`` time signatures).

Any other header with a track id column and something else to load works too;
columns are matched by the synonyms in ``TRACK_FIELDS`` and ``--map``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from mixtape.catalog import schema
from mixtape.catalog.writes import BatchWriter
from mixtape.ingest.csv_files import CsvKind, for_kind, ingest_csv, ingest_csv_files
from mixtape.ingest.csv_layouts import (
    ARTIST_LAYOUTS,
    TRACK_LAYOUTS,
    ColumnPlan,
    FieldSet,
    normalize_column,
)
from mixtape.ingest.csv_values import BadValue, CellReader, date_value, split_genres, split_list
from mixtape.keys import parse_spotify_ref
from mixtape.records import AlbumRef, ArtistRef, TrackRecord

KIND = "tracks-csv"

TRACK_FIELDS = FieldSet(
    noun="track",
    synonyms={
        "id": ("id", "track_id", "spotify_id", "track_uri", "uri", "spotify_uri", "track_url"),
        "name": ("name", "track_name", "title", "track_title", "song_name", "song", "track"),
        "artists": (
            "artists",
            "artist",
            "artist_name",
            "artist_names",
            "track_artist",
            "artists_names",
        ),
        "artist_ids": ("artist_ids", "id_artists", "artist_id", "artist_uris", "artist_uri"),
        "album": ("album", "album_name", "track_album_name"),
        "album_id": ("album_id", "track_album_id", "album_uri"),
        "release_date": ("release_date", "track_album_release_date", "album_release_date"),
        "year": ("year", "release_year"),
        "popularity": ("popularity", "track_popularity"),
        "explicit": ("explicit", "is_explicit"),
        "track_number": ("track_number", "track_no"),
        "disc_number": ("disc_number", "disc_no"),
        "isrc": ("isrc",),
        "genre": (
            "genre",
            "genres",
            "track_genre",
            "seed_genre",
            "playlist_genre",
            "playlist_subgenre",
            "subgenre",
        ),
        **{f: (f,) for f in schema.AUDIO_FEATURES},
        "duration_ms": ("duration_ms", "track_duration_ms", "length_ms"),
        "tempo": ("tempo", "bpm"),
    },
    multi=frozenset({"genre"}),
    required_any=("id",),
    missing_hint="a file of artists goes to `mixtape ingest artists`",
    foreign=ARTIST_LAYOUTS,
    foreign_hint="load it with `mixtape ingest artists`",
)


_TRACK_SCALARS = ("popularity", "explicit", "track_number", "disc_number", "year", "isrc")
_TRACK_TEXTS = ("name", "artists", "artist_ids", "album", "album_id")
_CREDITS_KEPT = 100_000  # artist and album cells remembered per file


def track_row_parser(plan: ColumnPlan) -> Callable[[list[str]], TrackRecord]:
    """Build the function that turns one row of this file into a :class:`TrackRecord`."""
    header, nulls, col = plan.header, plan.nulls, plan.columns.get
    id_at = plan.columns["id"]
    features = CellReader(
        {f: i for f in schema.AUDIO_FEATURES if (i := col(f)) is not None}, header, nulls
    )
    scalars = CellReader({f: i for f in _TRACK_SCALARS if (i := col(f)) is not None}, header, nulls)
    texts = [(f, i) for f in _TRACK_TEXTS if (i := col(f)) is not None]
    date_at = col("release_date")
    genre_cols = [(i, normalize_column(header[i]).endswith("genres")) for i in plan.multi["genre"]]
    credits: dict[tuple[str | None, str | None], tuple[ArtistRef, ...]] = {}
    albums: dict[tuple[object, ...], AlbumRef] = {}

    def parse(row: list[str]) -> TrackRecord:
        raw = row[id_at]
        track_id = _spotify_id(raw, "track") if raw not in nulls else None
        if track_id is None:
            raise BadValue(f"{header[id_at]} {raw!r} is not a Spotify track id or URI")
        values = features.read(row)
        extra = scalars.read(row)
        date = year = None
        if date_at is not None and row[date_at] not in nulls:
            try:
                date, year = date_value(row[date_at])
            except BadValue as exc:
                raise BadValue(f"{header[date_at]} {row[date_at]!r} {exc}") from None
        if year is None:
            year = extra.get("year")
        text = {f: None if row[i] in nulls else row[i] for f, i in texts}
        credit = (text.get("artists"), text.get("artist_ids"))
        artists = credits.get(credit)
        if artists is None:  # the same artists recur row after row: read them once
            if len(credits) >= _CREDITS_KEPT:
                credits.clear()
            artists = credits[credit] = _artists(*credit)
        album_name, album_ref = text.get("album"), text.get("album_id")
        album = None
        if album_name is not None or album_ref is not None:
            seen = (album_name, album_ref, date, year, credit)
            album = albums.get(seen)
            if album is None:
                if len(albums) >= _CREDITS_KEPT:
                    albums.clear()
                album_id = _spotify_id(album_ref, "album") if album_ref else None
                album = albums[seen] = AlbumRef(album_name, album_id, date, year, artists)
        genres: list[str] = []
        for at, commas in genre_cols:
            if row[at] not in nulls:
                genres.extend(split_genres(row[at], commas=commas))
        return TrackRecord(
            name=text.get("name"),
            spotify_id=track_id,
            artists=artists,
            album=album,
            duration_ms=values.get("duration_ms"),
            explicit=extra.get("explicit"),
            popularity=extra.get("popularity"),
            release_date=date,
            release_year=year,
            track_number=extra.get("track_number"),
            disc_number=extra.get("disc_number"),
            isrc=extra.get("isrc"),
            features=values if any(v is not None for v in values.values()) else None,
            genres=tuple(dict.fromkeys(genres)) if genres else (),
        )

    return parse


def _spotify_id(value: str, kind: str) -> str | None:
    """A bare id (the usual case, checked cheaply) or whatever ``parse_spotify_ref`` accepts."""
    if len(value) == 22 and value.isalnum() and value.isascii():
        return value
    return parse_spotify_ref(value, kind)


def _artists(names_cell: str | None, ids_cell: str | None) -> tuple[ArtistRef, ...]:
    """Artists in credit order; ids are paired with names only when the counts agree."""
    names = split_list(names_cell) if names_cell else []
    ids = [_spotify_id(x, "artist") for x in split_list(ids_cell)] if ids_cell else []
    if ids and len(ids) == len(names):
        return tuple(ArtistRef(n, i) for n, i in zip(names, ids, strict=True))
    if ids and not names:
        return tuple(ArtistRef(i, i) for i in ids if i)
    return tuple(ArtistRef(n) for n in names)


_TRACK_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(TrackRecord))


def merge_tracks(old: TrackRecord, new: TrackRecord) -> TrackRecord:
    """Two rows of one track in one file: later values win, genres add up."""
    kept = {
        f: getattr(old, f)
        for f in _TRACK_FIELD_NAMES
        if getattr(new, f) in (None, ()) and getattr(old, f) not in (None, ())
    }
    if old.features and new.features:
        kept["features"] = {
            **old.features,
            **{k: v for k, v in new.features.items() if v is not None},
        }
    kept["genres"] = tuple(dict.fromkeys((*old.genres, *new.genres)))
    return dataclasses.replace(new, **kept)


def _write(writer: BatchWriter, records: list[TrackRecord]) -> None:
    writer.upsert_tracks(records)


TRACKS: CsvKind[TrackRecord] = CsvKind(
    kind=KIND,
    fields=TRACK_FIELDS,
    layouts=TRACK_LAYOUTS,
    table=schema.tracks,
    row_parser=track_row_parser,
    key=lambda record: record.key,
    merge=merge_tracks,
    write=_write,
)


ingest_tracks_csv = for_kind(ingest_csv, TRACKS)
"""Load one track CSV file (one transaction); see :func:`csv_files.ingest_csv`."""

ingest_tracks_csv_files = for_kind(ingest_csv_files, TRACKS)
"""Load each track file in its own transaction; see :func:`csv_files.ingest_csv_files`."""

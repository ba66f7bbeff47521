"""Artist genres, popularity and followers from CSV files: one row per artist.

Known layouts (see ``csv_layouts.ARTIST_LAYOUTS``):

* ``artists-with-genres`` -- Kaggle ``data_w_genres.csv`` / ``artists_with_genres.csv``:
  no ids, so artists are joined by name; ``genres`` is ``a, b, c``, ``[]`` or
  ``['a', 'b']``.  Its averaged audio features are artist-level summaries
  and are not loaded.
* ``kaggle-artists-600k`` -- Kaggle ``artists.csv`` (``id, followers, genres,
  name, popularity``) with list-looking genres.

Any other header with an artist name or id column and something else to load
works too, through the synonyms in ``ARTIST_FIELDS`` and ``--map``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from mixtape.catalog import schema
from mixtape.catalog.writes import BatchWriter
from mixtape.ingest.csv_files import CsvKind, for_kind, ingest_csv, ingest_csv_files
from mixtape.ingest.csv_layouts import ARTIST_LAYOUTS, TRACK_LAYOUTS, ColumnPlan, FieldSet
from mixtape.ingest.csv_values import BadValue, CellReader, split_genres, split_list
from mixtape.keys import parse_spotify_ref
from mixtape.records import ArtistRecord, ArtistRef

KIND = "artists-csv"

ARTIST_FIELDS = FieldSet(
    noun="artist",
    synonyms={
        "id": ("id", "artist_id", "spotify_id", "artist_uri", "uri", "id_artist"),
        "name": ("name", "artist_name", "artist", "artists", "artist_names"),
        "genres": ("genres", "genre", "artist_genres"),
        "popularity": ("popularity", "artist_popularity"),
        "followers": ("followers", "followers_total", "total_followers", "artist_followers"),
    },
    multi=frozenset({"genres"}),
    required_any=("name", "id"),
    foreign=TRACK_LAYOUTS,
    foreign_hint="load it with `mixtape ingest tracks`",
)


def artist_row_parser(plan: ColumnPlan) -> Callable[[list[str]], ArtistRecord]:
    """Build the function that turns one row of this file into an :class:`ArtistRecord`."""
    header, nulls, col = plan.header, plan.nulls, plan.columns.get
    id_at, name_at = col("id"), col("name")
    numbers = CellReader(
        {f: i for f in ("popularity", "followers") if (i := col(f)) is not None}, header, nulls
    )
    genre_cols = plan.multi["genres"]

    def parse(row: list[str]) -> ArtistRecord:
        artist_id = None
        if id_at is not None and row[id_at] not in nulls:
            artist_id = parse_spotify_ref(row[id_at], "artist")
            if artist_id is None:
                raise BadValue(f"{header[id_at]} {row[id_at]!r} is not a Spotify artist id or URI")
        name = None
        if name_at is not None and row[name_at] not in nulls:
            names = split_list(row[name_at])
            if len(names) > 1:
                raise BadValue(f"{header[name_at]} {row[name_at]!r} names several artists")
            name = names[0] if names else None
        if name is None and artist_id is None:
            raise BadValue("has neither an artist name nor an id")
        values = numbers.read(row)
        genres: list[str] = []
        for at in genre_cols:
            if row[at] not in nulls:
                genres.extend(split_genres(row[at], commas=True))
        return ArtistRecord(
            ref=ArtistRef(name or artist_id or "", artist_id),
            popularity=values.get("popularity"),
            followers=values.get("followers"),
            genres=tuple(dict.fromkeys(genres)),
        )

    return parse


def merge_artists(old: ArtistRecord, new: ArtistRecord) -> ArtistRecord:
    """Two rows of one artist in one file: later numbers win, genres add up."""
    return dataclasses.replace(
        new,
        popularity=old.popularity if new.popularity is None else new.popularity,
        followers=old.followers if new.followers is None else new.followers,
        genres=tuple(dict.fromkeys((*old.genres, *new.genres))),
    )


def _write(writer: BatchWriter, records: list[ArtistRecord]) -> None:
    writer.upsert_artists(records)


ARTISTS: CsvKind[ArtistRecord] = CsvKind(
    kind=KIND,
    fields=ARTIST_FIELDS,
    layouts=ARTIST_LAYOUTS,
    table=schema.artists,
    row_parser=artist_row_parser,
    key=lambda record: record.ref.key,
    merge=merge_artists,
    write=_write,
)


ingest_artists_csv = for_kind(ingest_csv, ARTISTS)
"""Load one artist CSV file (one transaction); see :func:`csv_files.ingest_csv`."""

ingest_artists_csv_files = for_kind(ingest_csv_files, ARTISTS)
"""Load each artist file in its own transaction; see :func:`csv_files.ingest_csv_files`."""

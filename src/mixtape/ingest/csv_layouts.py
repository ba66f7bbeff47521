"""CSV layouts: which column of a header holds which field.

A header is matched against known layouts (named in the summary) and, column
by column, against a table of synonyms; ``--map COLUMN=FIELD`` settles what
cannot be guessed.  A header with nothing usable is refused with one
:class:`IngestError` naming the file and the columns expected.  Reading the
cells themselves is ``csv_values``' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mixtape.errors import IngestError, InputError, shown

IGNORE = "ignore"


@dataclass(frozen=True)
class Layout:
    """A known file layout, recognised by columns its header must contain."""

    name: str
    signature: frozenset[str]
    nulls: frozenset[str] = frozenset({""})


@dataclass(frozen=True)
class FieldSet:
    """The fields one kind of file can fill, with the column names that mean them."""

    noun: str  # "track", "artist"
    synonyms: Mapping[str, tuple[str, ...]]  # field -> normalized column names, best first
    multi: frozenset[str] = frozenset()  # fields that several columns may feed
    required_any: tuple[str, ...] = ()  # at least one of these must be found
    missing_hint: str | None = None  # what else to try when none of them is
    foreign: tuple[Layout, ...] = ()  # layouts of the other kind of file, refused
    foreign_hint: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.synonyms)


@dataclass(frozen=True)
class ColumnPlan:
    """How one file's columns map to fields."""

    source: str
    layout: str
    header: tuple[str, ...]
    columns: Mapping[str, int]  # single-valued field -> column index
    multi: Mapping[str, tuple[int, ...]]  # multi-valued field -> column indexes
    nulls: frozenset[str]

    def describe(self) -> str:
        """``"uri=id, title=name, energy"``: the columns read, in header order."""
        used = {i: f for f, i in self.columns.items()}
        used.update({i: f for f, idx in self.multi.items() for i in idx})
        return ", ".join(
            c if normalize_column(c) == f else f"{c}={f}"
            for i, f in sorted(used.items())
            for c in (self.header[i],)
        )


_SEPARATORS = re.compile(r"[\s\-./]+")


def normalize_column(name: str) -> str:
    """``"Artist Name(s)"`` -> ``"artist_names"``: what the synonym tables are keyed by."""
    text = name.strip().lstrip("\ufeff").lower().replace("(s)", "s")
    return _SEPARATORS.sub("_", text).strip("_")


def parse_map_options(options: Iterable[str], fields: FieldSet) -> dict[str, str]:
    """``["tempo_bpm=tempo", "junk="]`` -> ``{"tempo_bpm": "tempo", "junk": "ignore"}``."""
    out: dict[str, str] = {}
    for option in options:
        column, sep, field = option.partition("=")
        column, field = column.strip(), field.strip().lower() or IGNORE
        if not sep or not column:
            raise InputError(
                f"column mapping {shown(option)} is not COLUMN=FIELD",
                hint="e.g. bpm=tempo; an empty FIELD ignores the column",
                field="map",
            )
        if field != IGNORE and field not in fields.synonyms:
            raise InputError(
                f"column mapping {shown(option)}: {shown(field)} is not a {fields.noun} field",
                hint="fields: " + ", ".join((*fields.fields, IGNORE)),
                field="map",
            )
        out[column] = field
    return out


def _layout(name: str, *columns: str, nulls: Iterable[str] = ("",)) -> Layout:
    return Layout(name, frozenset(columns), frozenset(nulls))


#: Track files, most specific first: the first whose columns are all in a header names it.
TRACK_LAYOUTS = (
    _layout(
        "spotify-songs-30000",
        "track_id",
        "track_artist",
        "track_album_id",
        "playlist_genre",
        "playlist_subgenre",
        nulls=("", "NA"),  # written by R
    ),
    _layout("kaggle-1.2m", "id", "album_id", "artists", "artist_ids", "track_number", "year"),
    _layout("kaggle-600k", "id", "artists", "id_artists", "popularity", "release_date"),
    _layout("spotify-features", "genre", "artist_name", "track_name", "track_id", "popularity"),
    _layout("kaggle-160k", "id", "artists", "year", "release_date", "popularity", "explicit"),
    _layout("genre-crawl", "id", "genre", "name", "artist"),
)

#: Artist files (one row per artist).
ARTIST_LAYOUTS = (
    _layout("kaggle-artists-600k", "id", "followers", "genres", "name", "popularity"),
    _layout("artists-with-genres", "genres", "artists", "popularity"),
)


def detect_layout(header: Sequence[str], layouts: Sequence[Layout]) -> Layout | None:
    names = {normalize_column(h) for h in header}
    return next((layout for layout in layouts if layout.signature <= names), None)


def plan_columns(
    source: str,
    header: Sequence[str],
    fields: FieldSet,
    layouts: Sequence[Layout],
    mapping: Mapping[str, str] | None = None,
) -> ColumnPlan:
    """Map header columns to fields; raise :class:`IngestError` if the header is unusable."""
    mapping = mapping or {}
    normalized = [normalize_column(h) for h in header]
    by_name: dict[str, int] = {}
    for i, name in enumerate(normalized):
        by_name.setdefault(name, i)
    explicit: dict[int, str] = {}
    for column, field in mapping.items():
        if column in header:
            explicit[header.index(column)] = field
        elif normalize_column(column) in by_name:
            explicit[by_name[normalize_column(column)]] = field
        else:
            raise IngestError(
                f"a column mapping names column {shown(column)}, which the header does not have",
                source=source,
                field="map",
                hint=f"columns: {_some(header)}",
            )
    columns: dict[str, int] = {}
    multi: dict[str, list[int]] = {f: [] for f in fields.multi}
    for i, field in sorted(explicit.items()):
        if field == IGNORE:
            continue
        if field in fields.multi:
            multi[field].append(i)
        else:
            columns[field] = i
    for field, names in fields.synonyms.items():
        if field in columns:
            continue
        hits = [by_name[n] for n in names if n in by_name and by_name[n] not in explicit]
        if field in fields.multi:
            multi[field].extend(i for i in hits if i not in multi[field])
            explicit.update(dict.fromkeys(hits, field))
        elif hits:
            columns[field] = hits[0]
            explicit[hits[0]] = field  # one column feeds one field
    found = set(columns) | {f for f, idx in multi.items() if idx}
    layout = detect_layout(header, layouts)
    foreign = detect_layout(header, fields.foreign) if layout is None and not mapping else None
    if foreign is not None:
        raise IngestError(
            f"not {_article(fields.noun)} {fields.noun} file: "
            f"its header is the {foreign.name} layout",
            source=source,
            hint=fields.foreign_hint,
        )
    if not any(f in found for f in fields.required_any):
        expected = ", ".join(n for f in fields.required_any for n in fields.synonyms[f][:4])
        hint = f"map a column to it (COLUMN={fields.required_any[0]})"
        raise IngestError(
            f"no {' or '.join(fields.required_any)} column in the header "
            f"(expected one of {expected}); found: {_some(header)}",
            source=source,
            hint=f"{hint}; {fields.missing_hint}" if fields.missing_hint else hint,
        )
    if len(found) < 2:
        wanted = [f for f in fields.fields if f not in found]
        raise IngestError(
            f"nothing to load besides {', '.join(sorted(found))}: no columns such as "
            f"{_some(wanted, 8)}; found: {_some(header)}",
            source=source,
            hint="map columns to fields (COLUMN=FIELD)",
        )
    return ColumnPlan(
        source=source,
        layout=layout.name if layout else "generic",
        header=tuple(header),
        columns=columns,
        multi={f: tuple(idx) for f, idx in multi.items()},
        nulls=layout.nulls if layout else frozenset({""}),
    )


def _some(names: Sequence[str], limit: int = 12) -> str:
    if not names:
        return "nothing"
    shown = ", ".join(names[:limit])
    return f"{shown}, … ({len(names)} in all)" if len(names) > limit else shown


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"

"""Playlist files: any list of tracks as M3U8, XSPF, JSPF or JSON.

The same writers serve the CLI's ``--format`` and the web app's downloads.
A track is anything with ``track_id``, ``name`` and ``artists`` (a
:class:`~mixtape.records.Recommendation`, say); ``album``, ``duration_ms``,
``score``, ``reason`` and ``path`` (a local file) are used when present.

Where a track is found (its file, or its Spotify URL): :mod:`mixtape.locations`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from mixtape.atomic import replacing
from mixtape.errors import InputError
from mixtape.locations import location

XSPF_NAMESPACE = "http://xspf.org/ns/0/"
#: Key of mixtape's own data (score, reason, catalog key) in JSPF and XSPF extensions.
EXTENSION_URI = "urn:mixtape:track"


@dataclass(frozen=True)
class Format:
    """One file format: its name, media type and file extension (with the dot)."""

    name: str
    media_type: str
    extension: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("m3u8", "audio/x-mpegurl", ".m3u8"),
        Format("xspf", "application/xspf+xml", ".xspf"),
        Format("jspf", "application/jspf+json", ".jspf"),
        Format("json", "application/json", ".json"),
    )
}


class PlaylistTrack(Protocol):
    """What a writer needs of a track (other attributes are read when present)."""

    @property
    def track_id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def artists(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class _Entry:
    """A track as every writer sees it: cleaned text, location, optional facts."""

    key: str
    title: str
    artists: tuple[str, ...]
    album: str | None
    duration_ms: int | None
    score: float | None
    reason: str | None
    location: str | None  # a URL or a path (relative to the library root when under it)

    @property
    def creator(self) -> str:
        return ", ".join(self.artists)


# XML 1.0 refuses most control characters even when escaped; JSON and M3U8 lines
# are cleaner without them too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


def _text(value: object) -> str:
    """A value as text without characters XML 1.0 cannot hold."""
    return _CONTROL.sub("", str(value))


def _one_line(value: str) -> str:
    return " ".join(_LINE_BREAKS.sub(" ", value).split())


def _optional_text(track: object, attr: str) -> str | None:
    value = getattr(track, attr, None)
    return _text(value) if value not in (None, "") else None


def _optional_number(track: object, attr: str) -> float | None:
    value = getattr(track, attr, None)
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _entries(
    tracks: Iterable[PlaylistTrack], library_root: Path | None, playlist_dir: Path | None = None
) -> list[_Entry]:
    out = []
    for track in tracks:
        key = str(track.track_id)
        duration = _optional_number(track, "duration_ms")
        out.append(
            _Entry(
                key=key,
                title=_text(track.name or ""),
                artists=tuple(_text(a) for a in track.artists),
                album=_optional_text(track, "album"),
                duration_ms=None if duration is None else round(duration),
                score=_optional_number(track, "score"),
                reason=_optional_text(track, "reason"),
                location=location(track, key, library_root, playlist_dir),
            )
        )
    return out


def _extension(entry: _Entry) -> dict[str, Any]:
    data: dict[str, Any] = {"track_id": entry.key}
    if entry.score is not None:
        data["score"] = entry.score
    if entry.reason is not None:
        data["reason"] = entry.reason
    return data


# -- writers ------------------------------------------------------------------------------


def _m3u8(title: str, creator: str, date: datetime, entries: list[_Entry]) -> bytes:
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(title)}"]
    for e in entries:
        label = _one_line(f"{e.creator} - {e.title}" if e.creator else e.title)
        if e.location is None:  # nowhere to point a player: kept as a plain comment
            lines.append(f"# {label} ({e.key}: no Spotify id or file)")
            continue
        seconds = -1 if e.duration_ms is None else round(e.duration_ms / 1000)
        lines += [f"#EXTINF:{seconds},{label}", _one_line(e.location)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _uri(location: str) -> str:
    """A location as a URI: URLs as they are, paths percent-encoded (absolute: file://)."""
    if location.startswith(("http://", "https://")):
        return location
    path = Path(location)
    return path.as_uri() if path.is_absolute() else quote(path.as_posix())


def _xspf(title: str, creator: str, date: datetime, entries: list[_Entry]) -> bytes:
    ns = "{" + XSPF_NAMESPACE + "}"
    ET.register_namespace("", XSPF_NAMESPACE)
    root = ET.Element(ns + "playlist", {"version": "1"})

    def add(parent: ET.Element, tag: str, text: str) -> ET.Element:
        child = ET.SubElement(parent, ns + tag)
        child.text = text
        return child

    add(root, "title", _text(title))
    add(root, "creator", _text(creator))
    add(root, "date", date.isoformat())
    track_list = ET.SubElement(root, ns + "trackList")
    for e in entries:
        # Children in the order the XSPF specification lists them.
        track = ET.SubElement(track_list, ns + "track")
        if e.location is not None:
            add(track, "location", _uri(e.location))
        add(track, "title", e.title)
        if e.creator:
            add(track, "creator", e.creator)
        if e.reason is not None:
            add(track, "annotation", e.reason)
        if e.album is not None:
            add(track, "album", e.album)
        if e.duration_ms is not None:
            add(track, "duration", str(e.duration_ms))
        ext = ET.SubElement(track, ns + "extension", {"application": EXTENSION_URI})
        for name, value in _extension(e).items():
            add(ext, name, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _jspf(title: str, creator: str, date: datetime, entries: list[_Entry]) -> bytes:
    tracks = []
    for e in entries:
        item: dict[str, Any] = {"title": e.title, "creator": e.creator}
        if e.album is not None:
            item["album"] = e.album
        if e.duration_ms is not None:
            item["duration"] = e.duration_ms
        if e.location is not None:
            item["identifier"] = [_uri(e.location)]
            item["location"] = [_uri(e.location)]
        if e.reason is not None:
            item["annotation"] = e.reason
        item["extension"] = {EXTENSION_URI: _extension(e)}
        tracks.append(item)
    playlist = {
        "title": _text(title),
        "creator": _text(creator),
        "date": date.isoformat(),
        "track": tracks,
    }
    return _json({"playlist": playlist})


def _plain_json(title: str, creator: str, date: datetime, entries: list[_Entry]) -> bytes:
    """The CLI's ``--json`` records (``Recommendation.as_dict()``), album and duration added."""
    tracks = []
    for e in entries:
        item: dict[str, Any] = {
            "track_id": e.key,
            "name": e.title,
            "artists": list(e.artists),
            "score": e.score,
            "reason": e.reason,
        }
        if e.album is not None:
            item["album"] = e.album
        if e.duration_ms is not None:
            item["duration_ms"] = e.duration_ms
        if e.location is not None:
            item["location"] = e.location
        tracks.append(item)
    document = {"title": _text(title), "creator": _text(creator), "date": date.isoformat()}
    return _json({**document, "tracks": tracks})


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_WRITERS: dict[str, Callable[[str, str, datetime, list[_Entry]], bytes]] = {
    "m3u8": _m3u8,
    "xspf": _xspf,
    "jspf": _jspf,
    "json": _plain_json,
}


def get_format(fmt: str) -> Format:
    """The :class:`Format` called ``fmt`` (case-insensitive); InputError if unknown."""
    found = FORMATS.get(fmt.strip().lower())
    if found is None:
        raise InputError(f"unknown playlist format {fmt!r}", hint="use " + ", ".join(FORMATS))
    return found


def write(
    fmt: str,
    title: str,
    tracks: Iterable[PlaylistTrack],
    *,
    creator: str = "mixtape",
    date: datetime | None = None,
    library_root: Path | None = None,
    playlist_dir: Path | None = None,
) -> bytes:
    """The playlist ``tracks`` (in order) as a file of format ``fmt``, UTF-8 encoded.

    ``fmt`` is one of :data:`FORMATS` (``m3u8``, ``xspf``, ``jspf``, ``json``);
    ``date`` defaults to now; ``library_root`` or ``playlist_dir`` decide how local
    files' paths are written (see the module's docstring).
    """
    found = get_format(fmt)
    when = date or datetime.now(UTC).replace(microsecond=0)
    entries = _entries(tracks, library_root, playlist_dir)
    return _WRITERS[found.name](title, creator, when, entries)


def save(
    path: Path,
    fmt: str,
    title: str,
    tracks: Iterable[PlaylistTrack],
    *,
    creator: str = "mixtape",
    date: datetime | None = None,
    library_root: Path | None = None,
) -> Path:
    """:func:`write` into the file ``path``, atomically (:func:`write_atomically`);
    returns ``path``.

    Local files' paths are relative to ``library_root`` when given, else to the
    folder of ``path`` itself (where a player looks for them).
    """
    path = Path(path)
    body = write(
        fmt,
        title,
        tracks,
        creator=creator,
        date=date,
        library_root=library_root,
        playlist_dir=None if library_root is not None else path.absolute().parent,
    )
    return write_atomically(path, body)


def write_atomically(path: Path, body: bytes, *, field: str = "out") -> Path:
    """Write ``body`` into the file ``path``, atomically; returns ``path``.

    The file is written beside ``path`` under a temporary name and renamed over
    it once complete, so a failure leaves no half-written file (and an older
    file at ``path`` untouched). Missing folders are created. Raises
    InputError (``field``) when the file cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder", hint="give a file name", field=field)
    try:
        with replacing(path) as f:  # the umask's mode, not mkstemp's private one
            f.write(body)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="check the folder's permissions and free space, or choose another path",
            field=field,
        ) from exc
    return path


def filename(title: str, fmt: str) -> str:
    """A safe file name for a download: the title's letters and digits, then the extension."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:80] or "playlist"
    return stem + get_format(fmt).extension


__all__ = [
    "FORMATS",
    "Format",
    "PlaylistTrack",
    "filename",
    "get_format",
    "save",
    "write",
    "write_atomically",
]

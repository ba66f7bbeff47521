"""Tags of an audio file (tinytag, MIT-licensed) and names from its path when tags are missing.

mutagen is GPL and mixtape is MIT, so tags are read with tinytag only.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePath

from mixtape.audio.decode import short_reason
from mixtape.errors import AudioError

# "A feat. B", "A ft. B", "A featuring B", "A; B", "A / B", "A & B" is left whole: bands
# are named with "&" ("Simon & Garfunkel") far more often than duets are tagged with it.
_ARTIST_SPLIT = re.compile(r"\s*(?:;|\s/\s|\bfeat\.?\s|\bft\.?\s|\bfeaturing\s)\s*", re.IGNORECASE)
_GENRE_SPLIT = re.compile(r"\s*[;/]\s*")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# "01 - Title", "01. Title", "1-03 Title" (disc-track), "A1 Title" is left alone.
_NUMBERED = re.compile(r"^(?:(\d{1,2})[-.])?(\d{1,3})(?:\s*[-._]\s*|\s+)(.+)$")
# tinytag keeps a MusicBrainz recording id under one of these "other" names, by format:
# Vorbis/FLAC/Opus MUSICBRAINZ_TRACKID, ID3 TXXX and MP4 freeform "MusicBrainz Track Id".
_MUSICBRAINZ_FIELDS = ("musicbrainz_trackid", "musicbrainz track id")


@dataclass(frozen=True, slots=True)
class Tags:
    """What a file says about itself; None (or ``()``) where it says nothing."""

    title: str | None = None
    artists: tuple[str, ...] = ()
    album: str | None = None
    album_artist: str | None = None
    track_number: int | None = None
    disc_number: int | None = None
    year: int | None = None
    genres: tuple[str, ...] = ()
    duration_s: float | None = None
    isrc: str | None = None
    #: The MusicBrainz *recording* id (Picard's ``musicbrainz_trackid``), lower case.
    musicbrainz_track_id: str | None = None

    def merged(self, fallback: Tags) -> Tags:
        """These tags, with every missing value taken from ``fallback``."""
        missing = {
            f.name: getattr(fallback, f.name)
            for f in fields(self)
            if getattr(self, f.name) in (None, ()) and getattr(fallback, f.name) not in (None, ())
        }
        return replace(self, **missing) if missing else self


def split_artists(value: str | None) -> tuple[str, ...]:
    """``"A feat. B"``, ``"A; B"``, ``"A / B"`` -> ``("A", "B")``; ``"A & B"`` stays whole."""
    if not value:
        return ()
    parts = (part.strip() for part in _ARTIST_SPLIT.split(value))
    return _unique(part for part in parts if part)


def read_tags(path: Path) -> Tags:
    """The tags of ``path`` (tinytag); a file without tags gives ``Tags()`` with its duration.

    Raises :class:`AudioError` when the file cannot be opened or parsed at all.
    """
    from tinytag import TinyTag, TinyTagException

    try:
        tag = TinyTag.get(path)
    except (TinyTagException, OSError, ValueError) as exc:
        raise AudioError(str(path), f"cannot read its tags ({short_reason(exc)})") from None
    other = {name.lower(): values for name, values in tag.other.items()}
    artists = split_artists(tag.artist)
    for extra in other.get("artist", ()):
        artists = _unique((*artists, *split_artists(extra)))
    genres = _unique(
        part
        for value in (tag.genre, *other.get("genre", ()))
        for part in _GENRE_SPLIT.split(value or "")
        if part.strip()
    )
    return Tags(
        title=_text(tag.title),
        artists=artists,
        album=_text(tag.album),
        album_artist=_text(tag.albumartist),
        track_number=_positive(tag.track),
        disc_number=_positive(tag.disc),
        year=_year(tag.year),
        genres=genres,
        duration_s=float(tag.duration) if tag.duration and tag.duration > 0 else None,
        isrc=_first_match(other.get("isrc", ()), _ISRC, upper=True),
        musicbrainz_track_id=_first_match(
            (value for name in _MUSICBRAINZ_FIELDS for value in other.get(name, ())), _UUID
        ),
    )


def names_from_path(path: Path, root: Path | None = None) -> Tags:
    """Title, artist, album and track number from a library layout.

    ``Artist/Album/01 - Title.ext`` (relative to ``root``) gives all four;
    ``Artist - Title.ext`` gives artist and title; otherwise the file's stem is the
    title.  A single folder says nothing (an artist? an album? a playlist?).  Folders
    count only below ``root`` (without one, only the file name does).
    """
    relative = PurePath(path.name)
    if root is not None:
        with contextlib.suppress(ValueError):
            relative = PurePath(path).relative_to(root)
    stem = relative.stem.replace("_", " ").strip()
    folders = relative.parts[:-1]
    track_number = disc_number = None
    numbered = _NUMBERED.match(stem)
    if numbered and folders:
        disc, number, stem = numbered.groups()
        track_number, disc_number = int(number), int(disc) if disc else None
    artist = album = None
    if " - " in stem:
        artist, stem = (part.strip() for part in stem.split(" - ", 1))
    if len(folders) >= 2:  # one folder alone could be an artist, an album or a playlist
        artist, album = artist or folders[-2], folders[-1]
    return Tags(
        title=stem or relative.name,
        artists=split_artists(artist),
        album=album,
        track_number=track_number or None,
        disc_number=disc_number or None,
    )


def _text(value: str | None) -> str | None:
    text = (value or "").strip().replace("\x00", "")
    return text or None


def _positive(value: object) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def _year(value: str | None) -> int | None:
    found = _YEAR.search(value or "")
    return int(found.group(1)) if found and 1000 < int(found.group(1)) < 3000 else None


def _first_match(
    values: Iterable[str], pattern: re.Pattern[str], *, upper: bool = False
) -> str | None:
    """The first value matching ``pattern``: ISRCs upper case without dashes, ids lower case."""
    for value in values:
        text = value.strip().replace("-", "").upper() if upper else value.strip().lower()
        if pattern.match(text):
            return text
    return None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values))

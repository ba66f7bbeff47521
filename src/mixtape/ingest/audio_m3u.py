"""M3U and M3U8 playlists found in a music folder: their entries as file paths.

Players write them in many dialects; what is read here:

* ``#EXTM3U`` headers, ``#EXTINF:<seconds>,<artist - title>`` (kept to name an entry
  that matches no file), ``#PLAYLIST:<name>`` (the playlist's name; otherwise the
  file's stem) and any other ``#`` line (ignored);
* paths relative to the playlist's folder or absolute, with ``/`` or Windows ``\\``
  separators (and a drive letter, which is dropped: such a path is matched by its
  tail, see :func:`candidates`), and ``file://`` URLs with %-escapes;
* ``.m3u8`` is UTF-8 (a byte-order mark is skipped); ``.m3u`` is UTF-8 when it
  decodes as such, else Latin-1, as Winamp wrote them.

Stream URLs (``http://...``) are entries that are not files: they are reported,
never fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

#: The extensions of playlist files picked up while walking a music folder.
PLAYLIST_EXTENSIONS = frozenset({".m3u", ".m3u8"})
#: Longest tail (in path components) tried when a path matches no file as written.
MAX_TAIL = 4

_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


@dataclass(frozen=True, slots=True)
class M3uEntry:
    """One entry: its line number, the location as written, and its #EXTINF title."""

    line: int
    location: str
    title: str | None = None

    def label(self) -> str:
        """How a summary names the entry: ``line N: location``."""
        return f"line {self.line}: {self.location}"


@dataclass(frozen=True, slots=True)
class M3uPlaylist:
    path: Path
    name: str
    entries: tuple[M3uEntry, ...]


def decode(data: bytes, suffix: str) -> str:
    """The text of a playlist file: UTF-8 for .m3u8, UTF-8 or else Latin-1 for .m3u."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if suffix.lower() == ".m3u8":
        return data.decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_m3u(path: Path) -> M3uPlaylist:
    """Parse one playlist file (``OSError`` when it cannot be read)."""
    text = decode(path.read_bytes(), path.suffix)
    name = path.stem
    title: str | None = None
    entries: list[M3uEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            directive, _, value = line.partition(":")
            if directive.upper() == "#EXTINF":
                title = value.partition(",")[2].strip() or None
            elif directive.upper() == "#PLAYLIST" and value.strip():
                name = value.strip()
            continue
        entries.append(M3uEntry(number, line, title))
        title = None
    return M3uPlaylist(path=path, name=name, entries=tuple(entries))


def is_stream(location: str) -> bool:
    """Whether an entry is a URL other than ``file://`` (a stream, not a file)."""
    return bool(_SCHEME.match(location)) and not location.lower().startswith("file://")


def local_path(location: str, folder: Path) -> PurePosixPath:
    """Where an entry points, as an absolute POSIX path (not checked to exist).

    ``file://`` URLs are unquoted; Windows separators become ``/``; a relative
    path is taken from ``folder`` (the playlist's).  A Windows drive letter is
    kept as the first component so the path matches nothing here as written and
    falls back to its tail.
    """
    if location.lower().startswith("file://"):
        parts = urlsplit(location)
        location = unquote(parts.path)
        if parts.netloc and parts.netloc.lower() != "localhost":
            location = f"//{parts.netloc}{location}"  # a UNC share: file://server/share/x
        if _DRIVE.match(location.lstrip("/")):
            location = location.lstrip("/")
    location = location.replace("\\", "/")
    if _DRIVE.match(location):
        return PurePosixPath("/", location)
    path = PurePosixPath(location)
    if not path.is_absolute():
        path = PurePosixPath(folder.as_posix()) / path
    return _normalized(path)


def _normalized(path: PurePosixPath) -> PurePosixPath:
    """``a/./b/../c`` -> ``a/c`` without touching the file system (no symlinks resolved)."""
    parts: list[str] = []
    for part in path.parts[1:]:
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return PurePosixPath("/", *parts)


def candidates(path: PurePosixPath) -> list[str]:
    """Tails of ``path`` to try against the library's relative paths, longest first.

    A playlist written on another machine (``C:\\Music\\Artist\\Album\\01.mp3``,
    ``/mnt/nas/music/...``) still names the file by its last few components.
    """
    parts = path.parts[1:]
    longest = min(MAX_TAIL, len(parts))
    return ["/".join(parts[-n:]) for n in range(longest, 0, -1)]

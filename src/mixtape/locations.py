"""Where a track in a playlist file is found: its audio file, or its Spotify URL.

Where a track is found: at its audio file when it has one, else a Spotify
track (22-character id) at its ``https://open.spotify.com/track/ID`` URL; a
track with neither has no location (M3U8 keeps it as a comment line, which
players skip).  A file is a track's ``path``, relative to its ``root`` (as
``mixtape ingest audio`` records it) when it has one, and is written relative
to ``library_root`` when given and the file lies under it (mpd reads paths
from its music directory); else relative to ``playlist_dir``, the playlist's
own folder (where VLC, Navidrome and Jellyfin read them from), when that
folder is inside the track's library root (``..`` included: they move
together); else absolute.  With neither (a download): relative to the track's
own library root, so the file works saved into that root.
"""

from __future__ import annotations

import os
from pathlib import Path

from mixtape.keys import is_spotify_id

SPOTIFY_TRACK_URL = "https://open.spotify.com/track/"


def location(
    track: object, key: str, library_root: Path | None, playlist_dir: Path | None = None
) -> str | None:
    """Where a player finds ``track`` (``key`` its natural key), or None: its file, placed
    as the module says, else its Spotify URL for a Spotify id."""
    path = getattr(track, "path", None)
    if not path:
        return SPOTIFY_TRACK_URL + key if is_spotify_id(key) else None
    root = getattr(track, "root", None)
    if root:
        return file_location(Path(root), str(path), library_root, playlist_dir)
    file = Path(path)
    if library_root is not None:
        try:
            return file.resolve().relative_to(library_root.resolve()).as_posix()
        except ValueError:  # not under the root: the path as given
            pass
    return str(file)


def file_location(
    root: Path, relative: str, library_root: Path | None, playlist_dir: Path | None
) -> str:
    """A file known by its library root and root-relative path, placed as the module says."""
    file = Path(os.path.abspath(root.joinpath(*relative.split("/"))))
    if library_root is not None:
        base = Path(os.path.abspath(library_root))
        return file.relative_to(base).as_posix() if file.is_relative_to(base) else str(file)
    if playlist_dir is not None:
        folder = Path(os.path.abspath(playlist_dir))
        if folder.is_relative_to(os.path.abspath(root)):
            return Path(os.path.relpath(file, folder)).as_posix()
        return str(file)
    return relative

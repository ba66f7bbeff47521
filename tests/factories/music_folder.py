"""Small music folders for the ingest tests: short generated files, tagged or named by path.

Nothing is committed: tones are written with soundfile (FLAC tags as Vorbis comments,
which soundfile writes), MP3 with ffmpeg where it is installed; plus the things a
real library holds that cannot be used (corrupt bytes, an empty file, a folder named
like a file, a symlink loop) and an M3U8 playlist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile

RATE = 22050
#: Seconds per generated file: enough for every measurement, cheap to analyse.
SECONDS = 3.5


def has_ffmpeg() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def tone(
    path: Path, hz: float, *, seconds: float = SECONDS, tags: dict[str, str] | None = None
) -> Path:
    """A plucked tone at ``hz`` written to ``path`` (format from the extension), tagged with
    ``tags`` (soundfile's names: title, artist, album, genre, tracknumber, date)."""
    t = np.arange(int(RATE * seconds)) / RATE
    beat = np.exp(-(t % 0.5) * 8)  # a pulse every half second: something for the beat tracker
    samples = (0.3 * np.sin(2 * np.pi * hz * t) * beat).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with soundfile.SoundFile(path, "w", RATE, 1) as sound:
        for name, value in (tags or {}).items():
            setattr(sound, name, value)
        sound.write(samples)
    return path


def mp3(source: Path, target: Path, tags: dict[str, str]) -> Path:
    """``source`` encoded to MP3 by ffmpeg with ID3 ``tags`` (ffmpeg's names)."""
    args = [a for key, value in tags.items() for a in ("-metadata", f"{key}={value}")]
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *args, str(target)],
        check=True,
        timeout=60,
    )
    return target


def touch_later(path: Path) -> None:
    """Give ``path`` a later modification time (a rescan must see it changed)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


def music_folder(root: Path) -> Path:
    """A library: three usable files (tags and path names), a corrupt file, an empty one,
    a folder named ``x.mp3``, a symlink loop and a playlist naming two files and a
    missing one.  With ffmpeg an MP3 joins (tags through ID3)."""
    tone(root / "Artist A" / "First Album" / "01 - Opening.wav", 220)
    tone(root / "Artist A" / "First Album" / "02 - Second Song.ogg", 330)
    tone(
        root / "tagged.flac",
        440,
        tags={
            "title": "Tagged Song",
            "artist": "Tag Artist",
            "album": "Tag Album",
            "genre": "Jazz",
        },
    )
    if has_ffmpeg():
        tags = {"title": "Encoded", "artist": "Enc"}
        mp3(root / "tagged.flac", root / "mp3s" / "encoded.mp3", tags)
    (root / "broken").mkdir()
    (root / "broken" / "corrupt.flac").write_bytes(b"fLaC" + os.urandom(3000))
    (root / "broken" / "empty.mp3").write_bytes(b"")
    (root / "folder.mp3").mkdir()
    os.symlink(root, root / "Artist A" / "loop")
    (root / "mix.m3u8").write_text(
        "#EXTM3U\n#PLAYLIST:Road trip\n"
        "#EXTINF:2,Artist A - Opening\nArtist A/First Album/01 - Opening.wav\n"
        "#EXTINF:2,Tag Artist - Tagged Song\ntagged.flac\n"
        "gone/nowhere.mp3\n",
        encoding="utf-8",
    )
    return root


#: The lines ``music_folder``'s unusable entries give in a summary (path tails).
PROBLEM_TAILS = {
    "broken/corrupt.flac",
    "broken/empty.mp3",
    "folder.mp3",
    "Artist A/loop",
}

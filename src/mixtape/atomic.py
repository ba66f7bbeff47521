"""Writing a file all at once or not at all: the one temp-file-and-rename in mixtape.

:func:`replacing` opens a file beside the target under a unique hidden name
(``.NAME.<hex>.part``) and renames it over the target only when the block ends
without an error, so a reader never sees half a file and a failure leaves the
old file, if any, untouched.  Playlists, cached arrays, fitted models, Spotify
tokens and the demo's files are all written through it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

#: Suffix of a file being written; ``part_glob`` finds those left by a crash.
PART = ".part"


def part_glob(name_glob: str) -> str:
    """The glob of the files :func:`replacing` writes for targets matching ``name_glob``."""
    return f".{name_glob}.*{PART}"


@contextlib.contextmanager
def replacing(path: Path, *, text: bool = False, mode: int = 0o666) -> Iterator[IO[Any]]:
    """A new file (bytes, or UTF-8 text with ``text``: newlines written as given) that
    becomes ``path`` when the block ends; removed instead if the block raises.

    Missing folders are created.  ``mode``: the file's permissions before the umask
    (``0o600`` for a secret; ``tempfile.mkstemp`` would always make it private).
    Raises ``OSError`` as ``open`` and ``os.replace`` do.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.parent / f".{path.name}.{secrets.token_hex(4)}{PART}"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        if text:
            file: IO[Any] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            file = os.fdopen(fd, "wb")
        with file:
            yield file
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(part)
        raise


__all__ = ["PART", "part_glob", "replacing"]

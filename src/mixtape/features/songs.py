"""Which tracks are versions of one song: an int per track, worked out when first asked.

A song is a primary artist and a title as :func:`mixtape.keys.song_title_key` folds it
("One Dance (feat. Wizkid & Kyla)" and "One Dance - 2016 Remaster" are one song by
the same artist).  Recommendations keep one version of each song and leave out the
other versions of a seed, so every request compares the songs of a few dozen
candidates: as ints, each folded title worked out once per track, never per request,
and only for the tracks some request (or list) has asked about, so that arrays of a
million tracks cost nothing up front.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import cast

import numpy as np

from mixtape.keys import song_title_key

#: The song id of a track without a primary artist or a name: no song, equal to none.
NO_SONG = -1


class SongIds:
    """Per track, an int that two tracks share exactly when they are versions of one
    song (same primary artist, same :func:`~mixtape.keys.song_title_key`), or
    :data:`NO_SONG` for a track without a primary artist or a name.

    An id is assigned on a track's first look-up and kept (the arrays must not change
    after that); the look-ups of several threads agree (assignments take a lock, reads
    need none).
    """

    def __init__(self, primary_artist: np.ndarray, names: np.ndarray) -> None:
        self._artist = primary_artist
        self._names = names
        self._ids: list[int | None] = [None] * len(names)
        self._of_song: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()

    @property
    def known(self) -> list[int | None]:
        """Per track, its song id, or None where none is assigned yet (:meth:`of` assigns
        it): for loops that read many rows' ids at the price of a list's item each."""
        return self._ids

    def of(self, row: int) -> int:
        """The song id of ``row``."""
        song = self._ids[row]
        return self._assign(row) if song is None else song

    def of_rows(self, rows: Collection[int]) -> list[int]:
        """The song ids of ``rows``, in their order."""
        ids = self._ids
        songs = [ids[row] for row in rows]
        if None in songs:
            songs = [self._assign(r) if s is None else s for r, s in zip(rows, songs, strict=True)]
        return cast(list[int], songs)

    def _assign(self, row: int) -> int:
        artist = int(self._artist[row])
        name = self._names[row]
        if artist < 0 or not name:
            song = NO_SONG
        else:
            key = (artist, song_title_key(str(name)))
            with self._lock:
                song = self._of_song.setdefault(key, len(self._of_song))
        self._ids[row] = song
        return song

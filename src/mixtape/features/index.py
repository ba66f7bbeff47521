"""Track and playlist references → rows of a :class:`TrackArrays`.

A track reference is any of

* a Spotify id (``4uLU6hMCjMI75M1A2tKUQC``) or any other catalog key (``local:…``),
* a URI (``spotify:track:ID``) or a URL (``https://open.spotify.com/track/ID``),
* ``"artist - title"``, compared after :func:`mixtape.keys.normalize_name`
  (any of the track's artists may be named; titles may themselves hold " - "),
* a bare title, when only one artist has a track of that name.

When several tracks match a name (the same song on an album and a
compilation), the one in most playlists wins, then the most popular.  A
reference that matches nothing raises :class:`UnknownTrackError` with close
titles as suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mixtape.errors import InputError, UnknownTrackError, shown
from mixtape.features.arrays import TrackArrays
from mixtape.keys import normalize_name, parse_spotify_ref

SEPARATOR = " - "
MAX_SUGGESTIONS = 3
_MAX_FUZZY = 20_000  # titles compared with difflib at most (it is slow)
_MAX_SUGGESTED_REF = 300  # longer references get no suggestions: no title is that long


def _normalize(name: object) -> str:
    """:func:`normalize_name`, with a fast path for ASCII (NFKC and casefold are no-ops)."""
    text = str(name)
    if text.isascii():
        return " ".join(text.lower().split())[:255]
    return normalize_name(text)


@dataclass(frozen=True)
class _Names:
    """Normalized names, built on the first name look-up."""

    by_title: dict[str, list[int]]  # normalized title → rows
    artists: np.ndarray  # (n_artists,) object: normalized artist names
    titles: list[str]  # unique normalized titles (for suggestions)


class TrackIndex:
    """Resolve references against one :class:`TrackArrays` (build once, reuse)."""

    def __init__(self, data: TrackArrays) -> None:
        self.data = data
        self._rows = data.row_of()
        self._playlists = {str(k): i for i, k in enumerate(data.playlist_keys)}
        self._names: _Names | None = None
        self._in_playlists: np.ndarray | None = None
        self._playlist_numbers: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return self.data.n_tracks

    # -- describing rows ----------------------------------------------------------
    def key(self, row: int) -> str:
        return str(self.data.keys[row])

    def artists(self, row: int) -> list[str]:
        """The track's artist names, its primary artist first."""
        m = self.data.track_artists
        cols = m.indices[m.indptr[row] : m.indptr[row + 1]].tolist()
        primary = int(self.data.primary_artist[row])
        if primary in cols:
            cols.remove(primary)
            cols.insert(0, primary)
        return [str(self.data.artist_names[c]) for c in cols]

    def artists_of(self, rows: Sequence[int]) -> list[list[str]]:
        """:meth:`artists` of several rows, their names gathered at once."""
        m, primary = self.data.track_artists, self.data.primary_artist[rows].tolist()
        indptr = m.indptr[np.asarray(rows, dtype=np.int64)[:, None] + (0, 1)].tolist()
        cols = [m.indices[a:b].tolist() for a, b in indptr]
        for own, first in zip(cols, primary, strict=True):
            if first in own and own[0] != first:
                own.remove(first)
                own.insert(0, first)
        flat = [c for own in cols for c in own]
        names = self.data.artist_names[flat].tolist() if flat else []
        out, start = [], 0
        for own in cols:
            end = start + len(own)
            out.append([str(name) for name in names[start:end]])
            start = end
        return out

    def label(self, row: int) -> str:
        """``"artist - title"`` for messages."""
        artists = self.artists(row)
        title = str(self.data.names[row]) or self.key(row)
        return f"{artists[0]}{SEPARATOR}{title}" if artists else title

    # -- tracks -------------------------------------------------------------------
    def find(self, ref: str) -> int | None:
        """The row ``ref`` names, or None."""
        ref = ref.strip()
        if not ref:
            return None
        row = self._rows.get(ref)
        if row is not None:
            return row
        spotify_id = parse_spotify_ref(ref, "track")
        if spotify_id is not None:
            return self._rows.get(spotify_id)
        if ref.startswith(("spotify:", "http://", "https://")):
            return None
        return self._by_name(ref)

    def row(self, ref: str) -> int:
        """The row ``ref`` names; :class:`UnknownTrackError` (with suggestions) if none."""
        row = self.find(ref)
        if row is None:
            raise self.unknown(ref)
        return row

    def rows(self, refs: Iterable[str]) -> list[int]:
        return [self.row(r) for r in refs]

    def unknown(self, ref: str) -> UnknownTrackError:
        """The error for a reference that matched nothing, with suggestions."""
        ref = ref.strip()
        spotify_id = parse_spotify_ref(ref, "track")
        if spotify_id is not None:
            return UnknownTrackError(
                f"track {spotify_id} is not in the catalog",
                hint="ingest a playlist or catalog file that contains it, or check the id",
            )
        if ref.startswith(("spotify:", "http://", "https://")):
            return UnknownTrackError(
                f"{shown(ref, quote=False)} is not a Spotify track",
                hint="give spotify:track:ID or https://open.spotify.com/track/ID",
            )
        suggestions = self.suggest(ref) if len(ref) <= _MAX_SUGGESTED_REF else []
        if suggestions:
            hint = "did you mean " + ", ".join(f'"{s}"' for s in suggestions) + "?"
        else:
            hint = 'give a Spotify id, a spotify:track: URI or "artist - title"'
        return UnknownTrackError(f'no track "{shown(ref, quote=False)}" in the catalog', hint=hint)

    # -- names ----------------------------------------------------------------------
    def _names_index(self) -> _Names:
        if self._names is None:
            by_title: dict[str, list[int]] = {}
            for row, title in enumerate(self.data.names.tolist()):
                if title:
                    by_title.setdefault(_normalize(title), []).append(row)
            artists = np.array(
                [_normalize(a) for a in self.data.artist_names.tolist()], dtype=object
            )
            self._names = _Names(by_title=by_title, artists=artists, titles=list(by_title))
        return self._names

    def _artist_set(self, row: int) -> set[str]:
        m = self.data.track_artists
        cols = m.indices[m.indptr[row] : m.indptr[row + 1]]
        return set(self._names_index().artists[cols].tolist())

    def _best(self, rows: list[int]) -> int:
        """Among equally named tracks: most playlists, then most popular, then first."""
        if len(rows) == 1:
            return rows[0]
        if self._in_playlists is None:
            self._in_playlists = np.bincount(
                self.data.playlists.indices, minlength=self.data.n_tracks
            )
        counts = self._in_playlists
        pop = np.nan_to_num(self.data.popularity, nan=-1.0)
        return min(rows, key=lambda r: (-int(counts[r]), -float(pop[r]), r))

    def _by_name(self, ref: str) -> int | None:
        names = self._names_index()
        parts = ref.split(SEPARATOR)
        # Every split point: artists and titles may both contain " - ".
        for i in range(1, len(parts)):
            artist = normalize_name(SEPARATOR.join(parts[:i]))
            title = normalize_name(SEPARATOR.join(parts[i:]))
            rows = [r for r in names.by_title.get(title, ()) if artist in self._artist_set(r)]
            if rows:
                return self._best(rows)
        rows = names.by_title.get(normalize_name(ref), [])
        artists = {int(self.data.primary_artist[r]) for r in rows}
        if rows and len(artists) == 1:  # a bare title one artist owns
            return self._best(rows)
        return None

    def suggest(self, ref: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Close ``"artist - title"`` labels for a reference that matched nothing."""
        names = self._names_index()
        parts = ref.split(SEPARATOR)
        splits = [
            (normalize_name(SEPARATOR.join(parts[:i])), normalize_name(SEPARATOR.join(parts[i:])))
            for i in range(1, len(parts))
        ] or [("", normalize_name(ref))]
        # 1. The artist is known: their closest titles.
        for artist, title in splits:
            cols = np.flatnonzero(names.artists == artist) if artist else np.empty(0, np.int64)
            if len(cols):
                rows = np.unique(self.data.track_artists[:, cols].nonzero()[0]).tolist()
                by_title = {normalize_name(str(self.data.names[r])): r for r in rows}
                close = difflib.get_close_matches(title, list(by_title), n=limit, cutoff=0.5)
                if close:
                    return [self.label(by_title[t]) for t in close]
        # 2. The title exists (by other artists), or a close one does.
        found: list[str] = []
        for _artist, title in splits:
            exact = names.by_title.get(title)
            if exact:
                found += [self.label(r) for r in exact]
            else:
                for t in self._close_titles(title, limit):
                    found.append(self.label(self._best(names.by_title[t])))
        return list(dict.fromkeys(found))[:limit]

    def _close_titles(self, title: str, limit: int) -> list[str]:
        titles = self._names_index().titles
        words = sorted(title.split(), key=len, reverse=True)
        if len(titles) > _MAX_FUZZY and words:
            pool = [t for t in titles if words[0] in t][:_MAX_FUZZY]
        else:
            pool = titles[:_MAX_FUZZY]
        return difflib.get_close_matches(title, pool, n=limit, cutoff=0.6)

    # -- playlists ------------------------------------------------------------------
    def playlist_row(self, ref: str) -> int:
        """A playlist's row: its key, a Spotify URI/URL, or a number.

        A number ``N`` names the playlist keyed ``mpd:N`` (an MPD pid), or
        else the one playlist keyed ``<source>:N`` (``demo:N``, say).
        """
        ref = ref.strip()
        candidates = [ref]
        spotify_id = parse_spotify_ref(ref, "playlist")
        if spotify_id is not None:
            candidates.append(spotify_id)
        if ref.isdigit():
            candidates.append(f"mpd:{ref}")
        for key in candidates:
            if key in self._playlists:
                return self._playlists[key]
        if ref.isdigit():
            rows = self._numbered().get(ref, [])
            if len(rows) == 1:
                return rows[0]
            if rows:
                keys = ", ".join(str(self.data.playlist_keys[r]) for r in rows[:5])
                raise InputError(
                    f"playlist number {ref} is ambiguous",
                    hint=f"give one of {keys}",
                    field="playlist",
                )
        raise InputError(
            f"playlist {shown(ref, quote=False)} is not in the catalog",
            field="playlist",
            hint="give an MPD pid (e.g. 123) or a playlist key as stored in the catalog",
        )

    def _numbered(self) -> dict[str, list[int]]:
        """``N`` → rows of playlists keyed ``<source>:N``."""
        if self._playlist_numbers is None:
            numbers: dict[str, list[int]] = {}
            for key, row in self._playlists.items():
                source, sep, number = key.rpartition(":")
                if sep and source and number.isdigit():
                    numbers.setdefault(number, []).append(row)
            self._playlist_numbers = numbers
        return self._playlist_numbers

    def playlist_rows(self, ref: str) -> list[int]:
        """The tracks of a playlist (rows, in column order)."""
        m = self.data.playlists
        p = self.playlist_row(ref)
        return [int(r) for r in m.indices[m.indptr[p] : m.indptr[p + 1]]]


__all__ = ["TrackIndex"]

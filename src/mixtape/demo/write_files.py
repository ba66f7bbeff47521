"""Writing a demo catalog as input files, for benchmarks and ingest tests.

Three kinds of files, in the layouts of the public data sets they imitate:

* ``tracks_features.csv``: the Kaggle "1.2M Spotify tracks" layout (list-looking
  ``artists`` and ``artist_ids`` columns, ``time_signature`` as a float);
* ``artists.csv``: the Kaggle "600k artists" layout (list-looking ``genres``,
  ``followers`` as a float);
* ``mpd.slice.<first>-<last>.json``: Million Playlist Dataset slices in the full
  schema, 1,000 playlists each.

Each file is written under a temporary name and renamed when complete, so an
interrupted run never leaves a truncated file that looks finished.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import msgspec
import numpy as np

from mixtape.atomic import replacing
from mixtape.catalog.schema import AUDIO_FEATURES
from mixtape.demo.audio import DECIMALS
from mixtape.demo.generate import DemoCatalog
from mixtape.errors import InputError

TRACKS_CSV = "tracks_features.csv"
ARTISTS_CSV = "artists.csv"
SLICE_GLOB = "mpd.slice.*.json"
SLICE_SIZE = 1_000
CSV_CHUNK = 100_000
GENERATED_ON = "2024-12-31 00:00:00.000000"  # fixed: same seed, same bytes

TRACK_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "album",
    "album_id",
    "artists",
    "artist_ids",
    "track_number",
    "disc_number",
    "explicit",
    *AUDIO_FEATURES,
    "year",
    "release_date",
)
ARTIST_COLUMNS: tuple[str, ...] = ("id", "followers", "genres", "name", "popularity")

#: Called with (step name, units done) as the files are written.
Step = Callable[[str, int], None]


class MpdTrackFields(msgspec.Struct):
    """A playlist entry's fields after ``pos``: the same wherever the track appears."""

    artist_name: str
    track_uri: str
    artist_uri: str
    track_name: str
    album_uri: str
    duration_ms: int
    album_name: str


class MpdPlaylist(msgspec.Struct, kw_only=True, omit_defaults=True):
    name: str
    collaborative: str
    pid: int
    modified_at: int
    num_tracks: int
    num_albums: int
    num_followers: int
    num_edits: int
    duration_ms: int
    num_artists: int
    description: str | None = None
    tracks: msgspec.Raw


class MpdSliceOut(msgspec.Struct):
    info: dict[str, str]
    playlists: list[MpdPlaylist]


def file_steps(cat: DemoCatalog) -> dict[str, int]:
    """Units of work per step, for a progress bar."""
    n_playlists = len(cat.playlists) if cat.playlists is not None else 0
    return {
        "tracks csv": cat.n_tracks,
        "artists csv": len(cat.artist_ids),
        "mpd slices": -(-n_playlists // SLICE_SIZE),
    }


def prepare_folder(folder: Path, *, overwrite: bool = False) -> Path:
    """Create ``folder`` if needed and check it can take the demo files."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file, not a folder", hint="give a folder", field="out")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the output folder {folder}: {exc.strerror or exc}",
            hint="check the path and your permissions",
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            f"the output folder {folder} is not writable", hint="choose another folder", field="out"
        )
    existing = sorted(folder.glob(SLICE_GLOB)) + [
        p for p in (folder / TRACKS_CSV, folder / ARTISTS_CSV) if p.exists()
    ]
    if existing and not overwrite:
        raise InputError(
            f"{folder} already holds demo files ({existing[0].name}, ...)",
            hint="choose an empty folder, or allow overwriting to replace them",
            field="overwrite",
        )
    for old in folder.glob(SLICE_GLOB):  # stale slices of a bigger run would be ingested too
        old.unlink()
    return folder


@contextlib.contextmanager
def _atomic(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    try:
        with replacing(path, text=not binary) as f:
            yield f
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}", hint="is the disk full?"
        ) from exc


def _list_cells(names: list[str], main: np.ndarray, featured: np.ndarray) -> np.ndarray:
    """Python-list-looking cells, as in the Kaggle files: ``['A']``, ``['A', 'B']``.

    Most tracks have one artist, whose cell is formatted once per artist.
    """
    cells = np.array([repr([name]) for name in names], dtype=object)[main]
    for row in np.flatnonzero(featured[:, 0] >= 0).tolist():
        extra = [names[g] for g in featured[row].tolist() if g >= 0]
        cells[row] = repr([names[main[row]], *extra])
    return cells


def _decimal_text(values: np.ndarray, decimals: int) -> np.ndarray:
    """``repr`` of each value, which has at most ``decimals`` decimals, via a lookup table.

    Formatting floats one by one is most of the cost of a big CSV; values with
    few decimals take few distinct strings, so each is formatted once.
    (``round(x, d)`` is ``rint(x * 10**d) / 10**d``, the very float formatted here.)
    """
    if len(values) == 0:
        return np.array([], dtype=object)
    scale = 10**decimals
    steps = np.rint(np.asarray(values, dtype=float) * scale).astype(np.int64)
    low, high = int(steps.min()), int(steps.max())
    table = np.array([repr(i / scale) for i in range(low, high + 1)], dtype=object)
    return table[steps - low]


def write_tracks_csv(cat: DemoCatalog, path: Path, step: Step | None = None) -> Path:
    """The tracks in the Kaggle ``tracks_features.csv`` layout."""
    album = cat.track_album
    columns: dict[str, np.ndarray | list[str]] = {
        "id": cat.track_ids,
        "name": cat.track_names,
        "album": np.array(cat.album_names, dtype=object)[album],
        "album_id": cat.album_ids[album],
        "artists": _list_cells(cat.artist_names, cat.track_artist, cat.track_featured),
        "artist_ids": _list_cells(cat.artist_ids.tolist(), cat.track_artist, cat.track_featured),
        "track_number": cat.track_number,
        "disc_number": np.ones(cat.n_tracks, dtype=np.int8),
        "explicit": cat.explicit,
        **{
            name: _decimal_text(cat.audio[name], DECIMALS[name])
            if name in DECIMALS
            else cat.audio[name]
            for name in AUDIO_FEATURES
        },
        "time_signature": _decimal_text(cat.audio["time_signature"], 0),  # "4.0", as Kaggle's
        "year": cat.album_year[album],
        "release_date": np.array(cat.album_dates, dtype=object)[album],
    }
    with _atomic(path) as f:
        out = csv.writer(f, lineterminator="\n")  # the stdlib writer: twice as fast as pandas
        out.writerow(TRACK_COLUMNS)
        for start in range(0, cat.n_tracks, CSV_CHUNK):
            sl = slice(start, min(start + CSV_CHUNK, cat.n_tracks))
            part = [columns[name][sl] for name in TRACK_COLUMNS]
            out.writerows(
                zip(*(p.tolist() if isinstance(p, np.ndarray) else p for p in part), strict=True)
            )
            if step is not None:
                step("tracks csv", sl.stop - sl.start)
    return path


def write_artists_csv(cat: DemoCatalog, path: Path, step: Step | None = None) -> Path:
    """The artists in the Kaggle ``artists.csv`` layout."""
    names = cat.genre_names
    genres = [repr([names[g] for g in row if g >= 0]) for row in cat.artist_genres.tolist()]
    with _atomic(path) as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(ARTIST_COLUMNS)
        out.writerows(
            zip(
                cat.artist_ids.tolist(),
                cat.artist_followers.astype(float).tolist(),  # "44.0", as Kaggle's
                genres,
                cat.artist_names,
                cat.artist_popularity.tolist(),
                strict=True,
            )
        )
    if step is not None:
        step("artists csv", len(genres))
    return path


def write_mpd_slices(cat: DemoCatalog, folder: Path, step: Step | None = None) -> list[Path]:
    """The playlists as full-schema MPD slices of 1,000 playlists (pid = playlist row)."""
    pl = cat.playlists
    if pl is None or len(pl) == 0:
        return []
    track_uri = ["spotify:track:" + i for i in cat.track_ids.tolist()]
    track_name = cat.track_names
    artist_uri_of = ["spotify:artist:" + i for i in cat.artist_ids.tolist()]
    album_uri_of = ["spotify:album:" + i for i in cat.album_ids.tolist()]
    main = cat.track_artist.tolist()
    album = cat.track_album.tolist()
    duration = cat.audio["duration_ms"].tolist()
    n = len(pl)
    owner = np.repeat(np.arange(n, dtype=np.int64), pl.lengths)
    num_albums = _distinct_per_playlist(owner, cat.track_album[pl.entries], n)
    num_artists = _distinct_per_playlist(owner, cat.track_artist[pl.entries], n)
    total_ms = np.bincount(owner, weights=cat.audio["duration_ms"][pl.entries], minlength=n)
    encoder = msgspec.json.Encoder()
    # Each track's fields are encoded once; an entry is then '{"pos":N,' + those
    # fields, which makes 6 million entries cost seconds rather than minutes.
    fields = [b""] * cat.n_tracks
    for t in np.unique(pl.entries).tolist():
        fields[t] = encoder.encode(
            MpdTrackFields(
                artist_name=cat.artist_names[main[t]],
                track_uri=track_uri[t],
                artist_uri=artist_uri_of[main[t]],
                track_name=track_name[t],
                album_uri=album_uri_of[album[t]],
                duration_ms=duration[t],
                album_name=cat.album_names[album[t]],
            )
        )[1:]
    at = [b'{"pos":%d,' % pos for pos in range(int(pl.lengths.max()))]
    paths = []
    for first in range(0, n, SLICE_SIZE):
        last = min(first + SLICE_SIZE, n) - 1
        playlists = []
        for p in range(first, last + 1):
            entries = pl.tracks_of(p).tolist()
            tracks = b",".join(
                [pos + fields[t] for pos, t in zip(at[: len(entries)], entries, strict=True)]
            )
            playlists.append(
                MpdPlaylist(
                    name=pl.names[p],
                    collaborative="true" if pl.collaborative[p] else "false",
                    pid=p,
                    modified_at=int(pl.modified_at[p]),
                    num_tracks=len(entries),
                    num_albums=int(num_albums[p]),
                    num_followers=int(pl.num_followers[p]),
                    num_edits=int(pl.num_edits[p]),
                    duration_ms=int(total_ms[p]),
                    num_artists=int(num_artists[p]),
                    description=pl.descriptions[p],
                    tracks=msgspec.Raw(b"[" + tracks + b"]"),
                )
            )
        info = {"generated_on": GENERATED_ON, "slice": f"{first}-{last}", "version": "v1"}
        path = folder / f"mpd.slice.{first}-{last}.json"
        with _atomic(path, binary=True) as f:
            f.write(encoder.encode(MpdSliceOut(info=info, playlists=playlists)))
        paths.append(path)
        if step is not None:
            step("mpd slices", 1)
    return paths


def _distinct_per_playlist(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """How many distinct ``values`` each playlist has (``owner`` = playlist of each entry)."""
    if len(values) == 0:
        return np.zeros(n, dtype=np.int64)
    span = int(values.max()) + 1
    pairs = np.sort(owner * span + values)
    first = np.r_[True, pairs[1:] != pairs[:-1]]
    return np.bincount(pairs[first] // span, minlength=n)


def write_demo_files(
    cat: DemoCatalog, folder: Path, *, overwrite: bool = False, on_step: Step | None = None
) -> list[Path]:
    """Write the tracks CSV, the artists CSV and the MPD slices into ``folder``."""
    prepare_folder(folder, overwrite=overwrite)
    paths = [
        write_tracks_csv(cat, folder / TRACKS_CSV, on_step),
        write_artists_csv(cat, folder / ARTISTS_CSV, on_step),
    ]
    paths.extend(write_mpd_slices(cat, folder, on_step))
    return paths

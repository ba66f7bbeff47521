"""An on-disk cache of :class:`TrackArrays`: one ``.npz`` per catalog state.

``cached_arrays(catalog, cache_dir)`` computes the catalog's fingerprint (a
few cheap aggregate queries), loads ``arrays-<fingerprint>.npz`` when it is
there and otherwise builds the arrays, saves them atomically (temporary file,
then ``os.replace``) and deletes this catalog's older cache files.

Files load with ``allow_pickle=False``: sparse matrices are stored as their
``data``/``indices``/``indptr``/``shape`` arrays and string arrays as one
NUL-joined UTF-8 buffer (compact and fast, where fixed-width unicode would
size every name like the longest one), falling back to fixed-width
``np.str_`` in the unlikely case a string holds a NUL.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from mixtape.catalog.db import Catalog
from mixtape.features.arrays import TrackArrays
from mixtape.features.build import Step, build_arrays, fingerprint, no_step

FORMAT = 2  # 2: playlist_names
_STRINGS = ("keys", "names", "artist_names", "genre_names", "playlist_keys", "playlist_names")
_DENSE = ("audio", "year", "popularity", "primary_artist")
_SPARSE = ("track_artists", "track_genres", "playlists")
_JOINED = "__joined"
_SEP = "\x00"


def cache_path(cache_dir: Path, fp: str) -> Path:
    return Path(cache_dir) / f"arrays-{fp}.npz"


def _pack_strings(name: str, values: np.ndarray) -> dict[str, np.ndarray]:
    items = [str(v) for v in values]
    if any(_SEP in v for v in items):
        return {name: np.array(items, dtype=np.str_)}
    blob = _SEP.join(items).encode("utf-8")
    return {
        name + _JOINED: np.frombuffer(blob, dtype=np.uint8),
        name + "__count": np.array(len(items), dtype=np.int64),
    }


def _unpack_strings(name: str, npz: Any) -> np.ndarray:
    if name in npz.files:
        return np.asarray(npz[name]).astype(object)
    count = int(npz[name + "__count"])
    out = np.empty(count, dtype=object)
    if count:
        out[:] = bytes(npz[name + _JOINED]).decode("utf-8").split(_SEP)
    return out


def save_arrays(data: TrackArrays, path: Path) -> None:
    """Write ``data`` to ``path`` (.npz, no pickled objects), atomically."""
    arrays: dict[str, Any] = {
        "__format__": np.array(FORMAT),
        "fingerprint": np.array(data.fingerprint, dtype=np.str_),
    }
    for name in _STRINGS:
        arrays.update(_pack_strings(name, getattr(data, name)))
    for name in _DENSE:
        arrays[name] = np.asarray(getattr(data, name))
    for name in _SPARSE:
        m = sp.csr_matrix(getattr(data, name))
        arrays[f"{name}__data"] = m.data
        arrays[f"{name}__indices"] = m.indices
        arrays[f"{name}__indptr"] = m.indptr
        arrays[f"{name}__shape"] = np.array(m.shape, dtype=np.int64)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load_arrays(path: Path) -> TrackArrays:
    """Read arrays saved by :func:`save_arrays` (``allow_pickle=False``)."""
    with np.load(path, allow_pickle=False) as npz:
        if int(npz["__format__"]) != FORMAT:
            raise ValueError(f"{path} has cache format {int(npz['__format__'])}, not {FORMAT}")
        fields: dict[str, Any] = {name: _unpack_strings(name, npz) for name in _STRINGS}
        for name in _DENSE:
            fields[name] = npz[name]
        for name in _SPARSE:
            shape = tuple(int(x) for x in npz[f"{name}__shape"])
            fields[name] = sp.csr_matrix(
                (npz[f"{name}__data"], npz[f"{name}__indices"], npz[f"{name}__indptr"]),
                shape=shape,
            )
        fields["fingerprint"] = str(npz["fingerprint"])
    return TrackArrays(**fields)


def _remove_stale(cache_dir: Path, fp: str) -> None:
    """Delete this catalog's cache files for other states (and abandoned temp files)."""
    catalog_tag = fp.split("-", 1)[0]
    keep = cache_path(cache_dir, fp).name
    for old in cache_dir.glob(f"arrays-{catalog_tag}-*.npz*"):
        if old.name != keep:
            with contextlib.suppress(OSError):
                old.unlink()


def load_cached(cache_dir: Path, fp: str) -> TrackArrays | None:
    """The cached arrays for catalog state ``fp``, or None (missing, damaged, old format)."""
    path = cache_path(cache_dir, fp)
    if not path.is_file():
        return None
    try:
        data = load_arrays(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    return data if data.fingerprint == fp else None


def store(cache_dir: Path, data: TrackArrays) -> None:
    """Save ``data`` under its fingerprint and delete this catalog's older files.

    A cache folder that cannot be written only costs a rebuild next time.
    """
    try:
        save_arrays(data, cache_path(cache_dir, data.fingerprint))
    except OSError:
        return
    _remove_stale(Path(cache_dir), data.fingerprint)


def cached_arrays(catalog: Catalog, cache_dir: Path, *, step: Step = no_step) -> TrackArrays:
    """The catalog's arrays, from ``cache_dir`` when the catalog has not changed.

    Otherwise they are built (``step`` is passed to
    :func:`~mixtape.features.build.build_arrays`) and saved.
    """
    data = load_cached(cache_dir, fingerprint(catalog))
    if data is None:
        data = build_arrays(catalog, step=step)
        store(cache_dir, data)
    return data


__all__ = ["cache_path", "cached_arrays", "load_arrays", "load_cached", "save_arrays", "store"]

"""The facade's core: settings, the catalog (opened lazily), cache folders and caches.

The operations live in mixins (:mod:`.recommending`, :mod:`.reports`,
:mod:`.ingesting`, :mod:`.spotify_ops`) that :class:`mixtape.library.Mixtape`
puts together; each uses only what this class provides.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from mixtape.catalog.db import Catalog, open_catalog
from mixtape.catalog.presence import catalog_exists, display_url
from mixtape.errors import InputError, NoCatalogError
from mixtape.features.arrays import TrackArrays
from mixtape.features.index import TrackIndex
from mixtape.fitting import FittedModels, Status
from mixtape.fitting import _quiet as quiet
from mixtape.records import Recommendation
from mixtape.service import ArrayStore
from mixtape.settings import Settings

#: Progress of a long job: ``(done, total)``.
Progress = Callable[[int, int], None]
#: Hears one line worth telling the user (tracks added, closed endpoints, ...).
Notify = Callable[[str], None]


@contextlib.contextmanager
def about(field: str) -> Iterator[None]:
    """Name ``field`` on an :class:`InputError` raised inside that names none yet."""
    try:
        yield
    except InputError as exc:
        if exc.field is None:
            exc.field = field
        raise


def check_seed(seed: int) -> None:
    """A random seed: 0 or more (numpy's generators take no negative seed)."""
    if seed < 0:
        raise InputError(f"the seed must be 0 or more, not {seed}", field="seed")


class Core:
    """Settings, the catalog, cache folders and the in-memory caches of one facade."""

    def __init__(self, settings: Settings, *, recheck: float = 0.0) -> None:
        """``recheck``: seconds a check that the catalog is unchanged stays trusted (0: check
        on every call; a long-lived server passes a second or two)."""
        self.settings = settings
        self._lock = threading.RLock()
        self._catalog: Catalog | None = None
        self._store = ArrayStore(self.cache_dir, recheck=recheck)
        self._fitted = FittedModels(self.model_cache_dir)

    # -- lifecycle ------------------------------------------------------------------
    def close(self) -> None:
        """Dispose of the database engine and drop the in-memory caches."""
        self._store.settle()  # a background check of the catalog may be using it
        with self._lock:
            if self._catalog is not None:
                self._catalog.dispose()
                self._catalog = None
        self._store.clear()
        self._fitted.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- where things are -------------------------------------------------------------
    @property
    def url(self) -> str:
        """The catalog's URL with any password hidden (safe to print)."""
        return display_url(self.settings.db_url)

    @property
    def cache_dir(self) -> Path:
        """Where track arrays are cached (``DATA_DIR/cache``)."""
        return self.settings.data_dir / "cache"

    @property
    def model_cache_dir(self) -> Path:
        """Where fitted models are saved (``DATA_DIR/cache/models``)."""
        return self.cache_dir / "models"

    # -- the catalog --------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        """The catalog, opened on first use; creates and migrates it when needed."""
        with self._lock:
            if self._catalog is None:
                self._catalog = open_catalog(self.settings.db_url)
            return self._catalog

    def exists(self) -> bool:
        """Whether a catalog exists at ``settings.db_url`` (asking creates nothing)."""
        with self._lock:
            return self._catalog is not None or catalog_exists(self.settings.db_url)

    def existing_catalog(self) -> Catalog:
        """The catalog for reading: :class:`NoCatalogError` rather than creating one."""
        with self._lock:
            if self._catalog is None and not catalog_exists(self.settings.db_url):
                raise NoCatalogError(f"no catalog at {self.url}")
            return self.catalog

    # -- arrays -----------------------------------------------------------------------------
    def arrays(self, status: Status | None = None) -> TrackArrays:
        """The catalog's :class:`TrackArrays`, cached per catalog state (memory and disk).

        Raises :class:`NoCatalogError` when there is no catalog and
        :class:`~mixtape.errors.CatalogError` when it holds no tracks.
        """
        return self._store.arrays(self.existing_catalog(), status=status or quiet)

    def index(self, data: TrackArrays) -> TrackIndex:
        """The reference index of ``data`` (track and playlist look-ups), built once."""
        return self._store.index(data)

    # -- local audio files ----------------------------------------------------------------
    def local_files(self, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Track key -> (library root, path relative to it) for those of ``keys`` that
        have an audio file (``mixtape ingest audio``)."""
        from mixtape.catalog.local_files import ok_files

        if not keys:
            return {}
        with self.existing_catalog().connect() as conn:
            return ok_files(conn, keys)

    def _with_files(
        self, data: TrackArrays, records: Sequence[Recommendation]
    ) -> tuple[Recommendation, ...]:
        """``records`` with the audio file of each track that has one (for M3U8 and other
        playlist files); no query at all when no track of ``data`` has a file."""
        if not data.any_files:
            return tuple(records)
        files = self.local_files([r.track_id for r in records])
        return tuple(
            dataclasses.replace(r, root=files[r.track_id][0], path=files[r.track_id][1])
            if r.track_id in files
            else r
            for r in records
        )

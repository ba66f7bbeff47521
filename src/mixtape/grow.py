"""A self-growing catalog: seed tracks the catalog lacks are looked up on Spotify.

When a recommendation names a Spotify track (id, ``spotify:track:`` URI or
``open.spotify.com`` URL) that is not in the catalog, and Spotify credentials
are configured, :func:`recommend` adds the track (with its provenance, via
:func:`mixtape.spotify.library.ensure_tracks`), reloads the arrays and
recommends from it.  Without credentials, or when Spotify does not know the
track, the usual :class:`UnknownTrackError` is raised, with a hint.

The Spotify package is imported only when a look-up is needed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mixtape import service
from mixtape.catalog.db import Catalog
from mixtape.errors import MixtapeError, UnknownTrackError
from mixtape.features.arrays import TrackArrays
from mixtape.keys import is_spotify_id, parse_spotify_ref

Notify = Callable[[str], None]

NO_CREDENTIALS = (
    "set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET so mixtape can add unknown "
    "Spotify tracks to the catalog"
)


def _quiet(_message: str) -> AbstractContextManager[Any]:
    return contextlib.nullcontext()


@dataclass(frozen=True)
class Growth:
    """What a look-up did: the keys added, or why nothing was (``None`` when it was)."""

    added: tuple[str, ...] = ()
    why_not: str | None = None  # a hint for the unknown-track error


def seed_refs(spec: service.SeedSpec) -> list[str]:
    """The track references of a seed spec (the ``--track`` values or the seeds file's)."""
    if spec.tracks:
        return list(spec.tracks)
    if spec.seeds_file is not None:
        return service.read_refs_file(spec.seeds_file)
    return []


def unknown_spotify_ids(data: TrackArrays, refs: list[str]) -> list[str]:
    """Spotify track ids among ``refs`` that name no catalog track, in order, once each."""
    index = service.track_index(data)
    ids = []
    for ref in refs:
        track_id = parse_spotify_ref(ref.strip(), "track")
        if track_id and is_spotify_id(track_id) and index.find(ref) is None:
            ids.append(track_id)
    return list(dict.fromkeys(ids))


def look_up(
    catalog: Catalog, data_dir: Path, ids: list[str], notify: Notify | None = None
) -> Growth:
    """Add the tracks ``ids`` to the catalog from Spotify (client credentials suffice)."""
    from mixtape.spotify import library, session  # lazy: httpx and friends

    config = session.config_for(data_dir)
    if not config.configured:
        return Growth(why_not=NO_CREDENTIALS)
    try:
        with session.app_client(config, notify=notify) as client:
            added = library.ensure_tracks(catalog, client, ids)
            closed = client.availability.is_closed("tracks")
    except MixtapeError as exc:  # refused, unreachable, no secret, …
        return Growth(why_not=f"looking it up on Spotify failed: {exc}")
    if added:
        return Growth(added=tuple(added))
    if closed:
        return Growth(why_not="Spotify no longer answers track look-ups for this app")
    return Growth(why_not="Spotify does not know it either")


def _label(data: TrackArrays, key: str) -> str:
    index = service.track_index(data)
    row = index.find(key)
    if row is None:
        return key
    artists = ", ".join(index.artists(row))
    name = str(data.names[row] or key)
    return f"{name!r} by {artists}" if artists else repr(name)


def recommend(
    catalog: Catalog,
    model: str,
    seeds: service.SeedSpec,
    *,
    data_dir: Path,
    grow: bool = True,
    notify: Notify | None = None,
    cache_dir: Path | None = None,
    status: service.Status = _quiet,
    **options: Any,
) -> service.RecommendationResult:
    """:func:`mixtape.service.recommend`, first adding unknown Spotify seed tracks.

    ``grow=False`` skips the look-up.  ``notify`` hears one line about the
    tracks added (and Spotify's notes on closed endpoints).  Other keyword
    arguments go to :func:`mixtape.service.recommend`.
    """
    growth = Growth()
    if grow and len(seeds.kinds()) == 1 and (seeds.tracks or seeds.seeds_file is not None):
        service.create_model(model, options.get("params"))  # fail fast, before the network
        data = service.load_arrays(catalog, cache_dir, status=status)
        missing = unknown_spotify_ids(data, seed_refs(seeds))
        if missing:
            with status(f"looking up {len(missing)} unknown track(s) on Spotify"):
                growth = look_up(catalog, data_dir, missing, notify)
    if growth.added:
        data = service.load_arrays(catalog, cache_dir, status=status)
        if notify is not None:
            n = len(growth.added)
            labels = ", ".join(_label(data, key) for key in growth.added[:3])
            more = f" and {n - 3} more" if n > 3 else ""
            notify(f"added {n} track{'s' if n != 1 else ''} from Spotify: {labels}{more}")
    try:
        return service.recommend(
            catalog, model, seeds, cache_dir=cache_dir, status=status, **options
        )
    except UnknownTrackError as exc:
        if growth.why_not is None:
            raise
        hint = f"{exc.hint}; {growth.why_not}" if exc.hint else growth.why_not
        raise UnknownTrackError(exc.message, hint=hint) from exc


__all__ = ["NO_CREDENTIALS", "Growth", "look_up", "recommend", "seed_refs", "unknown_spotify_ids"]

"""A self-growing catalog: seed tracks the catalog lacks are looked up on Spotify.

When a recommendation names a Spotify track (id, ``spotify:track:`` URI or
``open.spotify.com`` URL) that is not in the catalog, and Spotify credentials
are configured, the facade's ``recommend(..., grow=True)`` adds the track (with
its provenance, via :func:`mixtape.spotify.library.ensure_tracks`), reloads the
arrays and recommends from it.  Without credentials, or when Spotify does not
know the track, the usual :class:`UnknownTrackError` is raised, with a hint.

The Spotify package is imported only when a look-up is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mixtape.catalog.db import Catalog
from mixtape.errors import MixtapeError
from mixtape.features.index import TrackIndex
from mixtape.keys import is_spotify_id, parse_spotify_ref

Notify = Callable[[str], None]

NO_CREDENTIALS = (
    "set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET so mixtape can add unknown "
    "Spotify tracks to the catalog"
)


@dataclass(frozen=True)
class Growth:
    """What a look-up did: the keys added, or why nothing was (``None`` when it was)."""

    added: tuple[str, ...] = ()
    why_not: str | None = None  # a hint for the unknown-track error


def unknown_spotify_ids(index: TrackIndex, refs: Sequence[str]) -> list[str]:
    """Spotify track ids among ``refs`` that name no catalog track, in order, once each."""
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


def added_note(index: TrackIndex, added: Sequence[str]) -> str:
    """One line naming the tracks a look-up added (the first three)."""
    labels = ", ".join(_label(index, key) for key in added[:3])
    n = len(added)
    more = f" and {n - 3} more" if n > 3 else ""
    return f"added {n} track{'s' if n != 1 else ''} from Spotify: {labels}{more}"


def _label(index: TrackIndex, key: str) -> str:
    row = index.find(key)
    if row is None:
        return key
    artists = ", ".join(index.artists(row))
    name = str(index.data.names[row] or key)
    return f"{name!r} by {artists}" if artists else repr(name)


__all__ = ["NO_CREDENTIALS", "Growth", "added_note", "look_up", "unknown_spotify_ids"]

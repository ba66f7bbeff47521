""":class:`Mixtape`: the one object the CLI and the web app call."""

from __future__ import annotations

from mixtape.library.challenging import Challenging
from mixtape.library.ingesting import Ingesting
from mixtape.library.reports import Reports
from mixtape.library.spotify_ops import SpotifyOps
from mixtape.library.spotify_web import SpotifyWeb
from mixtape.library.walking import Walking


class Mixtape(SpotifyWeb, Walking, SpotifyOps, Reports, Ingesting, Challenging):
    """A catalog and everything done with it: recommend, curate, evaluate, ingest, plot.

    ``Mixtape(settings)`` opens nothing; the catalog is opened on first use
    (reading operations never create one: they raise :class:`NoCatalogError`).
    It owns the cache folders, the in-memory caches (track arrays, fitted
    models, the track index) and the optional Spotify look-ups.  Every method
    is thread-safe; ``close()`` (or ``with Mixtape(settings) as mx:``) disposes
    the database engine and drops the caches.  Everything raised is a
    :class:`~mixtape.errors.MixtapeError`; an :class:`~mixtape.errors.InputError`
    names the input it concerns in ``field``.
    """

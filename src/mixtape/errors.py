"""One exception tree for the whole library.

Every error carries a message that says what went wrong and, where we can
tell, what to do next (``hint``).  The CLI prints ``str(error)`` on one line
and exits non-zero; the web layer maps the class to a status code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Longest user value an error message repeats (a 100 kB argument is not printed back).
SHOWN_CHARS = 80


def shown(value: object, *, quote: bool = True, limit: int = SHOWN_CHARS) -> str:
    """A user's value for a message (``repr`` when ``quote``), cut to ``limit`` characters."""
    text = repr(value) if quote else str(value)
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


class MixtapeError(Exception):
    """Base of every error mixtape raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class ConfigError(MixtapeError):
    """A setting is missing or malformed."""

    exit_code = 2


class CatalogError(MixtapeError):
    """The catalog database cannot be opened, migrated or queried."""


class NoCatalogError(CatalogError):
    """No catalog exists at the configured URL (and a read-only command will not create one)."""


class InputError(MixtapeError):
    """A user-supplied file or value is unusable.

    ``field`` names the input it concerns (``"target"``, ``"n"``, ``"track"``,
    ``"model"``, ...) when one does: each front end renders it its own way
    (an option in the CLI, a form field on the web).
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class IngestError(InputError):
    """A record in an input file is bad; names the file and the record."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: str | None = None,
        hint: str | None = None,
        field: str | None = None,
    ) -> None:
        where = ", ".join(part for part in (source, location) if part)
        super().__init__(f"{where}: {message}" if where else message, hint=hint, field=field)
        self.source = source
        self.location = location


class Interrupted(MixtapeError):
    """A long operation was stopped (Ctrl-C) between or inside its transactions.

    ``done`` holds the results of the steps committed before the stop (for an
    ingest: one :class:`~mixtape.records.IngestSummary` per file), so a front end
    can say what was kept; the step under way was rolled back.
    """

    exit_code = 130

    def __init__(self, message: str, *, done: Sequence[Any] = (), hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.done = tuple(done)


class AudioError(MixtapeError):
    """An audio file cannot be analysed: ``"<path>: <reason>"`` on one line.

    ``path`` is the file as given, ``reason`` the short why ("empty file", "is a
    directory", "not an audio file libsndfile or ffmpeg can decode", ...).  Picklable,
    so a process pool's worker can raise it to its parent.
    """

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (_audio_error, (self.path, self.reason, self.hint))


def _audio_error(path: str, reason: str, hint: str | None) -> AudioError:
    return AudioError(path, reason, hint=hint)


class UnknownTrackError(InputError):
    """A track reference does not match anything in the catalog."""

    def __init__(
        self, message: str, *, hint: str | None = None, field: str | None = "track"
    ) -> None:
        super().__init__(message, hint=hint, field=field)


class NotFittedError(MixtapeError):
    """A model was asked to recommend before ``fit()``."""


class SeedError(InputError):
    """A model cannot serve these seeds (no features, no playlist history, ...)."""


class ModelUnavailableError(MixtapeError):
    """A model cannot be used here at all (e.g. a closed Spotify endpoint)."""


class SpotifyError(MixtapeError):
    """The Spotify Web API refused a request or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class LoginRequired(SpotifyError):
    """No usable sign-in: never signed in, or the refresh token expired."""

    exit_code = 2


class RateLimited(SpotifyError):
    """Spotify asked us to wait longer than we are willing to; the work can resume later."""

    def __init__(self, message: str, *, retry_after: float, hint: str | None = None) -> None:
        super().__init__(message, status=429, hint=hint)
        self.retry_after = retry_after


class EndpointClosed(SpotifyError):
    """Spotify no longer serves this endpoint to this app (403/404 on a closed endpoint)."""

    def __init__(self, message: str, *, endpoint: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.endpoint = endpoint

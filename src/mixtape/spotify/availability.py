"""What Spotify has closed to this app: detected once, remembered, reported once.

Spotify answers 403 or 404 on endpoints it no longer serves to new or
development-mode apps.  The first such answer marks the endpoint closed for
the session and in ``<data_dir>/spotify/closed.json`` (so ``mixtape models``
can tell without a network call), and its plain-words message is handed to
``notify`` once; the work then goes on with what is left.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

#: Endpoint name → what the user is told when it turns out closed.
MESSAGES: dict[str, str] = {
    "audio-features": (
        "Spotify no longer gives audio features to this app; "
        "features will come from your catalog files"
    ),
    "recommendations": (
        "Spotify no longer gives recommendations to this app; "
        "use mixtape's own models (see `mixtape models`)"
    ),
    "genre-seeds": ("Spotify no longer lists genre seeds for this app; the genre crawl cannot run"),
    "tracks-batch": (
        "Spotify no longer answers batch track look-ups for this app; "
        "looking tracks up one by one (slower)"
    ),
    "artists-batch": (
        "Spotify no longer answers batch artist look-ups for this app; "
        "looking artists up one by one (slower)"
    ),
    "albums-batch": (
        "Spotify no longer answers batch album look-ups for this app; "
        "looking albums up one by one (slower)"
    ),
    "tracks": "Spotify no longer answers track look-ups for this app",
    "artists": "Spotify no longer answers artist look-ups for this app",
    "albums": "Spotify no longer answers album look-ups for this app",
}

FILE = "closed.json"


def closed_file(folder: Path) -> Path:
    return folder / FILE


def known_closed(folder: Path) -> dict[str, float]:
    """Endpoints recorded as closed (name → when), read without any network call."""
    try:
        data = json.loads(closed_file(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


class Availability:
    """The session's memory of closed endpoints, backed by a file in the data directory."""

    def __init__(self, folder: Path | None, notify: Callable[[str], None] | None = None) -> None:
        self.folder = folder
        self.notify = notify or (lambda _message: None)
        self.closed: dict[str, float] = known_closed(folder) if folder else {}
        self.reported: set[str] = set()
        self.notices: list[str] = []  # every message reported, in order

    def is_closed(self, endpoint: str) -> bool:
        return endpoint in self.closed

    def message(self, endpoint: str) -> str:
        return MESSAGES.get(endpoint, f"Spotify no longer serves {endpoint} to this app")

    def mark_closed(self, endpoint: str) -> None:
        if endpoint not in self.closed:
            self.closed[endpoint] = time.time()
            self._save()
        self.report(endpoint)

    def report(self, endpoint: str) -> None:
        """Tell the user once per session that ``endpoint`` is closed."""
        if endpoint in self.reported:
            return
        self.reported.add(endpoint)
        message = self.message(endpoint)
        self.notices.append(message)
        self.notify(message)

    def forget(self) -> None:
        """Clear the memory (after Spotify reopens something, or for a new app)."""
        self.closed.clear()
        self._save()

    def _save(self) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            closed_file(self.folder).write_text(json.dumps(self.closed), encoding="utf-8")
        except OSError:
            pass  # only a cache: the next session detects it again

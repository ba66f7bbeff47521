"""The CLI's error boundary: a library error becomes one line naming the option it concerns."""

from __future__ import annotations

from collections.abc import Mapping

from mixtape.errors import InputError, MixtapeError, NoCatalogError

#: The option (or argument) that gives each input the library names in ``InputError.field``.
FLAGS: dict[str, str] = {
    "n": "-n",
    "track": "--track",
    "playlist": "--playlist",
    "mood": "--mood",
    "title": "--title",
    "model": "--model",
    "models": "--models",
    "param": "--param",
    "grid": "--grid",
    "metric": "--metric",
    "target": "--target",
    "min": "--min",
    "max": "--max",
    "max_per_artist": "--max-per-artist",
    "exclude": "--exclude",
    "playlists": "--playlists",
    "categories": "--categories",
    "test_playlists": "--test-playlists",
    "report": "--report",
    "map": "--map",
    "out": "--out",
    "format": "--format",
    "from": "FROM",
    "to": "TO",
    "overwrite": "--overwrite",
    "sample": "--sample",
    "seed": "--seed",
    "port": "--port",
    "host": "--host",
    "top": "--top",
    "recent": "--recent",
    "per_genre": "--per-genre",
    "paths": "PATHS",
    "encoding": "--encoding",
    "into_existing": "--into-existing",
    "challenge_set": "CHALLENGE_SET.json",
    "submission": "SUBMISSION.csv",
    "truth": "--truth",
    "slices": "MPD_SLICES",
    "per_category": "--per-category",
    "team": "--team",
    "email": "--email",
    "challenge_track": "--challenge-track",
}

NO_CATALOG_HINT = "run `mixtape demo-data` or `mixtape ingest …` first, or check --db"

#: The longest error line printed: a safety net under the library's own shortening.
MAX_LINE = 1000


def render(exc: MixtapeError, flags: Mapping[str, str] | None = None) -> str:
    """``error: [OPTION: ]message (hint)`` on one line, shortened when huge."""
    text = str(exc)
    if isinstance(exc, NoCatalogError) and exc.hint is None:
        text = f"{exc.message} ({NO_CATALOG_HINT})"
    field = exc.field if isinstance(exc, InputError) else None
    flag = ({**FLAGS, **(flags or {})}).get(field) if field else None
    if flag and not text.startswith(flag):
        text = f"{flag}: {text}"
    text = " ".join(text.split("\n"))
    if len(text) > MAX_LINE:
        text = text[: MAX_LINE - 1] + "…"
    return f"error: {text}"

"""Every setting declared once: name, environment variable, default, help.

Nothing here runs at import time; callers build a :class:`Settings` with
:func:`load_settings` and pass it down.  ``tests/test_docs.py`` checks that
each setting is documented in ``docs/settings.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mixtape.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "MIXTAPE_DATA_DIR",
        "Folder for the default SQLite catalog, caches, tokens and demo files "
        "(default: the platform's user data directory, e.g. ~/.local/share/mixtape).",
    ),
    Setting(
        "db_url",
        "MIXTAPE_DB",
        "SQLAlchemy URL of the catalog database (default: sqlite:///DATA_DIR/mixtape.db). "
        "Overridden by the --db option.",
    ),
    Setting(
        "spotify_client_id",
        "SPOTIFY_CLIENT_ID",
        "Client id of your Spotify app (or `client_id` in DATA_DIR/spotify.toml).",
    ),
    Setting(
        "spotify_client_secret",
        "SPOTIFY_CLIENT_SECRET",
        "Client secret of your Spotify app, for catalog look-ups (or `client_secret` in "
        "DATA_DIR/spotify.toml). Never printed or logged.",
    ),
    Setting(
        "spotify_redirect_uri",
        "SPOTIFY_REDIRECT_URI",
        "Redirect URI registered for your Spotify app; a loopback IP, not localhost "
        "(default: http://127.0.0.1:8888/callback).",
    ),
    Setting(
        "spotify_api_url",
        "SPOTIFY_API_URL",
        "Base URL of the Spotify Web API (default: https://api.spotify.com/v1).",
    ),
    Setting(
        "spotify_accounts_url",
        "SPOTIFY_ACCOUNTS_URL",
        "Base URL of Spotify's accounts service (default: https://accounts.spotify.com).",
    ),
    Setting(
        "spotify_max_wait",
        "SPOTIFY_MAX_WAIT",
        "Longest Retry-After (seconds) to sleep through on a 429; a longer wait stops the "
        "work so it can be resumed later (default: 60).",
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("mixtape", appauthor=False))


def load_settings(env: Mapping[str, str] | None = None, *, db_url: str | None = None) -> Settings:
    """Resolve settings from explicit overrides, then the environment, then defaults."""
    env = os.environ if env is None else env
    raw_dir = env.get("MIXTAPE_DATA_DIR")
    data_dir = Path(raw_dir).expanduser() if raw_dir else default_data_dir()
    url = db_url or env.get("MIXTAPE_DB") or f"sqlite:///{data_dir / 'mixtape.db'}"
    if "://" not in url:
        raise ConfigError(
            f"database URL {url!r} is not a SQLAlchemy URL",
            hint="use e.g. sqlite:///path/to/file.db or mysql+pymysql://user@host/db",
        )
    return Settings(data_dir=data_dir, db_url=url)

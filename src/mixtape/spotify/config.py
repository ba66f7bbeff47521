"""Spotify credentials and URLs: from the environment, then ``DATA_DIR/spotify.toml``.

Secrets never have defaults in the source and never appear in a ``repr``,
a log line or an error message (see :func:`mask`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mixtape.errors import ConfigError

API_URL = "https://api.spotify.com/v1"
ACCOUNTS_URL = "https://accounts.spotify.com"
REDIRECT_URI = "http://127.0.0.1:8888/callback"
MAX_WAIT = 60.0
CONFIG_FILE = "spotify.toml"

#: Scopes the user flow asks for: read the library, write playlists.
SCOPES = (
    "user-library-read",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
)

# Environment variable → key in spotify.toml (the settings in mixtape.settings.SETTINGS).
_FIELDS = {
    "SPOTIFY_CLIENT_ID": "client_id",
    "SPOTIFY_CLIENT_SECRET": "client_secret",
    "SPOTIFY_REDIRECT_URI": "redirect_uri",
    "SPOTIFY_API_URL": "api_url",
    "SPOTIFY_ACCOUNTS_URL": "accounts_url",
    "SPOTIFY_MAX_WAIT": "max_wait",
}


def mask(secret: str | None) -> str:
    """A secret as it may be shown: its last four characters at most."""
    if not secret:
        return "<none>"
    return "***" + secret[-4:] if len(secret) > 12 else "***"


@dataclass(frozen=True)
class SpotifyConfig:
    client_id: str | None
    client_secret: str | None = field(default=None, repr=False)
    redirect_uri: str = REDIRECT_URI
    api_url: str = API_URL
    accounts_url: str = ACCOUNTS_URL
    max_wait: float = MAX_WAIT
    data_dir: Path = Path(".")

    def __repr__(self) -> str:
        return (
            f"SpotifyConfig(client_id={self.client_id!r}, "
            f"client_secret={mask(self.client_secret)}, "
            f"redirect_uri={self.redirect_uri!r}, api_url={self.api_url!r})"
        )

    @property
    def token_url(self) -> str:
        return self.accounts_url.rstrip("/") + "/api/token"

    @property
    def authorize_url(self) -> str:
        return self.accounts_url.rstrip("/") + "/authorize"

    @property
    def folder(self) -> Path:
        """Where tokens, the closed-endpoint memory and crawl checkpoints live."""
        return self.data_dir / "spotify"

    @property
    def configured(self) -> bool:
        return bool(self.client_id)

    def require_client_id(self) -> str:
        if not self.client_id:
            raise ConfigError(
                "no Spotify client id configured",
                hint=f"set SPOTIFY_CLIENT_ID or client_id in {self.data_dir / CONFIG_FILE}; "
                "see docs/spotify.md",
            )
        return self.client_id

    def require_secret(self) -> str:
        self.require_client_id()
        if not self.client_secret:
            raise ConfigError(
                "no Spotify client secret configured (needed for catalog look-ups)",
                hint=f"set SPOTIFY_CLIENT_SECRET or client_secret in {self.data_dir / CONFIG_FILE}",
            )
        return self.client_secret

    @property
    def redirect_port(self) -> int:
        return urlsplit(self.redirect_uri).port or 80


def check_redirect_uri(uri: str) -> str:
    """A loopback-IP ``http`` redirect URI, or a :class:`ConfigError` saying why not."""
    parts = urlsplit(uri)
    if parts.hostname == "localhost":
        raise ConfigError(
            f"the Spotify redirect URI {uri} uses 'localhost', which Spotify no longer accepts",
            hint="use a loopback IP instead, e.g. http://127.0.0.1:8888/callback, "
            "and register exactly that URI in your app's settings",
        )
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1") or not parts.port:
        raise ConfigError(
            f"the Spotify redirect URI {uri} is not a loopback address with a port",
            hint="use e.g. http://127.0.0.1:8888/callback (mixtape listens there during login)",
        )
    return uri


def _read_file(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    section = data.get("spotify", data)
    return dict(section) if isinstance(section, dict) else {}


def load_config(data_dir: Path, env: Mapping[str, str] | None = None) -> SpotifyConfig:
    """Credentials and URLs: environment first, then ``data_dir/spotify.toml``, then defaults."""
    env = os.environ if env is None else env
    file_values = _read_file(data_dir / CONFIG_FILE)
    values: dict[str, str] = {}
    for var, key in _FIELDS.items():
        raw = env.get(var) or file_values.get(key)
        if raw not in (None, ""):
            values[key] = str(raw)
    try:
        max_wait = float(values.get("max_wait", MAX_WAIT))
    except ValueError:
        raise ConfigError(
            f"SPOTIFY_MAX_WAIT must be a number of seconds, not {values['max_wait']!r}"
        ) from None
    return SpotifyConfig(
        client_id=values.get("client_id"),
        client_secret=values.get("client_secret"),
        redirect_uri=check_redirect_uri(values.get("redirect_uri", REDIRECT_URI)),
        api_url=values.get("api_url", API_URL).rstrip("/"),
        accounts_url=values.get("accounts_url", ACCOUNTS_URL).rstrip("/"),
        max_wait=max_wait,
        data_dir=data_dir,
    )

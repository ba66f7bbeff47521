"""Natural keys: Spotify ids, URIs and stable keys for things known only by name.

A leaf module (imports nothing of ours but ``errors``) shared by the catalog,
ingestion and the CLI's track look-ups.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_URI = re.compile(r"^spotify:(track|artist|album|playlist|user):([0-9A-Za-z]{22})$")
_URL = re.compile(
    r"^https?://open\.spotify\.com/(?:intl-[a-z]{2}/)?"
    r"(track|artist|album|playlist)/([0-9A-Za-z]{22})"
)
LOCAL_PREFIX = "local:"
_SPACES = re.compile(r"\s+")


def is_spotify_id(value: str) -> bool:
    return bool(SPOTIFY_ID.match(value))


def parse_spotify_ref(value: str, kind: str = "track") -> str | None:
    """Return the bare id from an id, ``spotify:KIND:ID`` URI or open.spotify.com URL.

    Returns None when ``value`` is none of these (or names another kind).
    """
    # Fast path for the common case (MPD files hold millions of these).
    prefix = f"spotify:{kind}:"
    if value.startswith(prefix) and len(value) == len(prefix) + 22:
        tail = value[len(prefix) :]
        if tail.isascii() and tail.isalnum():
            return tail
    value = value.strip()
    if SPOTIFY_ID.match(value):
        return value
    for pattern in (_URI, _URL):
        m = pattern.match(value)
        if m:
            return m.group(2) if m.group(1) == kind else None
    return None


@functools.lru_cache(maxsize=1 << 18)
def normalize_name(name: str) -> str:
    """Case-fold, strip accents' compatibility forms and collapse whitespace."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    return _SPACES.sub(" ", text)[:255]


_FEATURING = re.compile(r"\s*[(\[](?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)
_REMASTERED = re.compile(
    r"\s+-\s+(?:\d{4}\s+)?(?:digital(?:ly)?\s+)?remaster(?:ed)?(?:\s+\d{4})?(?:\s+version)?\s*$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1 << 16)
def song_title_key(title: str) -> str:
    """A title as "the same song" is judged: normalized, without featured artists or a
    remaster note ("One Dance (feat. Wizkid & Kyla)" and "One Dance - 2016 Remaster"
    are "one dance").  Remixes, live and other versions keep their difference."""
    return normalize_name(_REMASTERED.sub("", _FEATURING.sub("", title)))


def exact_name(name: str) -> str:
    """An artist's identity when it has no Spotify id: the name itself (NFC), nothing folded.

    Sources that join artists by name (``artists_with_genres.csv``, MPD's
    ``artist_name``) use Spotify's exact names, and distinct artists may differ
    only by case ("ALI" and "Ali"), so no case or space folding happens here.
    """
    return unicodedata.normalize("NFC", name)[:255]


@functools.lru_cache(maxsize=1 << 18)
def local_key(*parts: str, fold: bool = True) -> str:
    """A stable 22-character key for an entity that has no Spotify id.

    Built from the parts (e.g. artist names and title), normalized with
    :func:`normalize_name` (or only :func:`exact_name` when ``fold`` is False),
    so the same song seen in two files without ids gets the same key.
    """
    norm = normalize_name if fold else exact_name
    joined = "\x1f".join(norm(p) for p in parts)
    digest = hashlib.sha1(joined.encode("utf-8")).hexdigest()
    return LOCAL_PREFIX + digest[: 22 - len(LOCAL_PREFIX)]

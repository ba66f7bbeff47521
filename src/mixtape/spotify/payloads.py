"""The raw JSON shapes of the Spotify Web API that mixtape reads (``total=False``: any
field may be missing; since 2026 development-mode apps no longer get ``popularity``
or ``genres``)."""

from __future__ import annotations

from typing import TypedDict


class ExternalIds(TypedDict, total=False):
    isrc: str


class SimpleArtist(TypedDict, total=False):
    id: str | None
    name: str
    uri: str


class Artist(SimpleArtist, total=False):
    genres: list[str]
    popularity: int
    followers: dict[str, int | None]


class Album(TypedDict, total=False):
    id: str | None
    name: str
    release_date: str
    release_date_precision: str
    artists: list[SimpleArtist]


class Track(TypedDict, total=False):
    id: str | None
    name: str
    uri: str
    type: str
    artists: list[SimpleArtist]
    album: Album
    duration_ms: int
    explicit: bool
    popularity: int
    track_number: int
    disc_number: int
    is_local: bool
    external_ids: ExternalIds


class SavedTrack(TypedDict, total=False):
    added_at: str
    track: Track


class PlaylistItem(TypedDict, total=False):
    added_at: str
    item: Track | None  # since 2026 (was "track")
    track: Track | None
    is_local: bool


class AudioFeatures(TypedDict, total=False):
    id: str
    danceability: float
    energy: float
    key: int
    loudness: float
    mode: int
    speechiness: float
    acousticness: float
    instrumentalness: float
    liveness: float
    valence: float
    tempo: float
    duration_ms: int
    time_signature: int


class User(TypedDict, total=False):
    id: str
    display_name: str | None
    country: str
    product: str


class Playlist(TypedDict, total=False):
    id: str
    name: str
    description: str | None
    collaborative: bool
    public: bool | None
    uri: str
    external_urls: dict[str, str]
    followers: dict[str, int | None]
    snapshot_id: str

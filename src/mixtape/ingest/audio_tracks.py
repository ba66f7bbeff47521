"""An analysed file as a catalog track: its key, names, album, artists and genres.

The track key
-------------
A file becomes a track with a ``local:`` key that does not depend on where the file
is, so a rescan, a moved or copied library, or another format of the same rip gives
the same track:

1. the MusicBrainz recording id when the tags carry one (Picard-tagged libraries):
   the same recording on any release, in any file, is one track;
2. else the ISRC (one per recording, the id Spotify and the catalog files carry);
3. else the normalized tags: artist, title, album, disc and track number (names
   from the path where tags are missing).  The album and the track number keep two
   different songs that share a title apart (an album's two "Interlude"s, a live and
   a studio album's "Intro"); a FLAC and an MP3 of the same album track are the same
   song and meet in one track.

Two files that become one track are not silent: the ingest names both in a warning,
and the track's measurements are those of the last one analysed.
"""

from __future__ import annotations

from mixtape.audio import Analysis, Tags
from mixtape.keys import local_key
from mixtape.records import AlbumRef, ArtistRef, TrackRecord


def track_key(tags: Tags) -> str:
    """The stable key of the track a file's tags describe (see the module's notes)."""
    if tags.musicbrainz_track_id:
        return local_key("musicbrainz", tags.musicbrainz_track_id)
    if tags.isrc:
        return local_key("isrc", tags.isrc)
    return local_key(
        "audio",
        tags.artists[0] if tags.artists else "",
        tags.title or "",
        tags.album or "",
        str(tags.disc_number or ""),
        str(tags.track_number or ""),
    )


def track_record(analysis: Analysis) -> TrackRecord:
    """The catalog's track for one analysed file (tags, full duration, no audio features:
    what was measured goes to ``local_features``, never to Spotify's table)."""
    tags = analysis.tags
    artists = tuple(ArtistRef(name) for name in tags.artists)
    album = None
    if tags.album:
        credited = (ArtistRef(tags.album_artist),) if tags.album_artist else artists[:1]
        album = AlbumRef(name=tags.album, release_year=tags.year, artists=credited)
    return TrackRecord(
        name=tags.title,
        artists=artists,
        album=album,
        duration_ms=round(analysis.duration_s * 1000),
        release_year=tags.year,
        track_number=tags.track_number,
        disc_number=tags.disc_number,
        isrc=tags.isrc,
        musicbrainz_id=tags.musicbrainz_track_id,
        genres=tuple(tags.genres),
        source_key=track_key(tags),
    )

"""Any list as a file to take away: M3U8, XSPF, JSPF or JSON (the writers in mixtape.export)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Response

from mixtape import export


def playlist_file(fmt: str, title: str, tracks: Iterable[export.PlaylistTrack]) -> Response:
    """``tracks`` written as ``fmt``, sent as an attachment named after ``title``."""
    found = export.get_format(fmt)
    body = export.write(found.name, title, list(tracks))
    name = export.filename(title, found.name)
    return Response(
        body,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


#: (format, label) for the download links under every list.
FORMATS = (("m3u8", "M3U8"), ("xspf", "XSPF"), ("jspf", "JSPF"), ("json", "JSON"))

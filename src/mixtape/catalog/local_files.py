"""Where a track's audio file is: the ``audio_files`` rows of status "ok", by track key.

Kept out of the track arrays (a path per track would cost memory at 1.2M tracks
for the few lists that are exported); the facade asks for the tracks of a list.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from mixtape.batches import chunks
from mixtape.catalog import schema

#: Keys per ``IN (...)`` look-up.
_CHUNK = 500


def ok_files(conn: Connection, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Track key -> (library root, path relative to it with ``/``) for the tracks of
    ``keys`` that have a file analysed or found ok (the first such file when several)."""
    t, af = schema.tracks, schema.audio_files
    out: dict[str, tuple[str, str]] = {}
    for part in chunks(list(dict.fromkeys(keys)), _CHUNK):
        rows = conn.execute(
            select(t.c.key, af.c.root, af.c.path)
            .join(af, af.c.track_id == t.c.id)
            .where(t.c.key.in_(part), af.c.status == "ok")
            .order_by(af.c.id)
        ).all()
        for key, root, path in rows:
            out.setdefault(str(key), (str(root), str(path)))
    return out


__all__ = ["ok_files"]

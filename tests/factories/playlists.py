"""Reading playlist files back (M3U8, XSPF, JSPF, JSON), for the web's downloads and the
CLI's ``--format``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

XSPF = "{http://xspf.org/ns/0/}"


def read_playlist(body: bytes, fmt: str) -> list[str]:
    """The track locations (JSON: the track ids) of a playlist file, in order.

    Checks each format's frame on the way: M3U8's header and one ``#EXTINF``
    line per location, XSPF's namespace, JSPF's ``playlist`` object.
    """
    if fmt == "m3u8":
        lines = body.decode("utf-8").splitlines()
        assert lines[0] == "#EXTM3U"
        locations = [line for line in lines if line and not line.startswith("#")]
        assert sum(1 for line in lines if line.startswith("#EXTINF:")) == len(locations)
        return locations
    if fmt == "xspf":
        root = ET.fromstring(body)
        assert root.tag == f"{XSPF}playlist"
        return [t.findtext(f"{XSPF}location") or "" for t in root.iter(f"{XSPF}track")]
    document = json.loads(body)
    if fmt == "jspf":
        return [t["identifier"][0] for t in document["playlist"]["track"]]
    assert fmt == "json", fmt
    return [t["track_id"] for t in document["tracks"]]

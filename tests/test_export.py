"""Playlist writers: every format parses back with the tracks, names and order intact."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mixtape.errors import InputError
from mixtape.export import (
    EXTENSION_URI,
    FORMATS,
    XSPF_NAMESPACE,
    filename,
    get_format,
    save,
    write,
)
from mixtape.records import Recommendation

NS = {"x": XSPF_NAMESPACE}
WHEN = datetime(2026, 5, 4, 12, 30, tzinfo=UTC)
SPOTIFY = "4uLU6hMCjMI75M1A2tKUQC"


@dataclass(frozen=True)
class LocalTrack:
    track_id: str
    name: str
    artists: tuple[str, ...]
    path: Path
    duration_ms: int | None = None
    album: str | None = None


TRACKS = [
    Recommendation(SPOTIFY, "Halo", ("Beyoncé",), 0.93, "similar energy"),
    Recommendation(
        "6rqhFgbbKwnb9MLmUQDhG6",
        'Tom & Jerry <"live"> \'91',
        ("Ünïcødé", "Zoë, Ltd."),
        float("nan"),
        "both <very> acoustic & fast",
    ),
    Recommendation("local:0123456789abcdef", "Line one\nline two\r\nthree", ("A\x01B",), 0.5, "x"),
]


def _text(fmt: str, tracks: list = TRACKS, **kwargs: object) -> str:  # type: ignore[type-arg]
    return write(fmt, "My <mix> & more\nsecond line", tracks, date=WHEN, **kwargs).decode("utf-8")


def test_m3u8_lines_name_each_track_and_point_at_spotify() -> None:
    lines = _text("m3u8").splitlines()
    assert lines[0] == "#EXTM3U"
    assert lines[1] == "#PLAYLIST:My <mix> & more second line"
    assert lines[2:4] == ["#EXTINF:-1,Beyoncé - Halo", f"https://open.spotify.com/track/{SPOTIFY}"]
    assert lines[4] == '#EXTINF:-1,Ünïcødé, Zoë, Ltd. - Tom & Jerry <"live"> \'91'
    assert lines[5] == "https://open.spotify.com/track/6rqhFgbbKwnb9MLmUQDhG6"
    # No file and no Spotify id: a comment, on one line, without the control character.
    assert (
        lines[6] == "# AB - Line one line two three (local:0123456789abcdef: no Spotify id or file)"
    )
    assert len(lines) == 7


def test_m3u8_local_files_relative_to_the_library_root(tmp_path: Path) -> None:
    root = tmp_path / "music"
    inside = LocalTrack("local:aaaaaaaaaaaaaaaa", "Song", ("Me",), root / "a b" / "s.flac", 61_600)
    outside = LocalTrack("local:bbbbbbbbbbbbbbbb", "Other", ("You",), tmp_path / "o.mp3")
    lines = _text("m3u8", [inside, outside], library_root=root).splitlines()
    assert lines[2:] == [
        "#EXTINF:62,Me - Song",
        "a b/s.flac",
        "#EXTINF:-1,You - Other",
        str(tmp_path / "o.mp3"),
    ]


def test_xspf_parses_back_in_its_namespace() -> None:
    root = ET.fromstring(_text("xspf"))
    assert root.tag == "{http://xspf.org/ns/0/}playlist" and root.get("version") == "1"
    assert root.findtext("x:title", namespaces=NS) == "My <mix> & more\nsecond line"
    assert root.findtext("x:date", namespaces=NS) == WHEN.isoformat()
    tracks = root.findall("x:trackList/x:track", NS)
    assert [t.findtext("x:title", namespaces=NS) for t in tracks] == [
        "Halo",
        'Tom & Jerry <"live"> \'91',
        "Line one\nline two\nthree",  # XML normalizes \r\n
    ]
    assert [t.findtext("x:creator", namespaces=NS) for t in tracks] == [
        "Beyoncé",
        "Ünïcødé, Zoë, Ltd.",
        "AB",
    ]
    assert (
        tracks[0].findtext("x:location", namespaces=NS)
        == f"https://open.spotify.com/track/{SPOTIFY}"
    )
    assert tracks[2].find("x:location", NS) is None
    assert tracks[1].findtext("x:annotation", namespaces=NS) == "both <very> acoustic & fast"
    ext = tracks[0].find("x:extension", NS)
    assert ext is not None and ext.get("application") == EXTENSION_URI
    assert ext.findtext("x:track_id", namespaces=NS) == SPOTIFY
    assert float(ext.findtext("x:score", namespaces=NS) or "nan") == pytest.approx(0.93)
    assert tracks[1].find("x:extension/x:score", NS) is None  # NaN score: left out


def test_xspf_local_paths_are_uris(tmp_path: Path) -> None:
    root = tmp_path / "music"
    track = LocalTrack(
        "local:aaaaaaaaaaaaaaaa", "Song", ("Me",), root / "a b" / "é.flac", 1000, "LP"
    )
    doc = ET.fromstring(_text("xspf", [track], library_root=root))
    (element,) = doc.findall("x:trackList/x:track", NS)
    assert element.findtext("x:location", namespaces=NS) == "a%20b/%C3%A9.flac"
    assert element.findtext("x:album", namespaces=NS) == "LP"
    assert element.findtext("x:duration", namespaces=NS) == "1000"
    absolute = ET.fromstring(_text("xspf", [track]))
    assert (absolute.findtext("x:trackList/x:track/x:location", namespaces=NS) or "").startswith(
        "file:///"
    )


def test_jspf_is_listenbrainz_shaped() -> None:
    doc = json.loads(_text("jspf"))
    playlist = doc["playlist"]
    assert playlist["title"] == "My <mix> & more\nsecond line"
    assert playlist["creator"] == "mixtape"
    assert playlist["date"] == WHEN.isoformat()
    first, second, third = playlist["track"]
    assert first["title"] == "Halo" and first["creator"] == "Beyoncé"
    assert first["identifier"] == [f"https://open.spotify.com/track/{SPOTIFY}"]
    assert first["extension"][EXTENSION_URI] == {
        "track_id": SPOTIFY,
        "score": 0.93,
        "reason": "similar energy",
    }
    assert "score" not in second["extension"][EXTENSION_URI]
    assert "identifier" not in third and third["title"] == "Line one\nline two\r\nthree"


def test_jspf_duration_in_milliseconds(tmp_path: Path) -> None:
    track = LocalTrack(
        "local:aaaaaaaaaaaaaaaa", "Song", ("Me",), tmp_path / "s.flac", 215_500, "LP"
    )
    (item,) = json.loads(_text("jspf", [track]))["playlist"]["track"]
    assert item["duration"] == 215_500 and item["album"] == "LP"


def test_json_holds_the_cli_records() -> None:
    doc = json.loads(_text("json"))
    assert doc["title"] == "My <mix> & more\nsecond line"
    assert [t["track_id"] for t in doc["tracks"]] == [r.track_id for r in TRACKS]
    assert doc["tracks"][0] == {
        **TRACKS[0].as_dict(),
        "location": f"https://open.spotify.com/track/{SPOTIFY}",
    }
    assert doc["tracks"][1]["artists"] == ["Ünïcødé", "Zoë, Ltd."]
    assert doc["tracks"][1]["score"] is None


def test_an_empty_list_is_a_valid_file_in_every_format() -> None:
    assert write("m3u8", "empty", [], date=WHEN).decode().splitlines() == [
        "#EXTM3U",
        "#PLAYLIST:empty",
    ]
    assert ET.fromstring(write("xspf", "empty", [], date=WHEN)).find("x:trackList", NS) is not None
    assert json.loads(write("jspf", "empty", []))["playlist"]["track"] == []
    assert json.loads(write("json", "empty", []))["tracks"] == []


def test_formats_have_media_types_and_extensions() -> None:
    assert {name: (f.media_type, f.extension) for name, f in FORMATS.items()} == {
        "m3u8": ("audio/x-mpegurl", ".m3u8"),
        "xspf": ("application/xspf+xml", ".xspf"),
        "jspf": ("application/jspf+json", ".jspf"),
        "json": ("application/json", ".json"),
    }
    assert get_format(" XSPF ").name == "xspf"


def test_an_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"unknown playlist format 'pls'.*m3u8, xspf, jspf, json"):
        write("pls", "x", TRACKS)


def test_filenames_are_safe() -> None:
    assert (
        filename("Path: Beyoncé → Björk / 12 steps", "m3u8") == "path-beyonce-bjork-12-steps.m3u8"
    )
    assert filename("../../", "json") == "playlist.json"


def test_save_writes_the_same_bytes_into_a_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "mix.xspf"  # missing folders are made
    assert save(target, "xspf", "mix", TRACKS, date=WHEN) == target
    assert target.read_bytes() == write("xspf", "mix", TRACKS, date=WHEN)
    assert sorted(p.name for p in target.parent.iterdir()) == ["mix.xspf"]
    with pytest.raises(InputError, match="is a folder") as err:
        save(tmp_path, "json", "mix", TRACKS)
    assert err.value.field == "out"
    with pytest.raises(InputError, match="unknown playlist format"):  # before any file
        save(tmp_path / "x.pls", "pls", "mix", TRACKS)
    assert not (tmp_path / "x.pls").exists()

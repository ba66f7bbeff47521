"""M3U/M3U8 dialects: directives, encodings, relative, absolute, file:// and Windows entries."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from mixtape.ingest.audio_m3u import M3uEntry, candidates, decode, is_stream, local_path, read_m3u
from mixtape.ingest.audio_playlists import EntryMatcher

FOLDER = Path("/music/lists")


def test_directives_names_and_entries(tmp_path: Path) -> None:
    path = tmp_path / "Summer.m3u8"
    path.write_bytes(
        b"\xef\xbb\xbf#EXTM3U\n#PLAYLIST:Sommer \xc3\xa9t\xc3\xa9\n"
        b"#EXTINF:215,Artist - Title\n../a/01.mp3\n\n# a comment\nb.flac\r\n"
    )
    playlist = read_m3u(path)
    assert playlist.name == "Sommer été"
    assert [(e.line, e.location, e.title) for e in playlist.entries] == [
        (4, "../a/01.mp3", "Artist - Title"),
        (7, "b.flac", None),
    ]
    plain = tmp_path / "old.m3u"
    plain.write_bytes(b"Beyonc\xe9/Halo.mp3\n")  # Latin-1, as Winamp wrote .m3u files
    assert read_m3u(plain).name == "old"
    assert read_m3u(plain).entries[0].location == "Beyoncé/Halo.mp3"


def test_m3u_is_utf8_when_it_decodes_so_else_latin1() -> None:
    assert decode("é".encode(), ".m3u") == "é"
    assert decode(b"\xe9", ".m3u") == "é"
    assert decode(b"\xe9", ".m3u8") == "\ufffd"


def test_locations() -> None:
    assert local_path("../a/01.mp3", FOLDER) == PurePosixPath("/music/a/01.mp3")
    assert local_path("/srv/x.flac", FOLDER) == PurePosixPath("/srv/x.flac")
    assert local_path("a\\b\\c.mp3", FOLDER) == PurePosixPath("/music/lists/a/b/c.mp3")
    assert local_path("file:///music/A%20B/%C3%A9.mp3", FOLDER) == PurePosixPath("/music/A B/é.mp3")
    assert local_path("file://localhost/music/x.mp3", FOLDER) == PurePosixPath("/music/x.mp3")
    windows = local_path("C:\\Users\\me\\Music\\A\\B\\01.mp3", FOLDER)
    assert candidates(windows) == ["Music/A/B/01.mp3", "A/B/01.mp3", "B/01.mp3", "01.mp3"]
    assert local_path("file:///C:/Music/x.mp3", FOLDER).parts[-2:] == ("Music", "x.mp3")
    assert is_stream("http://radio.example/stream") and not is_stream("file:///x.mp3")


def test_entries_match_files_as_written_or_by_a_unique_tail() -> None:
    root = Path("/music")
    matcher = EntryMatcher(
        root, {"A/B/01 - One.mp3": 1, "A/C/01 - One.mp3": 2, "A/B/02 - Two.mp3": 3}
    )

    def match(location: str) -> int | None:
        return matcher.track_id(M3uEntry(1, location), root / "lists")

    assert match("../A/B/01 - One.mp3") == 1
    assert match("file:///music/A/C/01%20-%20One.mp3") == 2
    assert match("../A/B/02%20-%20Two.mp3") == 3  # %-escapes without file://
    assert match("D:\\Old\\a\\b\\02 - TWO.mp3") == 3  # another machine, case aside
    assert match("E:\\elsewhere\\01 - One.mp3") is None  # two files end like this
    assert match("http://radio.example/stream") is None

"""Tags written into files come back; untagged files take their names from the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixtape.audio import Tags, analyse, names_from_path, read_tags, split_artists
from tests.factories.audio import Synth, encode

TAGS = {
    "title": "Café Nights",
    "artist": "Ana Ruiz feat. The Moths",
    "album": "Late Trains",
    "album_artist": "Ana Ruiz",
    "track": "3/12",
    "disc": "2",
    "date": "2019-05-01",
    "genre": "Indie Pop; Dream Pop",
    "isrc": "GB-AAA-19-00123",
}
EXPECTED = Tags(
    title="Café Nights",
    artists=("Ana Ruiz", "The Moths"),
    album="Late Trains",
    album_artist="Ana Ruiz",
    track_number=3,
    disc_number=2,
    year=2019,
    genres=("Indie Pop", "Dream Pop"),
    isrc="GBAAA1900123",
)


@pytest.mark.usefixtures("ffmpeg")
@pytest.mark.parametrize("suffix", [".flac", ".mp3", ".ogg", ".m4a"])
def test_tags_written_into_a_file_come_back(synth: Synth, tmp_path: Path, suffix: str) -> None:
    tagged = encode(synth.path("tone.wav"), tmp_path / f"tagged{suffix}", TAGS)
    tags = read_tags(tagged)
    assert tags.duration_s == pytest.approx(6, abs=0.1)
    assert tags.merged(Tags(duration_s=None)) == tags
    compared = {name: getattr(tags, name) for name in EXPECTED.__slots__ if name != "duration_s"}
    expected = {name: getattr(EXPECTED, name) for name in compared}
    if suffix == ".m4a":  # ffmpeg writes no ISRC into MP4 (it has no standard atom)
        expected["isrc"] = None
    assert compared == expected


@pytest.mark.usefixtures("ffmpeg")
def test_a_musicbrainz_recording_id_comes_back(synth: Synth, tmp_path: Path) -> None:
    recording = "8f3471b5-7e6a-48da-86a9-c1c07a0f47ae"
    tagged = encode(
        synth.path("tone.wav"), tmp_path / "mb.flac", {"MUSICBRAINZ_TRACKID": recording.upper()}
    )
    assert read_tags(tagged).musicbrainz_track_id == recording


def test_an_untagged_file_takes_its_names_from_the_library_layout(
    synth: Synth, tmp_path: Path
) -> None:
    root = tmp_path / "library"
    target = root / "Ana Ruiz" / "Late Trains" / "03 - Café Nights.wav"
    target.parent.mkdir(parents=True)
    target.write_bytes(synth.path("tone.wav").read_bytes())
    found = analyse(target, root=root)
    assert found.tags.title == "Café Nights"
    assert found.tags.artists == ("Ana Ruiz",)
    assert found.tags.album == "Late Trains"
    assert found.tags.track_number == 3
    assert found.tags.duration_s == pytest.approx(6, abs=0.01)


@pytest.mark.parametrize(
    ("relative", "title", "artists", "album", "number"),
    [
        ("Artist/Album/01 - Song.flac", "Song", ("Artist",), "Album", 1),
        ("Artist/Album/1-07 Song Two.mp3", "Song Two", ("Artist",), "Album", 7),
        ("Artist - Song.mp3", "Song", ("Artist",), None, None),
        ("Mixes/Artist - Song.ogg", "Song", ("Artist",), None, None),
        ("some_song.wav", "some song", (), None, None),
        ("Band/Album/Intro.flac", "Intro", ("Band",), "Album", None),
    ],
)
def test_names_from_the_path(
    relative: str, title: str, artists: tuple[str, ...], album: str | None, number: int | None
) -> None:
    root = Path("/music")
    tags = names_from_path(root / relative, root)
    assert (tags.title, tags.artists, tags.album, tags.track_number) == (
        title,
        artists,
        album,
        number,
    )


def test_without_a_root_only_the_file_name_counts() -> None:
    tags = names_from_path(Path("/tmp/x/y/Artist - Song.mp3"))
    assert (tags.title, tags.artists, tags.album) == ("Song", ("Artist",), None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A feat. B", ("A", "B")),
        ("A ft. B; C", ("A", "B", "C")),
        ("A featuring B", ("A", "B")),
        ("AC/DC", ("AC/DC",)),
        ("A / B", ("A", "B")),
        ("Simon & Garfunkel", ("Simon & Garfunkel",)),
        ("A; A", ("A",)),
        ("", ()),
        (None, ()),
    ],
)
def test_split_artists(value: str | None, expected: tuple[str, ...]) -> None:
    assert split_artists(value) == expected


def test_tags_fill_only_what_is_missing() -> None:
    tags = Tags(title="Real", artists=())
    merged = tags.merged(Tags(title="From path", artists=("Someone",), album="Folder"))
    assert merged == Tags(title="Real", artists=("Someone",), album="Folder")

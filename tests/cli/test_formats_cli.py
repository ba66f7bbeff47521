"""``--format`` and ``--out`` on ``recommend``, ``curate`` and ``path``: take any list away."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.factories.cli import Cli, one_error_line
from tests.factories.cli_catalog import TRACK_IDS
from tests.factories.playlists import XSPF, read_playlist

pytestmark = pytest.mark.usefixtures("data_dir")

FORMATS = ("m3u8", "xspf", "jspf", "json")
COMMANDS = ("recommend", "curate", "path")
SPOTIFY = "https://open.spotify.com/track/"
#: The title each command gives its playlist file.
TITLES = {
    "recommend": "mixtape popular recommendations",
    "curate": "mixtape curated playlist",
    "path": "mixtape song path",
}


@pytest.fixture(scope="module")
def seeds_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("formats") / "library.txt"
    path.write_text("\n".join(TRACK_IDS[i] for i in (0, 2, 4, 1)) + "\n")
    return path


@pytest.fixture
def command(cli_catalog: str, seeds_file: Path) -> dict[str, list[str]]:
    """Each command's arguments (after ``--db URL``), making a list of six tracks."""
    return {
        "recommend": ["recommend", "--model", "popular", "--track", TRACK_IDS[0], "-n", "6"],
        "curate": ["curate", "--seeds", str(seeds_file), "-n", "6", "--param", "n_clusters=2"],
        "path": ["path", TRACK_IDS[0], TRACK_IDS[3], "-n", "6"],
    }


def run(cli: Cli, url: str, args: list[str]) -> tuple[int, str, str]:
    return cli(["--db", url, *args])


def listed(cli: Cli, url: str, args: list[str]) -> list[str]:
    """The track ids of the command's ``--json`` output, in order."""
    code, out, err = run(cli, url, [*args, "--json"])
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    items = result.get("recommendations") or result.get("playlist") or result["tracks"]
    return [item["track_id"] for item in items]


def expected(ids: list[str], fmt: str) -> list[str]:
    """What :func:`read_playlist` reads back for ``ids``: URLs, or the ids in JSON."""
    return ids if fmt == "json" else [SPOTIFY + i for i in ids]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COMMANDS)
def test_every_list_prints_in_every_format(
    cli: Cli, cli_catalog: str, command: dict[str, list[str]], name: str, fmt: str
) -> None:
    args = command[name]
    ids = listed(cli, cli_catalog, args)
    assert len(ids) == 6
    given = fmt.upper() if fmt == "xspf" else fmt  # the name's case does not matter
    code, out, err = run(cli, cli_catalog, [*args, "--format", given])
    assert code == 0, err
    body = out.encode("utf-8")
    assert read_playlist(body, fmt) == expected(ids, fmt)
    if fmt == "m3u8":
        lines = out.splitlines()
        assert lines[1] == f"#PLAYLIST:{TITLES[name]}"
        assert lines[2].startswith("#EXTINF:-1,Artist ") and " - Track " in lines[2]
    elif fmt == "xspf":
        root = ET.fromstring(body)
        assert root.findtext(f"{XSPF}title") == TITLES[name]
        titles = [t.findtext(f"{XSPF}title") for t in root.iter(f"{XSPF}track")]
        assert titles == [f"Track {TRACK_IDS.index(i)}" for i in ids]
    else:
        document = json.loads(out)
        playlist = document["playlist"] if fmt == "jspf" else document
        assert playlist["title"] == TITLES[name] and playlist["creator"] == "mixtape"
        tracks = playlist["track"] if fmt == "jspf" else playlist["tracks"]
        assert all(t["title" if fmt == "jspf" else "name"].startswith("Track ") for t in tracks)
    if fmt == "json":  # the playlist document, not --json's shape
        assert set(json.loads(out)) == {"title", "creator", "date", "tracks"}


@pytest.mark.parametrize("name", COMMANDS)
def test_out_writes_the_file_and_shows_the_usual_output(
    cli: Cli, cli_catalog: str, command: dict[str, list[str]], name: str, tmp_path: Path
) -> None:
    args = command[name]
    ids = listed(cli, cli_catalog, args)
    target = tmp_path / "new" / "folder" / "list.xspf"  # the format from the extension
    code, out, err = run(cli, cli_catalog, [*args, "--out", str(target)])
    assert code == 0, err
    assert "track" in out and "Track " in out  # the table, as without --out
    assert f"wrote {target}: 6 tracks as xspf" in err
    assert read_playlist(target.read_bytes(), "xspf") == expected(ids, "xspf")
    assert os.listdir(target.parent) == ["list.xspf"]  # nothing else left behind
    # --format wins over the extension; --json still prints on stdout.
    other = tmp_path / "list.txt"
    code, out, err = run(
        cli, cli_catalog, [*args, "--format", "jspf", "--out", str(other), "--json"]
    )
    assert code == 0, err
    assert read_playlist(other.read_bytes(), "jspf") == expected(ids, "jspf")
    assert json.loads(out)["model"]


def test_a_failed_write_leaves_the_old_file_whole(
    cli: Cli,
    cli_catalog: str,
    command: dict[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "mix.m3u8"
    target.write_text("the old playlist\n")
    replace = os.replace

    def full_disk(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(src).endswith(".part"):  # only the playlist's own rename fails
            raise OSError(28, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    code, out, err = run(cli, cli_catalog, [*command["path"], "--out", str(target)])
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(
        f"error: --out: cannot write {target}: No space left on device"
    )
    assert target.read_text() == "the old playlist\n"
    assert os.listdir(tmp_path) == ["mix.m3u8"]  # the partial file is gone


def test_nothing_is_written_when_the_list_cannot_be_made(
    cli: Cli, cli_catalog: str, tmp_path: Path
) -> None:
    target = tmp_path / "mix.m3u8"
    code, _, err = run(
        cli, cli_catalog, ["path", TRACK_IDS[0], "Nobody - Nothing", "-o", str(target)]
    )
    assert code == 2 and "TO: no track" in one_error_line(err)
    assert not target.exists()


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "mp3"], "error: --format: unknown playlist format 'mp3' (use m3u8, xspf, "),
        (["--out", "list.txt"], "error: --out: cannot tell the playlist format from the name"),
        (["--format", "m3u8", "--json"], "error: --json and --format would both write to stdout"),
    ],
)
def test_a_bad_format_is_one_line(
    cli: Cli,
    cli_catalog: str,
    command: dict[str, list[str]],
    name: str,
    extra: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(cli, cli_catalog, [*command[name], *extra])
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(message)
    assert os.listdir(tmp_path) == []

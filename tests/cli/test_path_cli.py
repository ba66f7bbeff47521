"""``mixtape path``: a song path through the real entry point, the same as the web API's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixtape.library import Mixtape
from mixtape.settings import Settings
from mixtape.web.app import create_app
from tests.factories.cli import Cli, one_error_line
from tests.factories.cli_catalog import TRACK_IDS
from tests.web.client import Client, client_for

pytestmark = pytest.mark.usefixtures("data_dir")

#: Track 0 (loud, by artist 0) to track 3 (quiet, by artist 3).
A, B = TRACK_IDS[0], TRACK_IDS[3]


def path_json(cli: Cli, url: str, *args: str) -> dict[str, Any]:
    code, out, err = cli(["--db", url, "path", *args, "--json"])
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def rows(result: dict[str, Any]) -> list[int]:
    """The catalog rows (``i`` of ``Track i``) of a path's tracks, in order."""
    return [TRACK_IDS.index(t["track_id"]) for t in result["tracks"]]


@pytest.fixture(scope="module")
def api(cli_catalog: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The web app over the same catalog (its own data folder)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("path-web"), db_url=cli_catalog)
    with Mixtape(settings) as mx, client_for(create_app(mx, warm=None)) as client:
        yield client


@pytest.mark.parametrize("model", ["audio", "content"])
def test_a_path_walks_from_one_end_to_the_other(
    cli: Cli, cli_catalog: str, api: Client, model: str
) -> None:
    result = path_json(cli, cli_catalog, A, "Artist 3 - Track 3", "-n", "6", "--model", model)
    assert (result["model"], result["from"], result["to"], result["n"]) == (model, A, B, 6)
    steps = rows(result)
    assert len(steps) == len(set(steps)) == 6
    assert (steps[0], steps[-1]) == (0, 3)
    if model == "audio":  # only tracks with audio features have audio vectors
        assert all(r % 12 != 11 for r in steps)
    assert [t["reason"].split(":")[0] for t in result["tracks"]] == [
        f"step {i} of 6" for i in range(1, 7)
    ]
    # The CLI's --json is the web API's /api/path, field for field.
    answer = api.get(f"/api/path?from={A}&to={B}&n=6&model={model}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == result


def test_at_most_k_tracks_per_artist_ends_included(cli: Cli, cli_catalog: str, api: Client) -> None:
    result = path_json(cli, cli_catalog, A, B, "-n", "8", "--max-per-artist", "1")
    artists = [r % 8 for r in rows(result)]  # track i is by artist i % 8
    assert len(artists) == len(set(artists)) == 8  # all eight artists, once each
    answer = api.get(f"/api/path?from={A}&to={B}&n=8&max_per_artist=1")
    assert answer.json() == result
    code, _, err = cli(["--db", cli_catalog, "path", A, B, "-n", "9", "--max-per-artist", "1"])
    assert code == 2
    assert "only 6 tracks fit between the two under these rules, not 7" in one_error_line(err)


def test_the_table_has_a_row_per_step(cli: Cli, cli_catalog: str) -> None:
    code, out, err = cli(["--db", cli_catalog, "path", A, B, "-n", "5"])
    assert code == 0, err
    assert "audio: 5 tracks from Track 0 to Track 3" in out
    for header in ("#", "track", "artists", "reason"):
        assert header in out
    assert "step 1 of 5: the start, on the way to 'Track 3'" in out
    assert "step 5 of 5: 'Track 3', the end" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([A, "Nobody - Nothing"], 'error: TO: no track "Nobody - Nothing"'),
        (["Artist 0 - Trak 0", B], 'error: FROM: no track "Artist 0 - Trak 0"'),
        ([A, A], "error: TO: a song path needs two different tracks"),
        ([A, B, "-n", "1"], "error: -n: a song path has 2 to 200 tracks, not 1"),
        ([A, B, "--model", "mood"], "error: --model: a song path walks through a vector model"),
        ([A, B, "--max-per-artist", "0"], "error: --max-per-artist: "),
    ],
)
def test_bad_input_is_one_line(cli: Cli, cli_catalog: str, args: list[str], message: str) -> None:
    code, out, err = cli(["--db", cli_catalog, "path", *args])
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(message)


def test_an_empty_folder_is_no_catalog(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli(["--db", f"sqlite:///{tmp_path / 'none.db'}", "path", A, B])
    assert code == 1 and out == ""
    assert "no catalog at" in one_error_line(err)

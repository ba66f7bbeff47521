"""``mixtape stats`` and ``mixtape plot`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixtape.catalog import open_catalog
from mixtape.errors import InputError
from mixtape.library import Mixtape
from mixtape.plots import feature_histograms, mood_counts, mood_map
from tests.factories.catalogs import write_counted_catalog
from tests.factories.cli import run_cli

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 1000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'catalog.db'}"
    write_counted_catalog(url)
    return url


@pytest.fixture
def empty(tmp_path: Path) -> str:
    """A catalog that exists and holds nothing."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_catalog(url).dispose()
    return url


def test_stats_json_shape(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["--db", built, "stats", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    expected = {
        "playlists": 3,
        "playlist_tracks": 7,
        "tracks": 5,
        "artists": 3,
        "albums": 1,
        "tracks_with_features": 3,
        "genres": 3,
    }
    for key, value in expected.items():
        assert type(data[key]) is int, key
        assert data[key] == value, key
    for nested in ("playlist_summary", "coverage", "ingests"):
        assert isinstance(data[nested], dict)
    top = data["top_tracks"][0]
    assert {k: top[k] for k in ("name", "artist", "count")} == {
        "name": "One",
        "artist": "Alpha",
        "count": 3,
    }
    assert isinstance(top["key"], str)
    assert data["top_titles"][0] == {"name": "chill", "count": 2}


@pytest.mark.parametrize("option", ["--top", "--recent"])
def test_stats_with_a_huge_limit_lists_everything(
    built: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A limit beyond what SQL can hold means "all of them", not an overflow."""
    code, out, err = run_cli(["--db", built, "stats", option, "9" * 25, "--json"], capsys)
    assert code == 0, err
    code, everything, err = run_cli(["--db", built, "stats", option, "1000", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["top_tracks"] == json.loads(everything)["top_tracks"]
    assert json.loads(out)["ingests"] == json.loads(everything)["ingests"]


def test_ctrl_c_in_a_command_is_one_line_and_exit_130(
    built: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer turns Ctrl-C into a silent exit 130; the user is told why the command stopped."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Mixtape, "stats", interrupted)
    code, out, err = run_cli(["--db", built, "stats"], capsys)
    assert code == 130
    assert out == ""
    assert err.strip().splitlines() == ["interrupted"]


def test_stats_text_reads_like_mpd_stats(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--db", built, "stats"], capsys)
    assert code == 0
    assert "number of playlists 3" in out
    assert "avg playlist length 2.333333" in out
    lines = out.splitlines()
    tracks = lines[lines.index("top tracks") + 1 :]
    assert tracks[0].split() == ["3", "One", "by", "Alpha"]
    assert tracks[2].strip() == "1 Three by Gamma, Beta"
    assert "tracks with audio features (60.0%)" in out
    assert "recent ingests (newest first)" in out


def test_stats_on_an_empty_catalog(empty: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--db", empty, "stats", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["playlists"] == data["tracks"] == data["tracks_with_features"] == 0
    code, out, _ = run_cli(["--db", empty, "stats"], capsys)
    assert code == 0
    assert "number of playlists 0" in out


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["stats", "--json"],
        ["plot", "mood"],
        ["recommend", "--model", "random", "--track", "x"],
        ["curate", "--seeds", __file__],
        ["evaluate", "--models", "random"],
        ["models"],
    ],
)
def test_reading_commands_never_create_a_catalog(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "catalog.db"
    code, out, err = run_cli(["--db", f"sqlite:///{missing}", *command], capsys)
    assert not missing.parent.exists()
    if command == ["models"]:  # needs no catalog at all
        assert code == 0, err
        return
    assert code == 1
    assert out == ""
    assert err == (
        f"error: no catalog at sqlite:///{missing} "
        "(run `mixtape demo-data` or `mixtape ingest …` first, or check --db)\n"
    )


@pytest.mark.parametrize("kind", ["features", "mood"])
def test_plot_writes_a_png(
    kind: str, built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path = tmp_path / "new" / "folder" / f"{kind}.png"
    code, out, err = run_cli(
        ["--db", built, "plot", kind, "--out", str(out_path), "--json"], capsys
    )
    assert code == 0, err
    assert json.loads(out) == {"path": str(out_path), "tracks_plotted": 3}
    assert_png(out_path)


def test_plot_mood_samples(built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "mood.png"
    code, out, _ = run_cli(
        ["--db", built, "plot", "mood", "-o", str(out_path), "--sample", "2", "--json"], capsys
    )
    assert code == 0
    assert json.loads(out)["tracks_plotted"] <= 2
    assert_png(out_path)


@pytest.mark.parametrize("kind", ["features", "mood"])
def test_plot_on_an_empty_catalog_is_one_line(
    kind: str, empty: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["--db", empty, "plot", kind, "-o", str(tmp_path / "x.png")], capsys)
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: no tracks with audio features in the catalog; run `mixtape")
    assert not (tmp_path / "x.png").exists()


def test_plot_to_an_unwritable_place(
    built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, err = run_cli(["--db", built, "plot", "mood", "-o", str(blocker / "mood.png")], capsys)
    assert code == InputError.exit_code
    assert err.startswith("error: --out: cannot create the folder")
    assert err.count("\n") == 1
    code, _, err = run_cli(
        ["--db", built, "plot", "mood", "-o", str(tmp_path / "mood.txt")], capsys
    )
    assert code == InputError.exit_code
    assert "image format" in err


def test_mood_quadrants() -> None:
    valence = np.array([0.9, 0.1, 0.1, 0.9, 0.5])
    energy = np.array([0.9, 0.9, 0.1, 0.1, 0.5])
    assert mood_counts(valence, energy) == {"happy": 2, "angry": 1, "sad": 1, "calm": 1}


def test_plot_functions_write_images(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "valence": rng.random(500),
            "key": rng.integers(0, 12, 500).astype(float),
            "release_year": np.where(rng.random(500) < 0.5, np.nan, 1990.0),
            "tempo": np.full(500, np.nan),  # a column without data still draws
        }
    )
    assert_png(feature_histograms(frame, tmp_path / "f.png", title="t"))
    assert_png(
        mood_map(frame["valence"].to_numpy(), rng.random(500), tmp_path / "m.png", title="t")
    )
    svg = mood_map(np.array([0.2]), np.array([0.7]), tmp_path / "m.svg", title="t")
    assert svg.read_text().lstrip().startswith("<?xml")
    with pytest.raises(InputError):
        mood_map(np.array([]), np.array([]), tmp_path / "e.png", title="t")

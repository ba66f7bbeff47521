"""A user's own music end to end: tracks analysed from files (rows written as ``mixtape
ingest audio`` writes them), the sonic model through the facade, the CLI and the web
app, and M3U8 files whose paths a player resolves to the right files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from mixtape.catalog import open_catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.keys import local_key
from mixtape.library import Mixtape
from mixtape.records import ArtistRef, TrackRecord
from mixtape.settings import Settings
from mixtape.web.app import create_app
from tests.factories.cli import Cli
from tests.factories.local_audio import add_audio_files, add_embeddings, add_local_features
from tests.factories.playlists import read_playlist
from tests.web.client import client_for

N = 12


def title(i: int) -> str:
    return f"Song {i}"


def artist(i: int) -> str:
    return f"Artist {i % 3}"


def key(i: int) -> str:
    return local_key(artist(i), title(i))


def relative(i: int) -> str:
    """Where track ``i``'s file lies under the library root (a space and an accent)."""
    return f"{artist(i)}/Été Album/{i:02d} {title(i)}.flac"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(catalog URL, library root): 12 analysed tracks, even and odd ones sound alike."""
    folder = tmp_path_factory.mktemp("own")
    root = folder / "Music"
    url = f"sqlite:///{folder / 'catalog.db'}"
    catalog = open_catalog(url)
    try:
        with catalog.begin() as conn:
            BatchWriter(conn).upsert_tracks(
                [TrackRecord(title(i), artists=(ArtistRef(artist(i)),)) for i in range(N)]
            )
        rng = np.random.default_rng(5)
        centres = rng.standard_normal((2, 20))
        add_embeddings(
            catalog, {key(i): centres[i % 2] + 0.2 * rng.standard_normal(20) for i in range(N)}
        )
        add_local_features(
            catalog,
            {
                key(i): {"danceability": 0.5, "energy": 0.1 * (i % 10), "tempo": 90.0 + i}
                for i in range(N)
            },
        )
        add_audio_files(catalog, str(root), {key(i): relative(i) for i in range(N)})
    finally:
        catalog.dispose()
    return url, root


@pytest.fixture
def mx(library: tuple[str, Path], tmp_path: Path) -> Iterator[Mixtape]:
    with Mixtape(Settings(data_dir=tmp_path / "data", db_url=library[0])) as facade:
        yield facade


def test_the_sonic_model_recommends_alike_tracks_with_their_files(
    mx: Mixtape, library: tuple[str, Path]
) -> None:
    sonic = next(m for m in mx.models() if m.name == "sonic")
    assert sonic.available, sonic.reason
    result = mx.recommend("sonic", tracks=[f"{artist(0)} - {title(0)}"], n=4)
    recs = result.recommendations
    assert {r.track_id for r in recs} <= {key(i) for i in range(2, N, 2)}  # the even ones
    assert all(r.root == str(library[1]) for r in recs)
    assert [r.path for r in recs] == [relative(int(r.name.split()[-1])) for r in recs]
    assert result.as_dict()["recommendations"][0]["file"] == {
        "root": str(library[1]),
        "path": recs[0].path,
    }
    details = mx.track(key(3))
    assert details.feature_source == "local"
    assert details.features["tempo"] == pytest.approx(93.0)
    assert details.features["valence"] is None and details.features["acousticness"] is None
    path = mx.path(key(0), key(1), n=5, model="sonic")
    assert [t.track_id for t in (path.tracks[0], path.tracks[-1])] == [key(0), key(1)]
    assert all(t.path for t in path.tracks)


def m3u8_files(body: str, folder: Path) -> list[Path]:
    """The files an M3U8 file's entries name, resolved as a player does (from its folder)."""
    return [Path(os.path.normpath(folder / p)) for p in read_playlist(body.encode(), "m3u8")]


def cli_args(url: str, *more: str) -> list[str]:
    return ["--db", url, "recommend", "--model", "sonic", "--track", key(1), "-n", "5", *more]


def test_an_m3u8_written_into_the_library_points_at_the_files(
    cli: Cli, library: tuple[str, Path]
) -> None:
    url, root = library
    out = root / "Playlists" / "mix.m3u8"
    code, _, err = cli(cli_args(url, "--out", str(out)))
    assert code == 0, err
    body = out.read_text(encoding="utf-8")
    entries = read_playlist(body.encode(), "m3u8")
    assert all(e.startswith("../Artist ") and "Été Album" in e for e in entries)
    files = m3u8_files(body, out.parent)
    assert len(files) == 5
    assert {f.relative_to(root).as_posix() for f in files} <= {relative(i) for i in range(N)}


def test_library_root_paths_outside_it_absolute_and_stdout_from_here(
    cli: Cli, library: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, root = library
    out = tmp_path / "lists" / "mpd.m3u8"
    code, _, err = cli(cli_args(url, "--out", str(out), "--library-root", str(root)))
    assert code == 0, err
    entries = read_playlist(out.read_bytes(), "m3u8")
    assert set(entries) <= {relative(i) for i in range(N)} and len(entries) == 5

    elsewhere = tmp_path / "elsewhere.m3u8"
    assert cli(cli_args(url, "--out", str(elsewhere)))[0] == 0
    absolute = read_playlist(elsewhere.read_bytes(), "m3u8")
    assert [Path(p).relative_to(root).as_posix() for p in absolute] == entries

    monkeypatch.chdir(root)
    code, stdout, err = cli(cli_args(url, "--format", "m3u8"))
    assert code == 0, err
    assert read_playlist(stdout.encode(), "m3u8") == entries

    code, stdout, err = cli(cli_args(url, "--json"))
    assert code == 0, err
    files = [r["file"] for r in json.loads(stdout)["recommendations"]]
    assert [f["path"] for f in files] == entries and {f["root"] for f in files} == {str(root)}


def test_web_downloads_give_paths_relative_to_the_library_root(
    mx: Mixtape, library: tuple[str, Path]
) -> None:
    with client_for(create_app(mx, warm=None)) as client:
        models = {m["name"]: m for m in client.get("/api/models").json()["models"]}
        assert models["sonic"]["available"]
        answer = client.get(f"/api/recommend?model=sonic&track={key(0)}&n=3&format=m3u8")
        assert answer.status_code == 200, answer.text
        entries = read_playlist(answer.content, "m3u8")
        assert len(entries) == 3 and set(entries) <= {relative(i) for i in range(N)}
        answer = client.get(f"/api/path?from={key(0)}&to={key(1)}&n=4&model=sonic&format=m3u8")
        assert answer.status_code == 200, answer.text
        assert read_playlist(answer.content, "m3u8")[0] == relative(0)
        page = client.get(f"/tracks/{key(3)}")
        assert page.status_code == 200 and "measured from your audio file" in page.text
        mood = client.get("/mood")
        assert f"{N} tracks have energy but no valence" in mood.text

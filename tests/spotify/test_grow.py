"""`mixtape recommend` adds unknown Spotify seed tracks to the catalog (the fake server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from mixtape.catalog import open_catalog, schema
from mixtape.catalog.writes import BatchWriter
from mixtape.spotify.library import track_record
from tests.factories.cli import run_cli
from tests.spotify.fake_server import FakeSpotify, spotify_id


@pytest.fixture
def cli_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def db(sqlite_url: str, fake: FakeSpotify) -> str:
    """A catalog with the fake's first 30 tracks."""
    url = sqlite_url
    catalog = open_catalog(url)
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks(
            [track_record(fake.data.tracks[t]) for t in fake.data.order[:30]]
        )
    catalog.dispose()
    return url


def keys_and_ingests(url: str) -> tuple[set[str], list[str]]:
    catalog = open_catalog(url)
    with catalog.connect() as conn:
        keys = {r[0] for r in conn.execute(select(schema.tracks.c.key))}
        kinds = [r[0] for r in conn.execute(select(schema.ingests.c.kind))]
    catalog.dispose()
    return keys, kinds


def recommend(db: str, ref: str, *extra: str) -> list[str]:
    return ["--db", db, "recommend", "--model", "popular", "--track", ref, "-n", "5", *extra]


def test_an_unknown_spotify_track_is_added_and_recommended_from(
    cli_env: dict[str, str], fake: FakeSpotify, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    track_id = fake.data.order[100]
    url = f"https://open.spotify.com/track/{track_id}?si=x"
    code, out, err = run_cli([*recommend(db, url), "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["seeds"] == [track_id]
    assert len(result["recommendations"]) == 5
    assert track_id not in [r["track_id"] for r in result["recommendations"]]
    assert "added 1 track from Spotify: 'Fake Song 100' by Fake Artist 0" in err
    keys, kinds = keys_and_ingests(db)
    assert track_id in keys and len(keys) == 31
    assert kinds == ["spotify-lookup"]
    # Known now: no second look-up.
    looked_up = len(fake.calls("tracks-batch"))
    code, _, err = run_cli(recommend(db, f"spotify:track:{track_id}"), capsys)
    assert code == 0, err
    assert len(fake.calls("tracks-batch")) == looked_up
    assert "added" not in err


def test_a_seeds_file_with_unknown_tracks_grows_too(
    cli_env: dict[str, str],
    fake: FakeSpotify,
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wanted = fake.data.order[40:43]
    path = tmp_path / "seeds.txt"
    path.write_text("\n".join([fake.data.order[0], *wanted]), encoding="utf-8")
    args = ["--db", db, "recommend", "--model", "popular", "--seeds", str(path), "--json"]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    assert json.loads(out)["seeds"] == [fake.data.order[0], *wanted]
    assert "added 3 tracks from Spotify" in err
    assert len(fake.calls("tracks-batch")) == 1  # one batch for the three


def test_no_grow_keeps_the_unknown_track_error(
    cli_env: dict[str, str], fake: FakeSpotify, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    track_id = fake.data.order[100]
    code, out, err = run_cli([*recommend(db, track_id), "--no-grow"], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: --track: track {track_id} is not in the catalog")
    assert len(err.strip().splitlines()) == 1
    assert fake.calls("tracks-batch") == [] and fake.calls("tracks") == []
    keys, _ = keys_and_ingests(db)
    assert track_id not in keys


def test_without_credentials_the_error_says_how_to_grow(
    cli_env: dict[str, str],
    fake: FakeSpotify,
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("SPOTIFY_CLIENT_ID")
    monkeypatch.delenv("SPOTIFY_CLIENT_SECRET")
    track_id = fake.data.order[100]
    code, _, err = run_cli(recommend(db, track_id), capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert f"track {track_id} is not in the catalog" in err
    assert "SPOTIFY_CLIENT_ID" in err and "add unknown Spotify tracks" in err
    assert fake.requests == []


def test_a_track_spotify_does_not_know_gives_the_error(
    cli_env: dict[str, str], fake: FakeSpotify, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.close("tracks-batch", 404)  # so the single look-up answers its own 404
    track_id = spotify_id("track", 9999)
    code, _, err = run_cli(recommend(db, track_id), capsys)
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"error: --track: track {track_id} is not in the catalog")
    assert "Spotify does not know it either" in err
    assert len(fake.calls("tracks")) == 1
    keys, kinds = keys_and_ingests(db)
    assert len(keys) == 30 and kinds == []


def test_a_closed_look_up_gives_the_error(
    cli_env: dict[str, str], fake: FakeSpotify, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.close("tracks-batch", 403)
    fake.close("tracks", 403)
    code, _, err = run_cli(recommend(db, fake.data.order[100]), capsys)
    assert code == 2
    assert "is not in the catalog" in err.strip().splitlines()[-1]
    assert "no longer answers track look-ups for this app)" in err  # in the hint

"""The `mixtape spotify` commands end to end against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mixtape.catalog import open_catalog, schema
from mixtape.catalog.writes import BatchWriter
from mixtape.records import ArtistRef, TrackRecord
from mixtape.spotify.auth import Token
from tests.factories.cli import run_cli
from tests.spotify.fake_server import CLIENT_SECRET, FakeSpotify, browser


@pytest.fixture
def cli_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("mixtape.cli.spotify.webbrowser.open", browser)
    return env


@pytest.fixture
def db(sqlite_url: str) -> str:
    return sqlite_url


def seed_catalog(url: str, fake: FakeSpotify) -> None:
    """Three library tracks already known: by id, by ISRC (other id), by name (local key)."""
    order = fake.data.order
    t1, t2, t3 = (fake.data.tracks[order[i]] for i in (0, 1, 2))
    catalog = open_catalog(url)
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks(
            [
                TrackRecord(name=t1["name"], spotify_id=t1["id"]),
                TrackRecord(name="Other", spotify_id="X" * 22, isrc=t2["external_ids"]["isrc"]),
                TrackRecord(name=t3["name"], artists=(ArtistRef(t3["artists"][0]["name"]),)),
            ]
        )
    catalog.dispose()


def test_login_whoami_logout(
    cli_env: dict[str, str], fake: FakeSpotify, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["spotify", "login", "--timeout", "10"], capsys)
    assert code == 0, err
    assert "signed in to Spotify as testuser" in out
    code, out, err = run_cli(["spotify", "whoami", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["id"] == "testuser"
    code, out, _ = run_cli(["spotify", "logout"], capsys)
    assert "signed out testuser" in out
    code, _, err = run_cli(["spotify", "whoami"], capsys)
    assert code == 2
    assert err.strip() == "error: not signed in to Spotify (run `mixtape spotify login`)"


def test_import_library_matches_by_id_isrc_and_name(
    cli_env: dict[str, str],
    fake: FakeSpotify,
    signed_in: Token,
    db: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_catalog(db, fake)
    code, out, err = run_cli(["--db", db, "spotify", "import-library", "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["playlist"] == "spotify-library:testuser"
    match = result["match"]
    assert (match["by_id"], match["by_isrc"], match["by_name"], match["new"]) == (1, 1, 1, 72)
    catalog = open_catalog(db)
    with catalog.connect() as conn:
        entries = conn.execute(select(func.count()).select_from(schema.playlist_tracks)).scalar()
        tracks = conn.execute(select(func.count()).select_from(schema.tracks)).scalar()
        kinds = [r[0] for r in conn.execute(select(schema.ingests.c.kind))]
    catalog.dispose()
    assert entries == 75
    assert tracks == 3 + 72
    assert kinds == ["spotify-library"]
    # Again: everything matches by id now, and the playlist is replaced, not doubled.
    code, out, err = run_cli(["--db", db, "spotify", "import-library", "--show-unmatched"], capsys)
    assert code == 0, err
    assert "0 new" in out


def test_import_playlist_pages_through_items(
    cli_env: dict[str, str], fake: FakeSpotify, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"https://open.spotify.com/playlist/{fake.playlist_id}?si=abc"
    code, out, err = run_cli(["--db", db, "spotify", "import-playlist", url, "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["playlist"] == f"spotify:{fake.playlist_id}"
    assert result["tracks"] == 120
    assert len(fake.calls("playlist-items")) == 3


def test_export_from_json_adds_100_per_request_and_skips_local_keys(
    cli_env: dict[str, str],
    fake: FakeSpotify,
    signed_in: Token,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recs = [{"track_id": t} for t in fake.data.order[:150]] + [
        {"track_id": "local:0123456789abcdef"}
    ]
    path = tmp_path / "recs.json"
    path.write_text(json.dumps({"model": "x", "recommendations": recs}), encoding="utf-8")
    code, out, err = run_cli(
        ["spotify", "export", "My mix", "--from-json", str(path), "--json"], capsys
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["added"] == 150
    assert result["skipped_local"] == 1
    assert result["url"].startswith("https://open.spotify.com/playlist/")
    created = fake.created[result["playlist_id"]]
    assert created["name"] == "My mix"
    assert len(created["uris"]) == 150
    assert len(fake.calls("add-items")) == 2


def test_export_from_recommend(
    cli_env: dict[str, str],
    fake: FakeSpotify,
    signed_in: Token,
    db: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(["--db", db, "spotify", "import-library"], capsys)
    assert code == 0, err
    seed = fake.data.order[0]
    args = ["--db", db, "spotify", "export", "Fresh", "--from-recommend", "--model", "popular"]
    code, out, err = run_cli([*args, "--track", seed, "-n", "5"], capsys)
    assert code == 0, err
    assert "added 5 tracks to https://open.spotify.com/playlist/" in out


def test_errors_and_output_never_show_secrets(
    cli_env: dict[str, str], fake: FakeSpotify, signed_in: Token, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail("me", 400)
    code, out, err = run_cli(["spotify", "whoami"], capsys)
    assert code == 1
    assert "Spotify answered 400 to GET /v1/me" in err
    for secret in (CLIENT_SECRET, signed_in.access_token, str(signed_in.refresh_token)):
        assert secret not in out + err


def test_localhost_redirect_is_a_config_error(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPOTIFY_REDIRECT_URI", "http://localhost:8888/callback")
    code, _, err = run_cli(["spotify", "login"], capsys)
    assert code == 2
    assert "loopback IP" in err


def test_models_lists_spotify_as_unavailable_without_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SPOTIFY_CLIENT_ID", raising=False)
    monkeypatch.setenv("MIXTAPE_DATA_DIR", str(tmp_path))
    _, out, _ = run_cli(["models", "--json"], capsys)
    row = next(m for m in json.loads(out)["models"] if m["name"] == "spotify")
    assert row["available"] is False
    assert "SPOTIFY_CLIENT_ID" in row["reason"]


def test_crawl_genres_fills_the_catalog_with_seed_genres(
    cli_env: dict[str, str], fake: FakeSpotify, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["--db", db, "spotify", "crawl", "genres", "--per-genre", "4", "--json"], capsys
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["kind"] == "crawl" and result["finished"] is True
    assert (result["todo"], result["fetched"], result["errors"]) == (5, 5, 0)
    assert all(len(q["seed_genres"].split(",")) == 1 for q in fake.calls("recommendations"))
    assert {q["limit"] for q in fake.calls("recommendations")} == {"4"}
    catalog = open_catalog(db)
    with catalog.connect() as conn:
        genre_of = dict(
            conn.execute(
                select(schema.tracks.c.key, schema.genres.c.name).select_from(
                    schema.tracks.join(
                        schema.track_genres, schema.track_genres.c.track_id == schema.tracks.c.id
                    ).join(schema.genres, schema.genres.c.id == schema.track_genres.c.genre_id)
                )
            ).all()
        )
        tracks = conn.execute(select(func.count()).select_from(schema.tracks)).scalar()
        kinds = [r[0] for r in conn.execute(select(schema.ingests.c.kind))]
    catalog.dispose()
    assert tracks == len(genre_of) == 20  # 4 per genre, no overlap in the fake
    for genre in fake.data.genres:  # the fake recommends genre g from artists i % 5 == g
        gi = fake.data.genres.index(genre)
        expected = [t for i, t in enumerate(fake.data.order) if (i % 20) % 5 == gi][:4]
        assert all(genre_of[t] == genre for t in expected)
    assert kinds == ["spotify-crawl"]


@pytest.mark.parametrize("status", [403, 404])
def test_crawl_genres_on_closed_genre_seeds_fails_in_one_line(
    status: int,
    cli_env: dict[str, str],
    fake: FakeSpotify,
    db: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.close("genre-seeds", status)
    code, out, err = run_cli(["--db", db, "spotify", "crawl", "genres", "--json"], capsys)
    assert code != 0
    assert out == ""
    assert err.strip().splitlines() == [
        "error: Spotify no longer lists genre seeds for this app; the genre crawl cannot run"
    ]
    assert fake.calls("recommendations") == []
    catalog = open_catalog(db)
    with catalog.connect() as conn:
        tracks = conn.execute(select(func.count()).select_from(schema.tracks)).scalar()
        ingests = conn.execute(select(func.count()).select_from(schema.ingests)).scalar()
    catalog.dispose()
    assert tracks == 0 and ingests == 0
    folder = Path(cli_env["MIXTAPE_DATA_DIR"]) / "spotify"
    assert not (folder / "genres-checkpoint.jsonl").exists()

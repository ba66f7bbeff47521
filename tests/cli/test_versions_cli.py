"""``recommend`` and ``path`` leave out other releases of a song unless ``--all-versions``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mixtape.catalog import open_catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.records import ArtistRef, TrackRecord
from tests.factories.cli import Cli, one_error_line, recommend_json
from tests.factories.mpd import fake_id

SEED, FEAT, REMASTER = (fake_id("versions", i) for i in range(3))
pytestmark = pytest.mark.usefixtures("data_dir")

COLUMNS = ("danceability", "energy", "acousticness", "valence", "speechiness", "liveness")


def _features(i: int) -> dict[str, float]:
    """Track ``i``'s features: the three versions (i = 0) share theirs; others differ."""
    rng = np.random.default_rng(i)
    return {c: float(v) for c, v in zip(COLUMNS, rng.uniform(0.1, 0.9, len(COLUMNS)), strict=True)}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('versions') / 'catalog.db'}"
    drake = ArtistRef("Drake", fake_id("versions-artist", 0))
    tracks = [
        TrackRecord("One Dance", SEED, (drake,), features=_features(0)),
        TrackRecord("One Dance (feat. Wizkid & Kyla)", FEAT, (drake,), features=_features(0)),
        TrackRecord("One Dance - 2016 Remastered", REMASTER, (drake,), features=_features(0)),
    ] + [
        TrackRecord(
            f"Other {i}",
            fake_id("versions", 10 + i),
            (ArtistRef(f"Artist {i}", fake_id("versions-artist", 10 + i)),),
            features=_features(i + 1),
        )
        for i in range(10)
    ]
    catalog = open_catalog(db)
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks(tracks)
    catalog.dispose()
    return db


def test_other_releases_of_the_seed_are_left_out(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--model", "audio", "--track", SEED, "-n", "5")
    ids = [r["track_id"] for r in recommend_json(url, capsys, *args)["recommendations"]]
    assert len(ids) == 5 and not {FEAT, REMASTER} & set(ids)
    every = recommend_json(url, capsys, *args, "--all-versions")["recommendations"]
    assert [r["track_id"] for r in every][:2] in ([FEAT, REMASTER], [REMASTER, FEAT])


def test_a_path_holds_one_version_of_a_song_unless_all_versions(url: str, cli: Cli) -> None:
    other = fake_id("versions", 10)
    code, out, err = cli(["--db", url, "path", SEED, FEAT])
    assert code == 2 and out == ""
    assert "the two tracks are versions of one song" in one_error_line(err)
    code, out, err = cli(["--db", url, "path", SEED, other, "-n", "6", "--json"])
    assert code == 0, err
    steps = [t["track_id"] for t in json.loads(out)["tracks"]]
    assert steps[0] == SEED and not {FEAT, REMASTER} & set(steps)
    code, out, err = cli(["--db", url, "path", SEED, other, "-n", "6", "--all-versions", "--json"])
    assert code == 0, err
    steps = [t["track_id"] for t in json.loads(out)["tracks"]]
    assert {FEAT, REMASTER} <= set(steps)  # the nearest tracks to the start: its other releases

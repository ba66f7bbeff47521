"""``mixtape challenge make|run|score`` on a small generated MPD (slices written here)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mixtape.catalog import open_catalog
from mixtape.evaluation.challenge import (
    check_submission,
    read_challenge_set,
    read_submission,
    read_truth,
)
from mixtape.evaluation.challenge_make import RULES, make_challenge
from mixtape.ingest.mpd import ingest_mpd
from tests.factories.cli import one_error_line, run_cli
from tests.factories.mpd import playlist, write_slice

POOL = 700
TITLES = ("Road Trip", "chill vibes", "Workout!!", "summer hits", "")


def _playlists() -> list[dict[str, Any]]:
    """Two 20-track passes over a 700-track pool (every track twice), then longer lists."""
    rng = np.random.default_rng(5)
    lists = [[(20 * i + k) % POOL for k in range(20)] for i in range(35)]
    lists += [[(20 * i + 10 + k) % POOL for k in range(20)] for i in range(35)]
    for size in (60, 120, 180):
        lists += [rng.choice(POOL, size, replace=False).tolist() for _ in range(12)]
    out = []
    for pid, tracks in enumerate(lists):
        p = playlist(pid, tracks)
        p["name"] = TITLES[pid % len(TITLES)]
        out.append(p)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The slices, a catalog holding them, and a challenge set made from them (read-only)."""
    folder = tmp_path_factory.mktemp("challenge")
    slices = folder / "slices"
    slices.mkdir()
    everything = _playlists()
    write_slice(slices, 0, everything[:60])
    write_slice(slices, 60, everything[60:])
    url = f"sqlite:///{folder / 'catalog.db'}"
    catalog = open_catalog(url)
    list(ingest_mpd(catalog, [slices]))
    catalog.dispose()
    challenge, truth = folder / "challenge_set.json", folder / "truth.json"
    made = make_challenge([slices], challenge, truth, per_category=2, seed=3)
    return {
        "folder": folder,
        "slices": slices,
        "url": url,
        "challenge": challenge,
        "truth": truth,
        "made": made,
        "playlists": {p["pid"]: p for p in everything},
    }


def test_the_generator_follows_the_category_rules(world: dict[str, Any]) -> None:
    challenge = read_challenge_set(world["challenge"])
    truth = {t.pid: t for t in read_truth(world["truth"]).playlists}
    by_category = Counter(t.category for t in truth.values())
    assert by_category == {rule.category: 2 for rule in RULES}
    rules = {rule.category: rule for rule in RULES}
    chosen = {p.pid for p in challenge.playlists}
    left = Counter(
        t["track_uri"]
        for pid, p in world["playlists"].items()
        if pid not in chosen
        for t in {t["track_uri"]: t for t in p["tracks"]}.values()
    )
    for p in challenge.playlists:
        rule = rules[truth[p.pid].category]
        original = [t["track_uri"] for t in world["playlists"][p.pid]["tracks"]]
        assert rule.min_tracks <= p.num_tracks == len(original) <= rule.max_tracks
        assert p.num_samples == rule.seeds == len(p.tracks)
        assert (p.name is not None) == rule.title and (not rule.title or p.name)
        positions = [t.pos for t in p.tracks]
        if rule.random:
            assert positions == sorted(positions) and len(set(positions)) == rule.seeds
        else:
            assert positions == list(range(rule.seeds))
        seeds = [original[i] for i in positions if i is not None]
        assert [t.track_uri for t in p.tracks] == seeds
        held = [u for i, u in enumerate(original) if i not in set(positions)]
        assert truth[p.pid].holdouts == held and p.num_holdouts == len(held)
        assert all(left[uri] >= 1 for uri in original)  # every track stays in training


def test_the_generator_is_deterministic_by_seed(world: dict[str, Any], tmp_path: Path) -> None:
    again = make_challenge(
        [world["slices"]], tmp_path / "a.json", tmp_path / "a.t.json", per_category=2, seed=3
    )
    assert (tmp_path / "a.json").read_bytes() == world["challenge"].read_bytes()
    assert again.per_category == world["made"].per_category
    make_challenge(
        [world["slices"]], tmp_path / "b.json", tmp_path / "b.t.json", per_category=2, seed=4
    )
    assert (tmp_path / "b.json").read_bytes() != world["challenge"].read_bytes()


def test_a_popular_submission_is_valid_and_scores(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "submission.csv"
    base = ["--db", world["url"], "challenge", "run", str(world["challenge"]), "--out", str(out)]
    code, stdout, err = run_cli([*base, "-m", "popular", "--team", "Mix Team", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["playlists"] == 20 and summary["left_out_of_training"] == 20
    assert summary["unserved"] == 2 and summary["with_title"] == 0  # title-only: no seeds
    submission = read_submission(out)
    assert submission.team_info == ("team_info", "Mix Team", "mixtape@example.com")
    challenge = read_challenge_set(world["challenge"])
    check_submission(challenge, submission.lists)
    assert list(submission.lists) == [p.pid for p in challenge.playlists]

    code, stdout, err = run_cli(
        ["challenge", "score", str(out), "--truth", str(world["truth"]), "--json"], capsys
    )
    assert code == 0, err
    scores = {s["category"]: s for s in json.loads(stdout)["scores"]}
    assert scores["all"]["playlists"] == 20 and scores["all"]["r_precision"] > 0
    assert 0 < scores["all"]["ndcg"] <= 1


def test_the_set_alone_runs_and_a_mistyped_subcommand_is_named(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "short.csv"
    base = ["--db", world["url"], "challenge"]
    code, _, err = run_cli(
        [*base, str(world["challenge"]), "-m", "popular", "--out", str(out)], capsys
    )
    assert code == 0, err
    check_submission(read_challenge_set(world["challenge"]), read_submission(out).lists)
    code, _, err = run_cli([*base, "maek", "--out", str(out)], capsys)
    assert code == 2
    assert "No such command 'maek'" in err and "make" in err


def test_the_title_model_takes_titles_and_2018s_team_line(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "titles.csv"
    args = ["--db", world["url"], "challenge", "run", str(world["challenge"]), "-m", "title"]
    code, stdout, err = run_cli(
        [*args, "--out", str(out), "--challenge-track", "main", "--json"], capsys
    )
    assert code == 0, err
    assert json.loads(stdout)["with_title"] == 16  # eight title categories, two each
    assert out.read_text().splitlines()[0] == "team_info,main,mixtape,mixtape@example.com"
    check_submission(read_challenge_set(world["challenge"]), read_submission(out).lists)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda doc: "{not json", "is not JSON"),
        (lambda doc: doc["playlists"][1].pop("num_holdouts") and doc, "`num_holdouts`"),
        (
            lambda doc: doc["playlists"][2].update(pid=doc["playlists"][0]["pid"]) or doc,
            "used twice",
        ),
        (
            lambda doc: doc["playlists"][3].update(num_tracks="ten") or doc,
            "$.playlists[3].num_tracks",
        ),
    ],
)
def test_a_bad_challenge_set_is_one_error_line(
    world: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Any,
    message: str,
) -> None:
    doc = json.loads(world["challenge"].read_text())
    changed = edit(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(changed if isinstance(changed, str) else json.dumps(changed))
    out = tmp_path / "never.csv"
    args = ["--db", world["url"], "challenge", "run", str(bad), "-m", "popular", "--out", str(out)]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith("error: CHALLENGE_SET.json: ") and message in line
    assert not out.exists()


def test_a_bad_team_line_is_refused_before_any_work(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", world["url"], "challenge", "run", str(world["challenge"]), "-m", "popular"]
    code, _, err = run_cli([*args, "--out", str(tmp_path / "x.csv"), "--team", "a,b"], capsys)
    assert code == 2 and one_error_line(err).startswith("error: --team: ")


def test_make_from_the_command_line_says_the_research_terms(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "set.json"
    args = ["challenge", "make", str(world["slices"]), "--out", str(out), "--per-category", "2"]
    code, stdout, err = run_cli([*args, "--seed", "3"], capsys)
    assert code == 0, err
    assert out.read_bytes() == world["challenge"].read_bytes()
    assert (tmp_path / "set.truth.json").read_bytes() == world["truth"].read_bytes()
    assert "title-only" in stdout and "research, non-commercial use only" in err
    code, _, err = run_cli([*args[:-1], "0"], capsys)
    assert code == 2 and one_error_line(err).startswith("error: --per-category: ")
    code, _, err = run_cli([*args, "--seed", "-1"], capsys)
    assert code == 2 and one_error_line(err).startswith("error: --seed: the seed must be 0 or")


def test_the_issue_s_own_command_line_is_challenge_run(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `mixtape challenge CHALLENGE_SET.json --model M --out submission.csv`, no `run`.
    out = tmp_path / "plain.csv"
    args = ["--db", world["url"], "challenge", str(world["challenge"]), "--model", "popular"]
    code, _, err = run_cli([*args, "--out", str(out)], capsys)
    assert code == 0, err
    check_submission(read_challenge_set(world["challenge"]), read_submission(out).lists)
    missing = ["--db", world["url"], "challenge", "nowhere.json", "-m", "popular", "--out", "x"]
    code, _, err = run_cli(missing, capsys)
    assert code == 2
    assert "nowhere.json" in one_error_line(err)

"""``mixtape models``, ``recommend`` and ``curate`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mixtape.catalog import open_catalog
from mixtape.fitting import availability, needs_network
from mixtape.models import registry
from mixtape.models.random_baseline import RandomBaseline
from tests.factories.cli import one_error_line, recommend_json, run_cli
from tests.factories.cli_catalog import TRACK_IDS
from tests.factories.mpd import fake_id

#: Every built-in model: one missing from the registry fails these tests, never skips them.
BUILTIN = (
    "als",
    "audio",
    "clusters",
    "content",
    "content-equal",
    "cooccurrence",
    "ease",
    "genre-clusters",
    "hybrid",
    "mood",
    "popular",
    "random",
    "rerank",
    "rp3beta",
    "sonic",
    "spotify",
    "title",
)
# One data folder for the module (fitted models are cached there), no Spotify look-ups.
pytestmark = pytest.mark.usefixtures("data_dir")


def assert_shape(result: dict, model: str, n: int) -> None:
    assert result["model"] == model
    assert isinstance(result["seeds"], list)
    recs = result["recommendations"]
    assert 0 < len(recs) <= n
    for rec in recs:
        assert set(rec) >= {"track_id", "name", "artists", "score", "reason"}
        assert rec["track_id"] in TRACK_IDS
        assert isinstance(rec["artists"], list) and rec["artists"]
        assert isinstance(rec["score"], float | int)
        assert isinstance(rec["reason"], str) and rec["reason"]


# -- models ------------------------------------------------------------------------------------


def test_models_lists_every_registered_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert sorted(registry.names()) == sorted(BUILTIN)
    code, out, err = run_cli(["models"], capsys)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == sorted(BUILTIN)
    assert any(line.startswith("random ") and "random" in line.lower() for line in lines)

    code, out, _ = run_cli(["models", "--json"], capsys)
    listed = json.loads(out)["models"]
    assert {m["name"] for m in listed} == set(BUILTIN)
    keys = {"name", "summary", "available", "reason", "needs_network", "score"}
    assert all(keys <= set(m) and m["score"] for m in listed)


# -- recommend ---------------------------------------------------------------------------------


def test_recommend_json_with_popular(cli_catalog: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed = TRACK_IDS[0]
    result = recommend_json(
        cli_catalog, capsys, "--model", "popular", "--track", f"spotify:track:{seed}", "-n", "5"
    )
    assert_shape(result, "popular", 5)
    assert result["seeds"] == [seed]
    assert len(result["recommendations"]) == 5
    assert seed not in [r["track_id"] for r in result["recommendations"]]


def test_recommend_json_with_mood(cli_catalog: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = recommend_json(cli_catalog, capsys, "--model", "mood", "--mood", "0.8,0.8", "-n", "4")
    assert_shape(result, "mood", 4)
    assert result["seeds"] == []
    # A similarity a person can read, and the JSON says what it means.
    scores = [r["score"] for r in result["recommendations"]]
    assert all(0 < s <= 1 for s in scores) and scores == sorted(scores, reverse=True)
    assert "1 - distance / √2" in result["score_meaning"]


def test_the_table_says_what_the_score_means(
    cli_catalog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["--db", cli_catalog, "recommend", "--model", "mood", "--mood", "calm"], capsys
    )
    assert code == 0, err
    assert "score: similarity on the valence–energy plane" in out
    assert "-0." not in out  # no negative distances


@pytest.mark.parametrize("model", BUILTIN)
def test_every_model_recommends_from_a_track(
    cli_catalog: str, capsys: pytest.CaptureFixture[str], model: str
) -> None:
    ok, reason = availability(model)
    if not ok and needs_network(model):  # only a network model may skip, and only for this
        pytest.skip(f"the {model} model is unavailable here: {reason}")
    result = recommend_json(
        cli_catalog,
        capsys,
        "--model",
        model,
        "--track",
        "Artist 2 - Track 2",
        "-n",
        "3",
        "--max-per-artist",
        "2",
    )
    assert_shape(result, model, 3)
    assert result["seeds"] == [TRACK_IDS[2]]


def test_recommend_with_controls(
    cli_catalog: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(
        f"# two seeds and a stranger\n{TRACK_IDS[0]}\nNobody - Nothing\nArtist 1 - Track 1\n"
    )
    exclude = tmp_path / "exclude.json"
    exclude.write_text(json.dumps([TRACK_IDS[4], TRACK_IDS[6]]))
    code, out, err = run_cli(
        [
            "--db",
            cli_catalog,
            "recommend",
            "--model",
            "random",
            "--seeds",
            str(seeds),
            "-n",
            "50",
            "--exclude",
            str(exclude),
            "--min",
            "year=1980",
            "--max",
            "year=2000",
            "--target",
            "energy=0.8",
            "--max-per-artist",
            "1",
            "--param",
            "random_state=3",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    assert "Nobody - Nothing" in err  # the skipped seed is reported on stderr
    result = json.loads(out)
    assert result["seeds"] == [TRACK_IDS[0], TRACK_IDS[1]]
    assert result["params"] == {"random_state": 3}
    rows = [TRACK_IDS.index(r["track_id"]) for r in result["recommendations"]]
    assert all(10 <= r <= 30 for r in rows)  # release years 1980..2000
    assert not {4, 6} & set(rows)
    assert len({r % 8 for r in rows}) == len(rows)  # one per artist


def test_recommend_human_output_is_a_table(
    cli_catalog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["--db", cli_catalog, "recommend", "--model", "random", "--playlist", "3", "-n", "3"],
        capsys,
    )
    assert code == 0, err
    assert "random: 3 tracks from 8 seed tracks" in out
    for header in ("#", "track", "artists", "score", "reason"):
        assert header in out
    assert "Artist" in out


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--model", "random", "--track", "Artist 1 - Trak 1"], 'no track "Artist 1 - Trak 1"', 2),
        (["--model", "random", "--track", fake_id("cli", 999)], "is not in the catalog", 2),
        (["--model", "nope", "--track", TRACK_IDS[0]], "unknown model 'nope'", 2),
        (
            ["--model", "random", "--track", TRACK_IDS[0], "--target", "energy"],
            "--target: bad value 'energy': expected NAME=VALUE",
            2,
        ),
        (["--model", "random", "--track", TRACK_IDS[0], "-n", "0"], "-n: ", 2),
        (
            ["--model", "random", "--track", TRACK_IDS[0], "--min", "pitch=3"],
            "unknown attribute",
            2,
        ),
        (["--model", "random", "--mood", "0.5,0.5"], "needs seed tracks", 2),
        (["--model", "random"], "no seeds given", 2),
        (["--model", "random", "--playlist", "999"], "playlist 999 is not in the catalog", 2),
        (["--model", "random", "--seeds", "/nonexistent/seeds.txt"], "cannot read", 2),
        (
            ["--model", "random", "--track", TRACK_IDS[0], "--param", "nope=1"],
            "no parameter 'nope'",
            2,
        ),
    ],
)
def test_bad_input_is_one_line(
    cli_catalog: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str, code: int
) -> None:
    got, out, err = run_cli(["--db", cli_catalog, "recommend", *args], capsys)
    assert got == code
    assert message in one_error_line(err)
    assert out == ""


def test_a_huge_argument_is_not_echoed_back(
    cli_catalog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "Nobody - " + "x" * 100_000
    cases = (["--track", huge], ["--mood", "calm", "--target", f"energy={huge}"], ["--mood", huge])
    for args in cases:
        code, out, err = run_cli(
            ["--db", cli_catalog, "recommend", "--model", "mood", *args], capsys
        )
        assert code == 2 and out == ""
        line = one_error_line(err)
        assert len(line) < 400, line[:500]
        assert "xxx…" in line


def test_empty_catalog_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    open_catalog(empty).dispose()
    code, _, err = run_cli(
        ["--db", empty, "recommend", "--model", "random", "--track", TRACK_IDS[0]], capsys
    )
    assert code == 1
    assert one_error_line(err) == (
        "error: the catalog has no tracks; run `mixtape demo-data` or `mixtape ingest …` first"
    )


# -- curate ------------------------------------------------------------------------------------


def test_curate(cli_catalog: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "library.txt"
    seeds.write_text("\n".join(TRACK_IDS[i] for i in (0, 2, 4, 1)) + "\n")
    args = [
        "--db",
        cli_catalog,
        "curate",
        "--seeds",
        str(seeds),
        "-n",
        "8",
        "--param",
        "n_clusters=2",
    ]
    code, out, err = run_cli([*args, "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["model"] == "clusters"
    assert len(result["playlist"]) == 8
    assert sorted(c["seeds"] for c in result["clusters"]) == [1, 3]
    assert sum(c["drawn"] for c in result["clusters"]) == 8
    assert all(p["track_id"] in TRACK_IDS and p["artists"] for p in result["playlist"])

    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    for word in ("share", "seeds", "drawn", "description", "curated playlist: 8 tracks"):
        assert word in out


class _Closed(RandomBaseline):
    """A model that says it cannot run here (like a closed Spotify endpoint)."""

    name = "closed"
    summary = "A test model that is never available."

    @classmethod
    def available(cls) -> tuple[bool, str]:
        return False, "the endpoint was closed"


def test_unavailable_models_are_listed_as_such_and_refuse(
    cli_catalog: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.models(), "closed", _Closed)
    code, out, _ = run_cli(["models"], capsys)
    assert code == 0
    (line,) = [x for x in out.splitlines() if x.startswith("closed ")]
    assert "[unavailable: the endpoint was closed]" in line
    code, out, _ = run_cli(["models", "--json"], capsys)
    (entry,) = [m for m in json.loads(out)["models"] if m["name"] == "closed"]
    assert entry["available"] is False and entry["reason"] == "the endpoint was closed"

    code, _, err = run_cli(
        ["--db", cli_catalog, "recommend", "--model", "closed", "--track", TRACK_IDS[0]], capsys
    )
    assert code == 1
    assert "the closed model is unavailable: the endpoint was closed" in one_error_line(err)


# -- playlist titles -----------------------------------------------------------------------------


def test_a_title_alone_goes_to_the_title_model(
    cli_catalog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = recommend_json(cli_catalog, capsys, "--title", "Mix 3!", "-n", "8")
    assert_shape(result, "title", 8)
    assert result["title"] == "Mix 3!" and result["seeds"] == []
    playlist_3 = {TRACK_IDS[(9 + 2 * k) % 48] for k in range(8)}
    assert {r["track_id"] for r in result["recommendations"]} == playlist_3
    assert all("titled like 'mix 3'" in r["reason"] for r in result["recommendations"])

    code, out, err = run_cli(["--db", cli_catalog, "recommend", "--title", "mix 3"], capsys)
    assert code == 0, err
    assert "title: 10 tracks from the title 'mix 3'" in out


def test_a_title_alone_to_a_model_without_titles_is_one_error(
    cli_catalog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", cli_catalog, "recommend", "--model", "popular", "--title", "mix 3"]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert one_error_line(err) == (
        "error: --title: the popular model needs seed tracks; "
        "the title model (or rerank) takes a title"
    )


def test_a_title_beside_tracks_is_ignored_with_a_warning_by_other_models(
    cli_catalog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = TRACK_IDS[0]
    args = ["--db", cli_catalog, "recommend", "-m", "popular", "-t", seed, "--json"]
    code, plain, _ = run_cli(args, capsys)
    code, titled, err = run_cli([*args, "--title", "mix 3"], capsys)
    assert code == 0, err
    assert "the popular model does not use playlist titles: the title was ignored" in err
    assert json.loads(titled)["title"] == "mix 3"
    assert json.loads(titled)["recommendations"] == json.loads(plain)["recommendations"]
    assert json.loads(plain)["title"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--track", TRACK_IDS[0]], "error: --model: no model given"),
        (["--title", "🔥🔥"], "error: --title: the title '🔥🔥' has no letters or digits"),
        (["-m", "mood", "--mood", "happy", "--title", "x"], "error: --title: a playlist title"),
    ],
)
def test_bad_title_requests_are_one_error(
    cli_catalog: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run_cli(["--db", cli_catalog, "recommend", *args], capsys)
    assert code == 2
    assert one_error_line(err).startswith(message)

"""The harness and the evaluate command on a small demo catalog (built once, conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mixtape.catalog import Catalog
from mixtape.cli.app import main
from mixtape.demo import generate
from mixtape.demo.write_files import write_mpd_slices
from mixtape.evaluation import harness
from mixtape.evaluation.runner import run_evaluation
from mixtape.evaluation.splits import parse_categories
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from tests.factories.arrays import track_arrays
from tests.factories.cli import run_cli


def test_models_are_fitted_without_the_evaluated_playlists(
    catalog: Catalog, data: TrackArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted: list[TrackArrays] = []
    real_create = registry.create

    def spy(name: str, **params: object) -> object:
        model = real_create(name, **params)
        original = model.fit

        def fit(arrays: TrackArrays) -> object:
            fitted.append(arrays)
            return original(arrays)

        model.fit = fit  # type: ignore[method-assign]
        return model

    monkeypatch.setattr(harness.registry, "create", spy)
    evaluation, _ = run_evaluation(
        catalog, data, models=["popular"], categories="first-5", playlists=20, seed=1
    )
    (train,) = fitted
    evaluated = 20
    assert train.playlists.shape[0] == data.playlists.shape[0] - evaluated
    assert evaluation.results[-1].playlists == evaluated


def test_cooccurrence_beats_popular_beats_random_on_the_demo(
    catalog: Catalog, data: TrackArrays
) -> None:
    evaluation, info = run_evaluation(
        catalog,
        data,
        models=["random", "popular", "cooccurrence", "audio"],
        categories="first-5,random-25",
        playlists=40,
        seed=0,
    )
    overall = {r.model: r for r in evaluation.results if r.category == "all"}
    assert info["source"] == "catalog"
    assert overall["cooccurrence"].r_precision > 2 * overall["popular"].r_precision
    assert overall["popular"].r_precision > overall["random"].r_precision
    assert overall["audio"].r_precision_with_features > overall["random"].r_precision_with_features
    assert overall["random"].clicks > overall["cooccurrence"].clicks


def test_evaluate_is_deterministic_by_seed(catalog: Catalog, data: TrackArrays) -> None:
    runs = [
        run_evaluation(
            catalog, data, models=["popular"], categories="random-25", playlists=15, seed=seed
        )[0].as_dict()["results"]
        for seed in (4, 4, 5)
    ]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_test_playlists_from_files(catalog: Catalog, data: TrackArrays, tmp_path: Path) -> None:
    """Playlists of other slice files: unknown tracks stay in the truth, drop from seeds."""
    other = generate(seed=3, tracks=1_500, playlists=60)  # same track ids, other playlists
    files = write_mpd_slices(other, tmp_path)
    evaluation, info = run_evaluation(
        catalog,
        data,
        models=["popular"],
        categories="first-1",
        playlists=30,
        seed=0,
        test_playlists=files,
    )
    assert info["source"] == "files"
    assert info["test_playlists"] == 60
    assert evaluation.results[-1].playlists == 30
    # demo playlist keys are demo:N in the catalog, mpd:N in files: nothing dropped
    assert info["test_playlists_also_in_catalog"] == 0


def test_cli_json_and_report(
    demo_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MIXTAPE_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(SystemExit) as done:
        main(
            [
                "--db",
                demo_db,
                "evaluate",
                "--models",
                "popular,random",
                "--playlists",
                "10",
                "--categories",
                "first-5",
                "--json",
                "--report",
                str(tmp_path / "report"),
            ]
        )
    assert done.value.code in (0, None)
    out = json.loads(capsys.readouterr().out)
    keys = {
        "model",
        "category",
        "playlists",
        "r_precision",
        "ndcg",
        "clicks",
        "r_precision_with_features",
    }
    assert keys <= set(out["results"][0])
    assert {(r["model"], r["category"]) for r in out["results"]} == {
        ("popular", "first-5"),
        ("popular", "all"),
        ("random", "first-5"),
        ("random", "all"),
    }
    report = (tmp_path / "report" / "report.md").read_text()
    assert "| popular |" in report
    png = (tmp_path / "report" / "r_precision.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_cli_unknown_model_is_one_line(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--db", demo_db, "evaluate", "--models", "popular,nope"])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --models: unknown model 'nope' (run `mixtape models` to list them)"]


def evaluate_cli(
    demo_db: str, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    base = ["--db", demo_db, "evaluate", "--models", "popular", "--categories", "first-1"]
    return run_cli([*base, *args], capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "-n: the number of recommendations per playlist must be at least 1, not 0"),
        (["-n", "-3"], "-n: the number of recommendations per playlist must be at least 1, not -3"),
        (["--playlists", "-5"], "--playlists: the number of playlists per category must be"),
        (["--playlists", "0"], "--playlists: the number of playlists per category must be"),
        (["--categories", "last-3"], "--categories: unknown category 'last-3'"),
    ],
)
def test_cli_bad_numbers_are_one_line_and_exit_2(
    demo_db: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = evaluate_cli(demo_db, capsys, *args)
    assert code == 2
    assert out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: {message}")


def test_cli_test_playlists_take_several_paths(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--test-playlists slices/*.json``: the shell passes every file after one flag."""
    # slices hold 1,000 playlists: three files, the last with one
    files = write_mpd_slices(generate(seed=3, tracks=1_500, playlists=2_001), tmp_path)
    assert len(files) == 3
    args = ["--playlists", "5", "--json", "--test-playlists", *map(str, files)]
    code, out, err = evaluate_cli(demo_db, capsys, *args)
    assert code == 0, err
    assert json.loads(out)["data"]["test_playlists"] == 2_001
    # the old form, one path per flag, still works
    code, out, err = evaluate_cli(
        demo_db,
        capsys,
        "--json",
        "--test-playlists",
        str(files[0]),
        "--test-playlists",
        str(files[2]),
    )
    assert code == 0, err
    assert json.loads(out)["data"]["test_playlists"] == 1_001
    code, _, err = evaluate_cli(demo_db, capsys, "--test-playlists", str(tmp_path / "nope.json"))
    assert code == 2
    assert err.startswith("error: --test-playlists: ") and "no such file" in err


def test_without_playlists_keeps_everything_else(data: TrackArrays) -> None:
    train = harness.without_playlists(data, [0, 2])
    assert train.playlists.shape == (data.playlists.shape[0] - 2, data.n_tracks)
    assert np.array_equal(train.audio, data.audio, equal_nan=True)
    assert train.fingerprint != data.fingerprint


def test_without_playlists_keeps_the_titles_aligned() -> None:
    data = track_arrays(3, playlists=[[0], [1], [2]], playlist_names=["a", "b", "c"])
    train = harness.without_playlists(data, [1])
    assert list(train.playlist_names) == ["a", "c"]


def test_title_categories_are_served_by_a_model_that_uses_titles(tiny_data: TrackArrays) -> None:
    m = tiny_data.playlists.tocsr()
    lists = [m.indices[m.indptr[p] : m.indptr[p + 1]] for p in range(m.shape[0])]
    evaluation = harness.evaluate(
        tiny_data,
        lists,
        models=["title", "popular"],
        categories=parse_categories("title-only,title-first-1"),
        per_category=20,
        n=50,
        titles=list(tiny_data.playlist_names),
    )
    rows = {(r.model, r.category): r for r in evaluation.results}
    assert rows["popular", "title-only"].unserved == rows["popular", "title-only"].playlists == 20
    assert rows["popular", "title-first-1"].unserved == 0  # it uses the first track
    assert rows["title", "title-only"].unserved == 0
    title_only = rows["title", "title-only"].r_precision
    assert title_only > 2 * rows["popular", "title-first-1"].r_precision

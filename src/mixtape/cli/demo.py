"""``mixtape demo-data``: build the synthetic demo catalog, load it or write it as files."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import TaskID

from mixtape import demo
from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.errors import InputError


def demo_data(
    ctx: typer.Context,
    seed: int = typer.Option(
        demo.DEFAULT_SEED, "--seed", help="Random seed: the same seed gives the same catalog."
    ),
    tracks: int = typer.Option(
        demo.DEFAULT_TRACKS, "--tracks", min=100, help="Number of tracks (artists: one per ten)."
    ),
    playlists: int = typer.Option(
        demo.DEFAULT_PLAYLISTS, "--playlists", min=0, help="Number of playlists."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        metavar="DIR",
        help="Write tracks_features.csv, artists.csv and MPD slices into DIR "
        "instead of loading the catalog database.",
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="With --out: replace demo files already in DIR."
    ),
    into_existing: bool = typer.Option(
        False,
        "--into-existing",
        help="Load the demo into a catalog that already holds other data (mixing them).",
    ),
    remove: bool = typer.Option(
        False, "--remove", help="Delete the demo's rows from the catalog; other data stays."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Generate the demo catalog (artists, albums, tracks with audio features, playlists).

    By default it is loaded into the catalog database; loading it again
    changes nothing.  A catalog that holds other data is refused unless
    --into-existing is given, and --remove deletes exactly the demo's rows
    again.  With --out the same data is written as files in the layouts of the
    Kaggle track/artist CSVs and the Million Playlist Dataset, e.g. for
    benchmarks: --out big --tracks 1200000 --playlists 100000.
    """
    st = state(ctx)
    started = time.perf_counter()
    if remove:
        _remove(st, as_json, out)
        return
    if out is not None:  # fail before minutes of work, not after
        demo.prepare_folder(out, overwrite=overwrite)
    catalog = st.catalog() if out is None else None
    if catalog is not None and not into_existing:
        try:
            demo.check_demo_target(catalog)
        except InputError as exc:
            raise InputError(
                exc.message,
                hint="use another --db, or give --into-existing to mix the demo in "
                "(demo-data --remove takes it out again)",
                field=exc.field,
            ) from exc
    files: list[Path] = []
    with progress_bar(st.err) as bar:
        tasks: dict[str, TaskID] = {}

        def step(name: str, n: int) -> None:
            bar.advance(tasks[name], n)

        def phase(verb: str, steps: dict[str, int]) -> None:
            tasks.clear()
            tasks.update({k: bar.add_task(f"{verb} {k}", total=v) for k, v in steps.items()})

        phase("generate", demo.generate_steps(playlists))
        cat = demo.generate(seed, tracks, playlists, on_step=step)
        if catalog is not None:
            phase("load", demo.load_steps(cat))
            summary = demo.load_demo(catalog, cat, on_step=step, into_existing=into_existing)
        else:
            assert out is not None
            phase("write", demo.file_steps(cat))
            files = demo.write_demo_files(cat, out, overwrite=overwrite, on_step=step)
            summary = demo.summarize(cat, str(out))
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        print_json({**summary.as_dict(), "files": [str(p) for p in files], "seconds": seconds})
        return
    where = (
        f"wrote {len(files)} files to {out}" if out is not None else f"loaded into {summary.target}"
    )
    s = summary
    st.out.print(
        f"demo catalog (seed {s.seed}): {s.artists:,} artists, {s.albums:,} albums, "
        f"{s.tracks:,} tracks, {s.genres} genres in {s.families} families, "
        f"{s.playlists:,} playlists ({s.playlist_entries:,} entries); "
        f"{where} in {seconds:.1f} s",
        highlight=False,
    )


def _remove(st: AppState, as_json: bool, out: Path | None) -> None:
    if out is not None:
        raise InputError("--remove deletes the demo from the catalog database; it takes no --out")
    removal = demo.remove_demo(st.catalog())
    if as_json:
        print_json(removal.as_dict())
    elif not removal.removed:
        st.out.print(f"no demo data in {removal.target}", highlight=False)
    else:
        what = ", ".join(f"{n:,} {table}" for table, n in removal.removed.items())
        st.out.print(f"removed the demo from {removal.target}: {what}", highlight=False)

"""``mixtape demo-data``: build the synthetic demo catalog, load it or write it as files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import TaskID

from mixtape.cli.context import print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.library import DEMO_PLAYLISTS, DEMO_SEED, DEMO_TRACKS

app = typer.Typer()


@app.command("demo-data")
def demo_data(
    ctx: typer.Context,
    seed: int = typer.Option(
        DEMO_SEED, "--seed", help="Random seed: the same seed gives the same catalog."
    ),
    tracks: int = typer.Option(
        DEMO_TRACKS, "--tracks", min=100, help="Number of tracks (artists: one per ten)."
    ),
    playlists: int = typer.Option(
        DEMO_PLAYLISTS, "--playlists", min=0, help="Number of playlists."
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
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Generate the demo catalog (artists, albums, tracks with audio features, playlists).

    By default it is loaded into the catalog database; loading it again
    changes nothing.  With --out the same data is written as files in the
    layouts of the Kaggle track/artist CSVs and the Million Playlist Dataset,
    e.g. for benchmarks: --out big --tracks 1200000 --playlists 100000.
    """
    st = state(ctx)
    with progress_bar(st.err) as bar:
        tasks: dict[str, TaskID] = {}

        def step(name: str, n: int) -> None:
            bar.advance(tasks[name], n)

        def phase(verb: str, steps: dict[str, int]) -> None:
            tasks.clear()
            tasks.update({k: bar.add_task(f"{verb} {k}", total=v) for k, v in steps.items()})

        result = st.mx.demo_data(
            seed=seed,
            tracks=tracks,
            playlists=playlists,
            out=out,
            overwrite=overwrite,
            on_phase=phase,
            on_step=step,
        )
    if as_json:
        print_json(result.as_dict())
        return
    s = result.summary
    where = (
        f"wrote {len(result.files)} files to {out}"
        if out is not None
        else f"loaded into {s.target}"
    )
    st.out.print(
        f"demo catalog (seed {s.seed}): {s.artists:,} artists, {s.albums:,} albums, "
        f"{s.tracks:,} tracks, {s.genres} genres in {s.families} families, "
        f"{s.playlists:,} playlists ({s.playlist_entries:,} entries); "
        f"{where} in {result.seconds:.1f} s",
        highlight=False,
    )

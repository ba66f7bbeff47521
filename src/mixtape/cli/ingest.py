"""``mixtape ingest``: load playlists, track catalogs and artist files into the catalog."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.ingest.mpd import expand_paths, ingest_mpd
from mixtape.records import IngestSummary

ingest_app = typer.Typer(help="Load data files into the catalog.", no_args_is_help=True)

JSON_OPT = typer.Option(False, "--json", help="Print the summary as JSON.")
STRICT_OPT = typer.Option(False, "--strict", help="Stop at the first bad record or file.")


def report(st: AppState, summaries: list[IngestSummary], as_json: bool, title: str) -> None:
    """Print per-source summaries (or JSON) and exit non-zero if any source failed."""
    failed = [s for s in summaries if s.status != "ok"]
    if as_json:
        print_json(
            {
                "sources": [s.as_dict() for s in summaries],
                "ok": len(summaries) - len(failed),
                "failed": len(failed),
            }
        )
    else:
        table = Table(title=title)
        for col in ("source", "status", "read", "loaded", "skipped"):
            table.add_column(
                col, justify="right" if col in ("read", "loaded", "skipped") else "left"
            )
        shown = summaries if len(summaries) <= 20 else failed
        for s in shown:
            table.add_row(
                Path(s.source).name,
                s.status,
                str(s.records_read),
                str(s.records_loaded),
                str(s.records_skipped),
            )
        if shown:
            st.out.print(table)
        read = sum(s.records_read for s in summaries)
        loaded = sum(s.records_loaded for s in summaries)
        skipped = sum(s.records_skipped for s in summaries)
        st.out.print(
            f"{len(summaries)} source(s): {len(summaries) - len(failed)} ok, {len(failed)} failed; "
            f"{read} records read, {loaded} loaded, {skipped} skipped"
        )
        for s in failed:
            st.err.print(f"[red]failed:[/red] {s.message}", highlight=False)
        for s in summaries:
            if s.skipped_lines:
                lines = ", ".join(map(str, s.skipped_lines[:20]))
                more = " …" if len(s.skipped_lines) > 20 else ""
                st.err.print(f"{Path(s.source).name}: skipped lines {lines}{more}", highlight=False)
    if failed:
        raise typer.Exit(1)


@ingest_app.command("mpd")
def mpd(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="MPD slice files or folders of them."),
    strict: bool = STRICT_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load Million Playlist Dataset slices (full or reduced schema).

    Each slice is one transaction: a bad slice is reported with its file and
    playlist index and leaves nothing behind; the others still load.  The MPD
    is licensed for research, non-commercial use only.
    """
    st = state(ctx)
    catalog = st.catalog()
    files = expand_paths(paths)
    summaries: list[IngestSummary] = []
    with progress_bar(st.err) as bar:
        task = bar.add_task("slices", total=len(files))
        for summary in ingest_mpd(catalog, files, strict=strict):
            summaries.append(summary)
            bar.advance(task)
    report(st, summaries, as_json, "MPD ingest")

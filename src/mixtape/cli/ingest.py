"""``mixtape ingest``: load playlists, track catalogs and artist files into the catalog."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.progress import TaskID
from rich.table import Table

from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import LazyBar, progress_bar
from mixtape.errors import IngestError, Interrupted
from mixtape.library import AudioIngestSummary
from mixtape.records import IngestSummary

app = typer.Typer(help="Load data files into the catalog.", no_args_is_help=True)

JSON_OPT = typer.Option(False, "--json", help="Print the summary as JSON.")
STRICT_OPT = typer.Option(False, "--strict", help="Stop at the first bad record or file.")
SHOWN_ROWS = 20  # more sources than this: the table lists only the ones that need a look


def report(
    st: AppState,
    summaries: list[IngestSummary],
    as_json: bool,
    title: str,
    *,
    stopped: bool = False,
) -> None:
    """Print per-source summaries (or JSON); exit 1 if a source failed (unless ``stopped``)."""
    failed = [s for s in summaries if s.status != "ok"]
    conflicts = sum(s.conflicts for s in summaries)
    if as_json:
        print_json(
            {
                "sources": [s.as_dict() for s in summaries],
                "ok": len(summaries) - len(failed),
                "failed": len(failed),
                "conflicts": conflicts,
                "stopped": stopped,
            }
        )
    else:
        table = Table(title=title)
        for col in ("source", "status", "read", "loaded", "skipped", "note"):
            table.add_column(
                col, justify="right" if col in ("read", "loaded", "skipped") else "left"
            )
        shown = summaries
        if len(summaries) > SHOWN_ROWS:
            shown = [s for s in summaries if s.status != "ok" or s.conflicts]
        for s in shown:
            table.add_row(
                Path(s.source).name,
                s.status,
                str(s.records_read),
                str(s.records_loaded),
                str(s.records_skipped),
                _note(s),
            )
        if shown:
            st.out.print(table)
        read = sum(s.records_read for s in summaries)
        loaded = sum(s.records_loaded for s in summaries)
        skipped = sum(s.records_skipped for s in summaries)
        st.out.print(
            f"{len(summaries)} source(s): {len(summaries) - len(failed)} ok, {len(failed)} failed; "
            f"{read} records read, {loaded} loaded, {skipped} skipped"
            + (f"; {conflicts} conflict(s)" if conflicts else "")
        )
        for s in summaries:
            if s.skipped_lines:
                lines = ", ".join(map(str, s.skipped_lines[:20]))
                more = " …" if len(s.skipped_lines) > 20 else ""
                st.err.print(f"{Path(s.source).name}: skipped lines {lines}{more}", highlight=False)
    st.warn([w for s in summaries for w in s.warnings])
    if failed and not stopped:
        raise typer.Exit(1)


def _note(summary: IngestSummary) -> str:
    """One line for the table: why a source failed, or how many records were refused."""
    if summary.status != "ok":
        reason = summary.message or ""
        for prefix in (f"{summary.source}: ", f"{summary.source}, "):  # the row names the file
            reason = reason.removeprefix(prefix)
        return reason.splitlines()[0] if reason else ""
    if summary.conflicts:
        return f"{summary.conflicts} refused: their key is held by another source"
    return ""


def stopped_line(summaries: tuple[IngestSummary, ...] | list[IngestSummary]) -> str:
    """What an interrupted ingest kept: each source is committed whole or not at all."""
    ok = [s for s in summaries if s.status == "ok"]
    rows = sum(s.records_loaded for s in ok)
    return (
        f"interrupted: {len(ok)} files ({rows:,} rows) committed; re-run the same command to resume"
    )


@contextlib.contextmanager
def committed(st: AppState, as_json: bool, title: str) -> Iterator[Callable[[IngestSummary], None]]:
    """``on_summary`` for the facade; what was committed is reported when the run stops early.

    Ctrl-C: the table of the committed sources, the line saying so, exit 130.
    ``--strict`` stopping at a bad source: the table, then the error as usual.
    """
    summaries: list[IngestSummary] = []
    try:
        yield summaries.append
    except (Interrupted, KeyboardInterrupt) as exc:
        # Inside the library the interrupt arrives as Interrupted with what was done;
        # between two sources it may still be a bare KeyboardInterrupt.
        done = (
            [s for s in exc.done if isinstance(s, IngestSummary)]
            if isinstance(exc, Interrupted)
            else summaries
        )
        report(st, done, as_json, title, stopped=True)
        st.err.print(stopped_line(done), markup=False, highlight=False)
        raise typer.Exit(130) from None
    except IngestError:
        if summaries:
            report(st, summaries, as_json, title, stopped=True)
        raise


@app.command("mpd")
def mpd(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="MPD slice files or folders of them."),
    strict: bool = STRICT_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load Million Playlist Dataset slices (full or reduced schema).

    Each slice is one transaction: a bad slice is reported with its file and
    playlist index and leaves nothing behind; the others still load.  Loading
    a slice again changes nothing; a playlist whose pid the catalog already
    holds from another file (with other content) is refused with a warning
    and the stored one kept.  Ctrl-C keeps the slices already loaded.  The
    MPD is licensed for research, non-commercial use only.
    """
    st = state(ctx)
    title = "MPD ingest"
    with LazyBar(st.err, "slices") as bar, committed(st, as_json, title) as on_summary:
        summaries = st.mx.ingest_mpd(
            paths, strict=strict, on_summary=on_summary, progress=bar.update
        )
    report(st, summaries, as_json, title)


MAP_OPT = typer.Option(
    None,
    "--map",
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (e.g. --map bpm=tempo; COLUMN= ignores a column). Repeatable.",
)
ENCODING_OPT = typer.Option(
    "utf-8",
    "--encoding",
    metavar="NAME",
    help="Text encoding of the files, e.g. latin-1 or cp1252 (default utf-8).",
)


def _ingest_csv(
    ctx: typer.Context,
    kind: str,
    paths: list[Path],
    maps: list[str] | None,
    strict: bool,
    encoding: str,
    as_json: bool,
    title: str,
) -> None:
    st = state(ctx)
    ingest = st.mx.ingest_tracks if kind == "tracks" else st.mx.ingest_artists
    # Only on a terminal, and transient: an error mid-file then reads as one line.
    shown = st.err.is_terminal
    bar = progress_bar(st.err, transient=True)
    with (
        bar if shown else contextlib.nullcontext(bar),
        committed(st, as_json, title) as on_summary,
    ):
        tasks: dict[Path, TaskID] = {}

        def progress(path: Path, rows: int, total: int | None) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(path.name, total=total)
            bar.update(tasks[path], completed=rows)

        summaries = ingest(
            paths,
            maps=maps or (),
            strict=strict,
            encoding=encoding,
            on_summary=on_summary,
            progress=progress,
            count_rows=shown,
        )
    report(st, summaries, as_json, title)
    for s in summaries:
        if s.records_skipped:
            st.err.print(f"{Path(s.source).name}: {s.message}", highlight=False)


@app.command("tracks")
def tracks(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Track CSV files; each is one transaction."),
    maps: list[str] | None = MAP_OPT,
    strict: bool = STRICT_OPT,
    encoding: str = ENCODING_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load track catalogs with audio features from CSV files.

    The layout is recognised from the header: "30000 Spotify Songs", genre
    crawls (id, genre, name, artist, ...), the Kaggle data.csv (160k),
    tracks_features.csv (1.2M) and tracks.csv (600k) files, SpotifyFeatures.csv,
    or any CSV with a track id column (an id or spotify:track: URI) and
    feature columns; --map names what cannot be guessed.  Values are checked
    (fractions in [0, 1], key -1..11, mode 0/1, ...): a bad row is skipped and
    its line shown, or with --strict fails the file, which then leaves nothing.
    Genres on a row (seed genre, playlist genre) are kept as track genres.
    A bad file (another encoding, a wrong header, malformed CSV) is reported
    as failed and the other files still load; --strict stops at the first.
    """
    _ingest_csv(ctx, "tracks", paths, maps, strict, encoding, as_json, "Tracks ingest")


@app.command("artists")
def artists(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Artist CSV files; each is one transaction."),
    maps: list[str] | None = MAP_OPT,
    strict: bool = STRICT_OPT,
    encoding: str = ENCODING_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load artist genres, popularity and followers from CSV files, one row per artist.

    Recognises artists_with_genres.csv / data_w_genres.csv (no ids: artists
    are matched by name; genres "a, b", "[]" or "['a', 'b']") and the Kaggle
    artists.csv (id, followers, genres, name, popularity), or any CSV with an
    artist name or id column.  Later files update popularity and add genres;
    nothing is deleted.  A bad file is reported as failed and the other files
    still load; --strict stops at the first.
    """
    _ingest_csv(ctx, "artists", paths, maps, strict, encoding, as_json, "Artists ingest")


#: Files found before a walk shows its progress (a small folder is read in a blink).
SCAN_SHOWN = 2000
WORKERS_OPT = typer.Option(
    None,
    "--workers",
    min=1,
    metavar="N",
    help="Processes analysing files (default: every core; 1 analyses in this process).",
)


def audio_report(st: AppState, summary: AudioIngestSummary, as_json: bool) -> None:
    """The run in a few lines (or JSON): counts, then one line per problem."""
    if as_json:
        print_json(summary.as_dict())
        return
    s = summary
    before = f" (+{s.failed_before} failed before, unchanged: not retried)"
    st.line(
        f"{s.found} audio files: {s.analysed} analysed, {s.unchanged} unchanged, "
        f"{s.failed} failed{before if s.failed_before else ''}, {s.missing} newly missing"
        + (f", {s.restored} back" if s.restored else "")
    )
    if s.playlists or s.unmatched_entries:
        st.line(
            f"{s.playlists} playlists from M3U files: {s.playlist_entries} entries, "
            f"{s.unmatched_entries} matching no file"
        )
    if s.problems:
        st.line(f"problems ({len(s.problems)}):")
        for problem in s.problems:
            st.line(f"  {problem}")
    st.warn(list(s.warnings))


@app.command("audio")
def audio(
    ctx: typer.Context,
    dirs: list[Path] = typer.Argument(..., help="Music folders (read only)."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first unusable file."),
    workers: int | None = WORKERS_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Analyse a music folder: tags, tempo, key, loudness and a sonic embedding per file.

    Walks the folders for MP3, FLAC, Ogg Vorbis, Opus, WAV, AIFF and M4A/AAC files
    (ffmpeg decodes what libsndfile cannot), makes each a track (names from the path
    where tags are missing) and turns M3U/M3U8 files into playlists.  Running it
    again opens only new and changed files, marks vanished ones missing (their
    tracks and playlists stay) and retries a failed file only once it changes.  A
    corrupt, empty or unreadable file, a symlink loop or a folder named like a file
    is one line of the summary and the rest go on (exit code 1); --strict stops at
    the first.  Ctrl-C keeps the batches committed so far: the same command goes on.
    The files are only read, never changed.
    """
    st = state(ctx)
    with LazyBar(st.err, "analysing") as bar:

        def scanning(found: int) -> None:
            if found >= SCAN_SHOWN:  # a big library: say that the folders are being read
                bar.update(found, None, "scanning")

        try:
            summary = st.mx.ingest_audio(
                dirs,
                strict=strict,
                workers=workers,
                on_progress=lambda done, total: bar.update(done, total, "analysing"),
                on_scan=scanning,
            )
        except Interrupted as exc:
            kept = [s for s in exc.done if isinstance(s, AudioIngestSummary)]
            bar.stop()
            if kept:
                audio_report(st, kept[0], as_json)
            st.err.print(
                f"interrupted: {kept[0].analysed if kept else 0} analysed files committed; "
                "re-run the same command to go on",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(130) from None
    audio_report(st, summary, as_json)
    if summary.problems:
        raise typer.Exit(1)

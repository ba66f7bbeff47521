"""What the commands that make a list of tracks share: options, and taking the list away.

``--format m3u8|xspf|jspf|json`` writes the list with the same writers as the
web app's downloads (:mod:`mixtape.export`): on stdout, or into ``--out FILE``
(atomically) while stdout shows the usual table or ``--json``.  Tracks with an
audio file (``mixtape ingest audio``) point at it: relative to ``--library-root
DIR`` when given, else to the folder the playlist goes into (FILE's, or the
current folder for stdout), as players read M3U8 paths.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from mixtape import export
from mixtape.cli.context import AppState
from mixtape.errors import InputError
from mixtape.records import Recommendation

JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON.")
MAX_PER_ARTIST_OPT = typer.Option(
    None, "--max-per-artist", metavar="K", help="At most K tracks by the same (first) artist."
)
ALL_VERSIONS_OPT = typer.Option(
    False,
    "--all-versions",
    help="Allow several releases of one song (same first artist and title, ignoring "
    "featured artists and remaster notes); by default a list holds one, and none of the "
    "seeds' or excluded tracks' songs.",
)
FORMAT_OPT = typer.Option(
    None,
    "--format",
    metavar="FORMAT",
    help="Write the list as a playlist file: m3u8, xspf, jspf (the JSON playlist format "
    "ListenBrainz uses) or json (a plain playlist document, not --json's shape); on stdout, "
    "or into --out FILE.",
)
OUT_OPT = typer.Option(
    None,
    "--out",
    "-o",
    metavar="FILE",
    help="Write the playlist file to FILE (replaced whole, never half-written) and show the "
    "usual output; the format follows FILE's extension unless --format names one.",
)


LIBRARY_ROOT_OPT = typer.Option(
    None,
    "--library-root",
    metavar="DIR",
    file_okay=False,
    help="Write local audio files' paths relative to DIR (e.g. mpd's music_directory) "
    "instead of relative to the playlist file's folder.",
)


def artists(rec: Recommendation) -> Text:
    """A track's artists as one cell of a table (plain text: names may hold [brackets])."""
    return Text(", ".join(rec.artists))


def track_table(title: str, tracks: Sequence[Recommendation], *, scores: bool = True) -> Table:
    """A list of tracks as a table: #, track, artists, score (unless ``scores`` is off),
    reason. Names and reasons are plain text, never Rich markup."""
    table = Table(title=Text(title))
    table.add_column("#", justify="right")
    table.add_column("track")
    table.add_column("artists")
    if scores:
        table.add_column("score", justify="right")
    table.add_column("reason")
    for rank, rec in enumerate(tracks, 1):
        score = [f"{rec.score:.3f}"] if scores else []
        table.add_row(
            str(rank), Text(rec.name or rec.track_id), artists(rec), *score, Text(rec.reason)
        )
    return table


def playlist_format(fmt: str | None, out: Path | None, as_json: bool) -> str | None:
    """The playlist format asked for by ``--format`` or ``--out``'s extension, or None.

    Checked before any work is done: an unknown format, an extension that names
    none, or a file and ``--json`` both meant for stdout are one-line errors.
    """
    if fmt is not None:
        try:
            found = export.get_format(fmt)
        except InputError as exc:
            exc.field = "format"
            raise
        if out is None and as_json:
            raise InputError(
                "--json and --format would both write to stdout",
                hint="add --out FILE for the playlist file, or leave out one of them",
            )
        return found.name
    if out is None:
        return None
    by_extension = {f.extension: f.name for f in export.FORMATS.values()}
    name = by_extension.get(out.suffix.lower())
    if name is None:
        raise InputError(
            f"cannot tell the playlist format from the name {out.name!r}",
            hint="end it in " + ", ".join(by_extension) + " or give --format",
            field="out",
        )
    return name


def take_away(
    st: AppState,
    fmt: str | None,
    out: Path | None,
    title: str,
    tracks: Sequence[Recommendation],
    library_root: Path | None = None,
) -> bool:
    """Write ``tracks`` as a playlist file when ``fmt`` is set; True when that used stdout
    (the command then prints nothing else)."""
    if fmt is None:
        return False
    if out is not None:
        export.save(out, fmt, title, tracks, library_root=library_root)
        st.err.print(f"wrote {out}: {len(tracks)} tracks as {fmt}", markup=False, highlight=False)
        return False
    here = None if library_root is not None else Path.cwd()
    body = export.write(fmt, title, tracks, library_root=library_root, playlist_dir=here)
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (some embedders)
        sys.stdout.write(body.decode("utf-8"))
    else:
        buffer.write(body)
        buffer.flush()
    return True

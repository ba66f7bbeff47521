"""``mixtape path``: a song path from one track to another, a veneer over ``Mixtape.path()``."""

from __future__ import annotations

from pathlib import Path

import typer

from mixtape.cli.context import print_json, state
from mixtape.cli.lists import (
    ALL_VERSIONS_OPT,
    FORMAT_OPT,
    JSON_OPT,
    LIBRARY_ROOT_OPT,
    MAX_PER_ARTIST_OPT,
    OUT_OPT,
    playlist_format,
    take_away,
    track_table,
)

app = typer.Typer()


@app.command("path")
def path(
    ctx: typer.Context,
    start: str = typer.Argument(
        ...,
        metavar="FROM",
        help='The first track: Spotify id, spotify:track: URI, open.spotify.com URL or "artist '
        '- title".',
        show_default=False,
    ),
    end: str = typer.Argument(
        ..., metavar="TO", help="The last track (the same kinds of reference).", show_default=False
    ),
    n: int = typer.Option(
        12, "-n", "--n", metavar="N", help="Tracks on the path, both ends included (2 to 200)."
    ),
    model: str = typer.Option(
        "audio",
        "--model",
        "-m",
        metavar="MODEL",
        help="The vector model to walk through: audio (audio features), content (features, "
        "release era, popularity and genres) or sonic (embeddings of your analysed audio "
        "files).",
    ),
    max_per_artist: int | None = MAX_PER_ARTIST_OPT,
    all_versions: bool = ALL_VERSIONS_OPT,
    as_json: bool = JSON_OPT,
    fmt: str | None = FORMAT_OPT,
    out: Path | None = OUT_OPT,
    library_root: Path | None = LIBRARY_ROOT_OPT,
) -> None:
    """A path of N tracks that walks from one track to another in small steps.

    Each step takes the track nearest to a point a little further along the way
    from FROM to TO in the model's space: no track twice, one version of a song,
    at most K tracks per artist (the two ends count).

    Example: mixtape path "Drake - One Dance" "Adele - Hello" -n 12
    """
    st = state(ctx)
    playlist_fmt = playlist_format(fmt, out, as_json)
    result = st.mx.path(
        start,
        end,
        n=n,
        model=model,
        max_per_artist=max_per_artist,
        all_versions=all_versions,
    )
    st.warn(result.warnings)
    if take_away(st, playlist_fmt, out, "mixtape song path", result.tracks, library_root):
        return
    if as_json:
        print_json(result.as_dict())
        return
    first, last = result.tracks[0], result.tracks[-1]
    title = (
        f"{result.model}: {len(result.tracks)} tracks from "
        f"{first.name or first.track_id} to {last.name or last.track_id}"
    )
    st.out.print(track_table(title, result.tracks, scores=False))

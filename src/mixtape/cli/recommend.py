"""``mixtape models``, ``recommend`` and ``curate``: veneers over :class:`Mixtape`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.lists import (
    ALL_VERSIONS_OPT,
    FORMAT_OPT,
    JSON_OPT,
    MAX_PER_ARTIST_OPT,
    OUT_OPT,
    artists,
    playlist_format,
    take_away,
    track_table,
)
from mixtape.errors import InputError, shown
from mixtape.library import (
    TITLE_MODEL,
    model_or_default,
    parse_assignments,
    parse_params,
    read_refs_file,
)

app = typer.Typer()

EXCLUDE_OPT = typer.Option(
    None,
    "--exclude",
    metavar="FILE",
    help="Never recommend the tracks in FILE (same format as --seeds), e.g. your library.",
)
PARAM_OPT = typer.Option(
    None,
    "--param",
    metavar="KEY=VALUE",
    help="A model parameter (repeatable), e.g. --param n_clusters=8; see `mixtape models`.",
)


def _refs(st: AppState, path: Path | None, field: str, flag: str) -> list[str]:
    """Track references from a file option; errors about them name that option."""
    if path is None:
        return []
    st.flags[field] = flag
    try:
        return read_refs_file(path)
    except InputError as exc:
        exc.field = exc.field or field
        raise


# -- models ------------------------------------------------------------------------------------


@app.command("models")
def models(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
    """List the recommendation models, one line each."""
    st = state(ctx)
    infos = st.mx.models()
    if as_json:
        print_json({"models": [m.as_dict() for m in infos]})
        return
    width = max((len(m.name) for m in infos), default=0)
    for m in infos:
        note = "" if m.available else f"[unavailable: {m.reason or 'no reason given'}] "
        st.line(f"{m.name:<{width}}  {note}{m.summary}")


# -- recommend ---------------------------------------------------------------------------------


@app.command("recommend")
def recommend(
    ctx: typer.Context,
    model: str | None = typer.Option(
        None,
        "--model",
        "-m",
        help=f"Which model (see `mixtape models`), e.g. popular or mood; a --title alone goes "
        f"to {TITLE_MODEL} unless you name another.",
    ),
    track: list[str] | None = typer.Option(
        None,
        "--track",
        "-t",
        metavar="REF",
        help="A seed track (repeatable): Spotify id, spotify:track: URI, open.spotify.com URL "
        'or "artist - title".',
    ),
    playlist: str | None = typer.Option(
        None, "--playlist", metavar="PID", help="Seed with a playlist's tracks (MPD pid or key)."
    ),
    seeds: Path | None = typer.Option(
        None,
        "--seeds",
        metavar="FILE",
        help="Seed tracks from a file: one reference per line, or a JSON list.",
    ),
    mood: str | None = typer.Option(
        None,
        "--mood",
        metavar="V,E|WORD",
        help="Seed with a point on the mood plane: valence,energy in 0..1 or a mood word "
        "(mood model).",
    ),
    title: str | None = typer.Option(
        None,
        "--title",
        metavar="TEXT",
        help='A playlist title to continue, e.g. "summer hits": alone or with seed tracks or '
        "a playlist (title model; models that do not use titles ignore it beside tracks).",
    ),
    n: int = typer.Option(10, "-n", "--n", metavar="N", help="How many tracks to recommend."),
    max_per_artist: int | None = MAX_PER_ARTIST_OPT,
    all_versions: bool = ALL_VERSIONS_OPT,
    exclude: Path | None = EXCLUDE_OPT,
    target: list[str] | None = typer.Option(
        None,
        "--target",
        metavar="ATTR=X",
        help="Prefer tracks near X (repeatable): energy, valence, danceability, acousticness, "
        "tempo, popularity or year.",
    ),
    minimum: list[str] | None = typer.Option(
        None, "--min", metavar="ATTR=X", help="Only tracks with ATTR ≥ X (repeatable)."
    ),
    maximum: list[str] | None = typer.Option(
        None, "--max", metavar="ATTR=X", help="Only tracks with ATTR ≤ X (repeatable)."
    ),
    param: list[str] | None = PARAM_OPT,
    no_grow: bool = typer.Option(
        False,
        "--no-grow",
        help="Do not look up seed tracks the catalog lacks on Spotify (done by default when "
        "Spotify credentials are configured).",
    ),
    as_json: bool = JSON_OPT,
    fmt: str | None = FORMAT_OPT,
    out: Path | None = OUT_OPT,
) -> None:
    """Recommend tracks from seed tracks, a playlist, a seeds file, a mood or a playlist title.

    Spotify seed tracks that are not in the catalog are looked up and added
    when Spotify credentials are configured (see --no-grow).

    Example: mixtape recommend --model popular --track "Drake - One Dance" -n 5

    Example: mixtape recommend --title "summer hits" -n 20
    """
    st = state(ctx)
    playlist_fmt = playlist_format(fmt, out, as_json)
    given = [
        o
        for o, v in (
            ("--track", track),
            ("--seeds", seeds),
            ("--playlist", playlist),
            ("--mood", mood),
        )
        if v
    ]
    if not given and title is None:
        raise InputError(
            "no seeds given", hint="give --track, --playlist, --seeds FILE, --mood or --title"
        )
    if len(given) > 1:
        raise InputError(f"give only one kind of seed, not {' and '.join(given)}")
    result = st.mx.recommend(
        model_or_default(model, title_only=not given),
        tracks=list(track or ()) or _refs(st, seeds, "track", "--seeds"),
        playlist=playlist,
        mood=mood,
        title=title,
        skip_unknown=seeds is not None,
        n=n,
        max_per_artist=max_per_artist,
        all_versions=all_versions,
        exclude=_refs(st, exclude, "exclude", "--exclude"),
        minimum=parse_assignments(minimum or [], "min"),
        maximum=parse_assignments(maximum or [], "max"),
        target=parse_assignments(target or [], "target"),
        params=parse_params(param or []),
        grow=not no_grow,
        notify=st.note,
        status=st.status,
    )
    st.warn(result.warnings)
    file_title = f"mixtape {result.model} recommendations"
    if take_away(st, playlist_fmt, out, file_title, result.recommendations):
        return
    if as_json:
        print_json(result.as_dict())
        return
    if result.mood is not None:
        source = f"mood valence {result.mood[0]:.2f}, energy {result.mood[1]:.2f}"
    elif result.seeds:
        source = f"{len(result.seeds)} seed track{'s' if len(result.seeds) != 1 else ''}"
        if result.title is not None:
            source += f" and the title {shown(result.title)}"
    else:
        source = f"the title {shown(result.title)}"
    heading = f"{result.model}: {len(result.recommendations)} tracks from {source}"
    if result.recommendations:
        st.out.print(track_table(heading, result.recommendations))
        st.line(f"score: {result.score_meaning}")
    else:
        st.line("no tracks left to recommend (the filters or exclusions removed them all)")


# -- curate ------------------------------------------------------------------------------------


@app.command("curate")
def curate(
    ctx: typer.Context,
    seeds: Path = typer.Option(
        ...,
        "--seeds",
        metavar="FILE",
        help="Your library or playlist: one track reference per line, or a JSON list.",
    ),
    n: int = typer.Option(50, "-n", "--n", metavar="N", help="How many tracks to draw."),
    max_per_artist: int | None = MAX_PER_ARTIST_OPT,
    all_versions: bool = ALL_VERSIONS_OPT,
    exclude: Path | None = EXCLUDE_OPT,
    param: list[str] | None = PARAM_OPT,
    as_json: bool = JSON_OPT,
    fmt: str | None = FORMAT_OPT,
    out: Path | None = OUT_OPT,
) -> None:
    """A playlist with the same mix of sounds as the seeds (cluster-proportional).

    The seeds are placed in audio clusters; each cluster gets a share of the
    N tracks equal to its share of the seeds.
    """
    st = state(ctx)
    playlist_fmt = playlist_format(fmt, out, as_json)
    outcome = st.mx.curate(
        _refs(st, seeds, "track", "--seeds"),
        n=n,
        max_per_artist=max_per_artist,
        all_versions=all_versions,
        exclude=_refs(st, exclude, "exclude", "--exclude"),
        params=parse_params(param or []),
        status=st.status,
    )
    st.warn(outcome.warnings)
    if take_away(st, playlist_fmt, out, "mixtape curated playlist", outcome.recommendations):
        return
    if as_json:
        print_json(outcome.as_dict())
        return
    result = outcome.result
    clusters = Table(
        title=f"{len(result.clusters)} clusters from {result.n_seeds} seeds "
        f"({len(result.ignored_seeds)} without audio features ignored)"
    )
    for col in ("cluster", "share", "seeds", "drawn", "description"):
        clusters.add_column(col, justify="left" if col == "description" else "right")
    for c in result.clusters:
        clusters.add_row(
            str(c.cluster), f"{100 * c.share:.0f}%", str(c.seeds), str(c.drawn), c.description
        )
    st.out.print(clusters)
    tracks = Table(title=f"curated playlist: {len(outcome.recommendations)} tracks")
    for col in ("#", "track", "artists", "cluster", "score"):
        tracks.add_column(col, justify="right" if col in ("#", "cluster", "score") else "left")
    for rank, (rec, cluster) in enumerate(
        zip(outcome.recommendations, result.track_clusters, strict=True), 1
    ):
        tracks.add_row(
            str(rank),
            Text(rec.name or rec.track_id),
            artists(rec),
            str(cluster),
            f"{rec.score:.3f}",
        )
    st.out.print(tracks)

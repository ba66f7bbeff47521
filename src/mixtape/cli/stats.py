"""``mixtape stats``: what the catalog holds, in the style of the MPD's stats.txt."""

from __future__ import annotations

from collections.abc import Iterable

import typer

from mixtape.cli.context import print_json, state
from mixtape.library import RECENT_INGESTS, TOP, CatalogStats

app = typer.Typer()


def _ranked(rows: Iterable[tuple[int, str]]) -> list[str]:
    rows = list(rows)
    width = max((len(f"{n}") for n, _ in rows), default=1)
    return [f"  {n:>{width}} {label}" for n, label in rows]


def _percent(part: int, whole: int) -> str:
    return f" ({100 * part / whole:.1f}%)" if whole else ""


def render(st: CatalogStats, url: str) -> list[str]:
    """The plain-text report, one line per list item."""
    lines = [
        f"catalog {url}",
        f"number of playlists {st.playlists}",
        f"number of playlist entries {st.playlist_tracks}",
        f"number of unique tracks in playlists {st.unique_playlist_tracks}",
        f"number of tracks {st.tracks}",
        f"number of albums {st.albums}",
        f"number of artists {st.artists}",
        f"number of genres {st.genres}",
        f"number of unique titles {st.unique_titles}",
        f"number of unique normalized titles {st.unique_normalized_titles}",
        f"number of playlists with descriptions {st.playlists_with_descriptions}",
        f"avg playlist length {st.avg_playlist_length:.6f}",
    ]
    for heading, rows in (
        ("top playlist titles", [(c.count, c.name) for c in st.top_titles]),
        ("top tracks", [(t.count, f"{t.name} by {t.artist}") for t in st.top_tracks]),
        ("top artists", [(a.count, a.name) for a in st.top_artists]),
    ):
        if rows:
            lines += ["", heading, *_ranked(rows)]

    cov = st.coverage
    lines += [
        "",
        "feature coverage (tracks or artists with a value)",
        *_ranked(
            [
                (
                    cov.tracks_with_features,
                    "tracks with audio features" + _percent(cov.tracks_with_features, st.tracks),
                ),
                *((n, f"  {name}") for name, n in cov.features.items()),
                (
                    cov.tracks_with_release_year,
                    "tracks with release year" + _percent(cov.tracks_with_release_year, st.tracks),
                ),
                (
                    cov.tracks_with_popularity,
                    "tracks with popularity" + _percent(cov.tracks_with_popularity, st.tracks),
                ),
                (
                    cov.tracks_with_genres,
                    "tracks with genres of their own" + _percent(cov.tracks_with_genres, st.tracks),
                ),
                (
                    cov.artists_with_genres,
                    "artists with genres" + _percent(cov.artists_with_genres, st.artists),
                ),
            ]
        ),
        "",
        "where features come from",
        *_ranked(
            [
                *((n, f"tracks with features from {k}") for k, n in cov.feature_sources.items()),
                (
                    cov.tracks_with_local_features,
                    "tracks analysed from local audio"
                    + _percent(cov.tracks_with_local_features, st.tracks),
                ),
                (cov.tracks_with_sonic_embeddings, "tracks with a sonic embedding"),
                *((n, f"local audio files {status}") for status, n in st.audio_files.items()),
            ]
        ),
    ]

    lines += ["", f"ingests {st.ingests_total} ({st.ingests_failed} failed)"]
    if st.recent_ingests:
        lines.append("recent ingests (newest first)")
        for i in st.recent_ingests:
            when = i.finished_at or i.started_at
            stamp = when.strftime("%Y-%m-%d %H:%M") if when else "?"
            lines.append(
                f"  {stamp}  {i.kind:<8} {i.status:<6} read {i.records_read}, "
                f"loaded {i.records_loaded}, skipped {i.records_skipped}  {i.source}"
            )
    return lines


@app.command("stats")
def stats(
    ctx: typer.Context,
    top: int = typer.Option(
        TOP, "--top", min=0, metavar="N", help="How many titles, tracks and artists to list."
    ),
    recent: int = typer.Option(
        RECENT_INGESTS, "--recent", min=0, metavar="N", help="How many recent ingests to list."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON."),
) -> None:
    """Show what the catalog holds: counts, top lists, feature coverage and recent ingests.

    Playlist titles are compared lower-cased and stripped, as in the Million
    Playlist Dataset's stats.txt; an artist's count is the number of playlist
    entries whose track credits the artist.
    """
    st = state(ctx)
    result = st.mx.stats(top=top, recent=recent)
    if as_json:
        print_json({"catalog": st.mx.url, **result.as_dict()})
        return
    for line in render(result, st.mx.url):
        st.line(line)

"""``mixtape spotify``: sign in, import a library or playlist, export, crawl."""

from __future__ import annotations

import contextlib
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.errors import InputError
from mixtape.library import parse_params, read_refs_file

if TYPE_CHECKING:
    from mixtape.library import CrawlResult, ImportResult

app = typer.Typer(
    help="Spotify: sign in, import your library and playlists, export playlists, crawl.",
    no_args_is_help=True,
)
crawl_app = typer.Typer(help="Fill the catalog from Spotify (resumable).", no_args_is_help=True)
app.add_typer(crawl_app, name="crawl")

JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON.")
USER_OPT = typer.Option(None, "--user", help="Which signed-in user (default: the last one).")
UNMATCHED_OPT = typer.Option(
    False, "--show-unmatched", help="List the tracks that were not in the catalog yet."
)


@contextlib.contextmanager
def _progress(st: AppState, what: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """``on_page(done, total)`` feeding a progress bar on stderr."""
    if quiet:
        yield lambda _done, _total: None
        return
    with progress_bar(st.err, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


# -- signing in ----------------------------------------------------------------------------


@app.command("login")
def login(
    ctx: typer.Context,
    no_browser: bool = typer.Option(
        False, "--no-browser", help="Print the sign-in URL instead of opening a browser."
    ),
    timeout: float = typer.Option(300, "--timeout", help="Seconds to wait for the sign-in."),
    as_json: bool = JSON_OPT,
) -> None:
    """Sign in to Spotify (Authorization Code with PKCE, loopback redirect)."""
    st = state(ctx)

    def open_url(url: str) -> None:
        st.err.print(
            f"Open this URL to sign in:\n{url}", markup=False, highlight=False, soft_wrap=True
        )
        if not no_browser:
            webbrowser.open(url)

    token = st.mx.spotify_login(open_url, timeout=timeout)
    if as_json:
        print_json({"user": token.user, "scope": token.scope})
    else:
        st.out.print(f"signed in to Spotify as {token.user}", markup=False)


@app.command("logout")
def logout(ctx: typer.Context, user: str | None = USER_OPT) -> None:
    """Forget the stored Spotify tokens."""
    st = state(ctx)
    who = st.mx.spotify_logout(user)
    st.out.print(f"signed out {who}" if who else "nobody was signed in", markup=False)


@app.command("whoami")
def whoami(ctx: typer.Context, user: str | None = USER_OPT, as_json: bool = JSON_OPT) -> None:
    """Show who is signed in (asks Spotify, refreshing the token if needed)."""
    st = state(ctx)
    me = st.mx.spotify_whoami(user, notify=st.note)
    if as_json:
        print_json(me)
    else:
        st.out.print(
            f"{me.get('id')} ({me.get('display_name') or 'no display name'})", markup=False
        )


# -- import -----------------------------------------------------------------------------------


def _print_import(st: AppState, result: ImportResult, show: bool, as_json: bool) -> None:
    if as_json:
        print_json(result.as_dict())
        return
    r = result.report
    st.out.print(
        f"{result.playlist_key}: {r.total} tracks; {r.rate:.0%} already in the catalog "
        f"({r.by_id} by id, {r.by_isrc} by ISRC, {r.by_name} by name), {r.new} new",
        markup=False,
    )
    if show:
        for label in r.new_tracks:
            st.out.print(f"  new: {label}", markup=False, highlight=False)


@app.command("import-library")
def import_library(
    ctx: typer.Context,
    user: str | None = USER_OPT,
    show_unmatched: bool = UNMATCHED_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Import your saved tracks as the playlist spotify-library:USER."""
    st = state(ctx)
    with _progress(st, "saved tracks", as_json) as on_page:
        result = st.mx.spotify_import_library(user, notify=st.note, progress=on_page)
    _print_import(st, result, show_unmatched, as_json)


@app.command("import-playlist")
def import_playlist(
    ctx: typer.Context,
    playlist: str = typer.Argument(..., help="Playlist id, spotify:playlist: URI or URL."),
    show_unmatched: bool = UNMATCHED_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Import a playlist's tracks as the playlist spotify:ID."""
    st = state(ctx)
    with _progress(st, "playlist items", as_json) as on_page:
        result = st.mx.spotify_import_playlist(playlist, notify=st.note, progress=on_page)
    _print_import(st, result, show_unmatched, as_json)


# -- export -----------------------------------------------------------------------------------


@app.command("export")
def export(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name of the new playlist in your Spotify account."),
    from_json: Path | None = typer.Option(
        None,
        "--from-json",
        metavar="FILE",
        help="Tracks from `mixtape recommend --json` output or a JSON list of ids/URIs.",
    ),
    from_recommend: bool = typer.Option(
        False, "--from-recommend", help="Export fresh recommendations (use the options below)."
    ),
    model: str = typer.Option("content", "--model", "-m", help="Model for --from-recommend."),
    track: list[str] | None = typer.Option(
        None, "--track", "-t", metavar="REF", help="Seed track for --from-recommend (repeatable)."
    ),
    playlist: str | None = typer.Option(
        None, "--playlist", metavar="PID", help="Seed playlist for --from-recommend."
    ),
    seeds: Path | None = typer.Option(
        None, "--seeds", metavar="FILE", help="Seed tracks file for --from-recommend."
    ),
    mood: str | None = typer.Option(None, "--mood", metavar="V,E|WORD", help="Mood seed."),
    n: int = typer.Option(30, "-n", "--n", metavar="N", help="How many tracks to recommend."),
    param: list[str] | None = typer.Option(
        None, "--param", metavar="KEY=VALUE", help="A model parameter (repeatable)."
    ),
    no_grow: bool = typer.Option(
        False,
        "--no-grow",
        help="Do not look up seed tracks the catalog lacks on Spotify (as for `recommend`).",
    ),
    description: str = typer.Option(
        "Made with mixtape", "--description", help="Description of the new playlist."
    ),
    public: bool = typer.Option(False, "--public", help="Make the playlist public."),
    user: str | None = USER_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Create a playlist in your Spotify account from recommendations or a file."""
    st = state(ctx)
    if (from_json is None) == (not from_recommend):
        raise InputError("give exactly one of --from-json FILE and --from-recommend")
    if from_json is not None:
        st.flags["track"] = "--from-json"
        exported = st.mx.spotify_export(
            name,
            read_refs_file(from_json),
            description=description,
            public=public,
            user=user,
            notify=st.note,
        )
    else:
        if seeds is not None:
            st.flags["track"] = "--seeds"
        recommend = {
            "model": model,
            "tracks": list(track or ()) or (read_refs_file(seeds) if seeds else []),
            "playlist": playlist,
            "mood": mood,
            "skip_unknown": seeds is not None,
            "n": n,
            "params": parse_params(param or []),
            "grow": not no_grow,
            "notify": st.note,
            "status": st.status,
        }
        exported = st.mx.spotify_export(
            name,
            from_recommend=recommend,
            description=description,
            public=public,
            user=user,
            notify=st.note,
        )
    if as_json:
        print_json(exported.as_dict())
        return
    st.out.print(f"added {exported.added} tracks to {exported.url}", markup=False)
    if exported.skipped_local:
        st.err.print(
            f"skipped {exported.skipped_local} tracks without a Spotify id (local: keys)",
            markup=False,
        )
    if exported.skipped_invalid:
        st.err.print(
            f"skipped {len(exported.skipped_invalid)} references that are not tracks",
            markup=False,
        )


# -- crawls -----------------------------------------------------------------------------------


def _print_crawl(st: AppState, result: CrawlResult, as_json: bool) -> None:
    if as_json:
        print_json(result.as_dict())
        return
    status = "finished" if result.finished else f"stopped: {result.stopped}"
    st.out.print(
        f"{result.kind}: {result.fetched} of {result.todo} done this run "
        f"({result.skipped} done before); {result.errors} errors; {status}",
        markup=False,
    )
    if result.errors:
        st.err.print(f"error log: {result.error_log}", markup=False)


@crawl_app.command("genres")
def crawl_genres(
    ctx: typer.Context,
    per_genre: int = typer.Option(100, "--per-genre", help="Tracks to ask for per genre (≤ 100)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Genre seeds → recommendations → audio features (apps that still have access)."""
    st = state(ctx)
    with _progress(st, "genres", as_json) as on_progress:
        result = st.mx.spotify_crawl_genres(
            per_genre=per_genre, notify=st.note, progress=on_progress
        )
    _print_crawl(st, result, as_json)


@crawl_app.command("enrich")
def crawl_enrich(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
    """Fill missing release dates, popularity, artist genres and audio features."""
    st = state(ctx)
    with _progress(st, "tracks", as_json) as on_progress:
        result = st.mx.spotify_crawl_enrich(notify=st.note, progress=on_progress)
    _print_crawl(st, result, as_json)

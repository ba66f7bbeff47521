"""``mixtape spotify``: sign in, import a library or playlist, export, crawl."""

from __future__ import annotations

import contextlib
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from mixtape import service
from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.errors import EndpointClosed, InputError
from mixtape.spotify import availability, crawl, library, session
from mixtape.spotify.config import SpotifyConfig

spotify_app = typer.Typer(
    help="Spotify: sign in, import your library and playlists, export playlists, crawl.",
    no_args_is_help=True,
)
crawl_app = typer.Typer(help="Fill the catalog from Spotify (resumable).", no_args_is_help=True)
spotify_app.add_typer(crawl_app, name="crawl")

JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON.")
USER_OPT = typer.Option(None, "--user", help="Which signed-in user (default: the last one).")
UNMATCHED_OPT = typer.Option(
    False, "--show-unmatched", help="List the tracks that were not in the catalog yet."
)


def _config(st: AppState) -> SpotifyConfig:
    return session.config_for(st.settings.data_dir)


def _notify(st: AppState) -> Callable[[str], None]:
    return lambda message: st.err.print(f"note: {message}", markup=False, highlight=False)


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


@spotify_app.command("login")
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
    config = _config(st)

    def open_url(url: str) -> None:
        st.err.print(
            f"Open this URL to sign in:\n{url}", markup=False, highlight=False, soft_wrap=True
        )
        if not no_browser:
            webbrowser.open(url)

    token = session.sign_in(config, open_url, timeout=timeout)
    if as_json:
        print_json({"user": token.user, "scope": token.scope})
    else:
        st.out.print(f"signed in to Spotify as {token.user}", markup=False)


@spotify_app.command("logout")
def logout(ctx: typer.Context, user: str | None = USER_OPT) -> None:
    """Forget the stored Spotify tokens."""
    st = state(ctx)
    who = session.token_store(_config(st)).delete(user)
    st.out.print(f"signed out {who}" if who else "nobody was signed in", markup=False)


@spotify_app.command("whoami")
def whoami(ctx: typer.Context, user: str | None = USER_OPT, as_json: bool = JSON_OPT) -> None:
    """Show who is signed in (asks Spotify, refreshing the token if needed)."""
    st = state(ctx)
    with session.user_client(_config(st), user=user, notify=_notify(st)) as client:
        me = client.me()
    if as_json:
        print_json({"id": me.get("id"), "display_name": me.get("display_name")})
    else:
        st.out.print(
            f"{me.get('id')} ({me.get('display_name') or 'no display name'})", markup=False
        )


# -- import -----------------------------------------------------------------------------------


def _print_import(st: AppState, result: library.ImportResult, show: bool, as_json: bool) -> None:
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


@spotify_app.command("import-library")
def import_library(
    ctx: typer.Context,
    user: str | None = USER_OPT,
    show_unmatched: bool = UNMATCHED_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Import your saved tracks as the playlist spotify-library:USER."""
    st = state(ctx)
    with (
        session.user_client(_config(st), user=user, notify=_notify(st)) as client,
        _progress(st, "saved tracks", as_json) as on_page,
    ):
        result = library.import_library(st.catalog(), client, on_page)
    _print_import(st, result, show_unmatched, as_json)


@spotify_app.command("import-playlist")
def import_playlist(
    ctx: typer.Context,
    playlist: str = typer.Argument(..., help="Playlist id, spotify:playlist: URI or URL."),
    show_unmatched: bool = UNMATCHED_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Import a playlist's tracks as the playlist spotify:ID."""
    st = state(ctx)
    with (
        session.app_client(_config(st), notify=_notify(st)) as client,
        _progress(st, "playlist items", as_json) as on_page,
    ):
        result = library.import_playlist(st.catalog(), client, playlist, on_page)
    _print_import(st, result, show_unmatched, as_json)


# -- export -----------------------------------------------------------------------------------


@spotify_app.command("export")
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
        refs = service.read_refs_file(from_json)
    else:
        result = service.recommend(
            st.catalog(),
            model,
            service.SeedSpec(
                tracks=tuple(track or ()), playlist=playlist, seeds_file=seeds, mood=mood
            ),
            n=n,
            params=service.parse_params(param or []),
            cache_dir=st.settings.data_dir / "cache",
        )
        refs = [r.track_id for r in result.recommendations]
    with session.user_client(_config(st), user=user, notify=_notify(st)) as client:
        exported = library.export_playlist(
            client, name, refs, description=description, public=public
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


def _print_crawl(st: AppState, result: crawl.CrawlResult, as_json: bool) -> None:
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
    config = _config(st)
    log = crawl.ErrorLog(config.folder / "crawl-errors.jsonl")
    note = _notify(st)
    no_seeds = availability.MESSAGES["genre-seeds"]
    with (
        # Closed genre seeds end the command with an error line; no note as well.
        session.app_client(
            config, notify=lambda m: None if m == no_seeds else note(m), on_error=log
        ) as client,
        _progress(st, "genres", as_json) as on_progress,
    ):
        result = crawl.crawl_genres(
            st.catalog(), client, config.folder, per_genre=per_genre, on_progress=on_progress
        )
        if client.availability.is_closed("genre-seeds"):  # nothing was crawled or written
            raise EndpointClosed(no_seeds, endpoint="genre-seeds")
    result.errors = log.count  # failed requests, as in the error log
    _print_crawl(st, result, as_json)


@crawl_app.command("enrich")
def crawl_enrich(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
    """Fill missing release dates, popularity, artist genres and audio features."""
    st = state(ctx)
    config = _config(st)
    log = crawl.ErrorLog(config.folder / "enrich-errors.jsonl")
    with (
        session.app_client(config, notify=_notify(st), on_error=log) as client,
        _progress(st, "tracks", as_json) as on_progress,
    ):
        result = crawl.enrich(st.catalog(), client, config.folder, on_progress=on_progress)
    result.errors = log.count  # failed requests, as in the error log
    _print_crawl(st, result, as_json)

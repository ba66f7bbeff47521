"""``mixtape serve``: the web app on the catalog (``--db``), with uvicorn, one process."""

from __future__ import annotations

import errno
import socket

import typer

from mixtape.cli.context import state
from mixtape.errors import ConfigError, InputError, NoCatalogError
from mixtape.library import Mixtape

app = typer.Typer()

WEB_EXTRA = "install the web extra: pip install 'mixtape[web]'"


def shown_url(host: str, port: int) -> str:
    """The URL to open for a listening address (a wildcard address is reached on loopback)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def check_port(host: str, port: int) -> None:
    """Refuse an address this process cannot listen on (a port in use, an unknown host) in
    one line, before the "serving" line; uvicorn would print its own error after it."""
    try:
        socket.getaddrinfo(host, port)
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}: {str(exc.strerror or exc).lower()}",
            hint="give an IP address or a name this computer resolves",
            field="host",
        ) from None
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        # create_server appends "(while attempting to bind on address ...)": left out.
        reason = str(exc.strerror or exc).split(" (while ")[0].lower()
        if exc.errno == errno.EADDRNOTAVAIL:  # not an address of this computer
            hint, field = "give 127.0.0.1, or 0.0.0.0 for every address", "host"
        else:
            hint, field = "is another server on that port? pick another with --port", "port"
        raise InputError(
            f"cannot listen on {host}:{port}: {reason}", hint=hint, field=field
        ) from None


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. The default answers only this computer; 0.0.0.0 opens "
        "the app to your network (it has no accounts of its own: think before you do).",
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web app: search, every model side by side, the mood map, song paths.

    The catalog's arrays and the common models are prepared in the background
    as the server starts; pages say "preparing…" until they are ready.
    Example: mixtape serve --port 8000, then open http://127.0.0.1:8000
    """
    st = state(ctx)
    try:
        import uvicorn

        from mixtape.web.app import RECHECK_SECONDS, create_app
    except ImportError as exc:
        raise ConfigError(f"the web app needs {exc.name}", hint=WEB_EXTRA) from None
    check_port(host, port)
    mx = Mixtape(st.settings, recheck=RECHECK_SECONDS)
    if not mx.exists():
        raise NoCatalogError(
            f"no catalog at {mx.url}",
            hint="build one with `mixtape demo-data` or `mixtape ingest …`",
        )
    # Opened (and migrated) before serving: a catalog that cannot be read is one line
    # and a non-zero exit here, not an error page on every request.
    mx.existing_catalog()
    web_app = create_app(mx)
    st.err.print(
        f"mixtape: serving {mx.url} at {shown_url(host, port)} (Ctrl-C stops)",
        markup=False,
        highlight=False,
    )
    # No access log: a sign-in callback's query holds a one-time authorization code.
    try:
        uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        mx.close()

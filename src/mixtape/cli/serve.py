"""``mixtape serve``: the web app on the catalog (``--db``), with uvicorn, one process."""

from __future__ import annotations

import typer

from mixtape.cli.context import state
from mixtape.errors import ConfigError, NoCatalogError

WEB_EXTRA = "install the web extra: pip install 'mixtape[web]'"


def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. The default answers only this computer; "
        "0.0.0.0 opens the app to your network (it has no accounts of its own).",
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web app: search, recommendations from every model, the mood map, paths.

    The catalog's arrays and the common models are prepared in the background
    as the server starts; pages say "preparing model…" until they are ready.
    Example: mixtape serve --port 8000, then open http://127.0.0.1:8000
    """
    st = state(ctx)
    try:
        import uvicorn

        from mixtape.web.app import create_app
    except ImportError as exc:
        raise ConfigError(f"the web app needs {exc.name}", hint=WEB_EXTRA) from None
    from mixtape.library import Mixtape

    mx = Mixtape(st.settings)
    if not mx.exists():
        raise NoCatalogError(
            f"no catalog at {st.settings.db_url}",
            hint="build one with `mixtape demo-data` or `mixtape ingest …`",
        )
    app = create_app(mx)
    shown = f"[{host}]" if ":" in host else host
    st.err.print(
        f"mixtape: serving {st.settings.db_url} at http://{shown}:{port} (Ctrl-C stops)",
        markup=False,
        highlight=False,
    )
    try:
        # No access log: a sign-in callback's query holds a one-time authorization code.
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        mx.close()

"""State shared by every command: settings, output mode, the open catalog."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console

from mixtape.catalog import Catalog, open_catalog
from mixtape.settings import Settings, load_settings


@dataclass
class AppState:
    db_url: str | None = None
    verbose: bool = False
    _settings: Settings | None = None
    _catalog: Catalog | None = None
    # Piped output gets a wide, fixed width so tables stay readable in logs and CI.
    out: Console = field(
        default_factory=lambda: Console(soft_wrap=True, width=None if sys.stdout.isatty() else 140)
    )
    err: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(db_url=self.db_url)
        return self._settings

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = open_catalog(self.settings.db_url)
        return self._catalog

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.dispose()
            self._catalog = None


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):  # a sub-app invoked on its own (tests)
        obj = AppState()
        ctx.find_root().obj = obj
    return obj


def print_json(data: Any) -> None:
    """Machine-readable output: one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()

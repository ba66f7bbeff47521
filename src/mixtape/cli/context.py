"""State shared by every command: the one :class:`Mixtape`, output consoles, helpers."""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console

from mixtape.library import Mixtape
from mixtape.settings import Settings, load_settings


@dataclass
class AppState:
    """What a command needs: the facade (created on first use), consoles, flag names."""

    db_url: str | None = None
    verbose: bool = False
    # Piped output gets a wide, fixed width so tables stay readable in logs and CI.
    out: Console = field(
        default_factory=lambda: Console(soft_wrap=True, width=None if sys.stdout.isatty() else 140)
    )
    err: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))
    #: Per command: the option that gave an input, where it is not the usual one
    #: (seed tracks from ``--seeds FILE`` rather than ``--track``).
    flags: dict[str, str] = field(default_factory=dict)
    _mx: Mixtape | None = None

    @property
    def settings(self) -> Settings:
        return self.mx.settings

    @property
    def mx(self) -> Mixtape:
        """The facade every command calls (settings are loaded here, on first use)."""
        if self._mx is None:
            self._mx = Mixtape(load_settings(db_url=self.db_url))
        return self._mx

    def close(self) -> None:
        if self._mx is not None:
            self._mx.close()
            self._mx = None

    # -- output helpers -------------------------------------------------------------
    def status(self, message: str) -> AbstractContextManager[Any]:
        """A spinner on stderr while arrays are built or a model is fitted."""
        return self.err.status(message + " …")

    def note(self, message: str) -> None:
        self.err.print(f"note: {message}", markup=False, highlight=False)

    def warn(self, warnings: tuple[str, ...] | list[str]) -> None:
        for w in warnings[:20]:
            self.err.print(f"warning: {w}", markup=False, highlight=False)
        if len(warnings) > 20:
            self.err.print(
                f"warning: … and {len(warnings) - 20} more", markup=False, highlight=False
            )

    def line(self, text: str) -> None:
        """One plain line on stdout (no Rich markup: names may hold [brackets])."""
        self.out.print(text, markup=False, highlight=False, emoji=False)


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

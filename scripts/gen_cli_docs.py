"""Write docs/cli.md from every command's ``--help``.

    .venv/bin/python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    .venv/bin/python scripts/gen_cli_docs.py --check  # exit 1 if it is out of date

The help is rendered by click's plain formatter (Rich turned off on each
command object) at a fixed width, so the output does not depend on the
terminal it runs in.  ``tests/test_docs.py`` regenerates it in memory and
fails when the committed file differs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI_MD = ROOT / "docs" / "cli.md"
WIDTH = 100
REGENERATE = ".venv/bin/python scripts/gen_cli_docs.py"


@dataclass(frozen=True)
class Entry:
    """One command of the tree, with the context its help is rendered in."""

    path: tuple[str, ...]  # ("mixtape", "ingest", "mpd")
    command: Any  # a typer/click Command or Group
    ctx: Any  # its click Context

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def help_text(self) -> str:
        return str(self.command.get_help(self.ctx)).rstrip() + "\n"


def iter_commands() -> Iterator[Entry]:
    """Every visible command, depth first in registration order, root first."""
    import typer

    from mixtape.cli.app import build_app

    root = typer.main.get_command(build_app())
    yield from _walk(root, ("mixtape",), None)


def _walk(command: Any, path: tuple[str, ...], parent: Any) -> Iterator[Entry]:
    # get_command() builds fresh objects, so switching Rich off here does not
    # touch the app the real CLI runs.
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None
    ctx = command.make_context(
        path[-1],
        [],
        parent=parent,
        resilient_parsing=True,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )
    yield Entry(path, command, ctx)
    for name in getattr(command, "commands", {}):
        sub = command.commands[name]
        if not getattr(sub, "hidden", False):
            yield from _walk(sub, (*path, name), ctx)


def _anchor(name: str) -> str:
    return name.lower().replace(" ", "-")


def render() -> str:
    """The whole of docs/cli.md."""
    entries = list(iter_commands())
    lines = [
        "# Command-line reference",
        "",
        "<!-- Generated from every command's --help by scripts/gen_cli_docs.py; do not edit. -->",
        "",
        f"This page is generated: after changing a command, run `{REGENERATE}`.",
        "`tests/test_docs.py` fails when it is out of date.",
        "",
        *(f"- [`{e.name}`](#{_anchor(e.name)})" for e in entries),
    ]
    for e in entries:
        lines += ["", f"## {e.name}", "", "```text", e.help_text().rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = CLI_MD.read_text(encoding="utf-8") if CLI_MD.exists() else ""
        if current != text:
            print(f"{CLI_MD.relative_to(ROOT)} is out of date: run `{REGENERATE}`")
            return 1
        return 0
    CLI_MD.parent.mkdir(parents=True, exist_ok=True)
    CLI_MD.write_text(text, encoding="utf-8")
    print(f"wrote {CLI_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

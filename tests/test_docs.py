"""The documentation stays true: every command has help, the CLI reference is current,
every setting is documented."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mixtape.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = "run `.venv/bin/python scripts/gen_cli_docs.py`"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts/gen_cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def entries(gen: ModuleType) -> list:
    return list(gen.iter_commands())


def test_the_tree_holds_the_known_commands(entries: list) -> None:
    names = {e.name for e in entries}
    assert {"mixtape", "mixtape stats", "mixtape plot features", "mixtape plot mood"} <= names


def test_every_command_has_help(entries: list) -> None:
    missing = [e.name for e in entries if not (e.command.help or e.command.short_help)]
    assert not missing, f"commands without help text (add a docstring or help=): {missing}"


def test_every_option_and_argument_has_help(entries: list) -> None:
    missing = [
        f"{e.name} {param.opts[0] if param.opts else param.name}"
        for e in entries
        for param in e.command.params
        if not getattr(param, "hidden", False) and not (getattr(param, "help", None) or "").strip()
    ]
    assert not missing, f"options/arguments without help text (add help=...): {missing}"


def test_cli_reference_is_up_to_date(gen: ModuleType) -> None:
    path = ROOT / "docs" / "cli.md"
    assert path.exists(), f"docs/cli.md is missing: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == gen.render(), (
        f"docs/cli.md is out of date with the commands' --help: {REGENERATE}"
    )


def test_cli_reference_is_plain_text(gen: ModuleType) -> None:
    text = gen.render()
    assert "\x1b[" not in text  # no terminal colour codes
    assert "╭" not in text  # no Rich panels
    assert "Usage: mixtape stats [OPTIONS]" in text


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting) -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert f"`{setting.name}`" in text, f"add setting {setting.name} to docs/settings.md"
    assert f"`{setting.env}`" in text, f"add {setting.env} to docs/settings.md"

"""The tests' own layout: no test file imports a test module or a conftest.

Shared data lives in ``tests/factories`` (and helper modules such as
``tests/spotify/fake_server.py``); fixtures reach tests through pytest, never
through an import.  A test module imported by another ties two areas
together (and its fixtures come along by name, unseen); a conftest imported
as a module is a second copy beside the one pytest loaded.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(source: str, package: str) -> list[str]:
    """Every module ``source`` (a module of ``package``) imports; relative imports resolved.

    ``from a.b import c`` counts as importing both ``a.b`` and ``a.b.c``: ``c`` may be
    a module.
    """
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return names


def forbidden(name: str) -> bool:
    """A test module or a conftest of ours."""
    leaf = name.rsplit(".", 1)[-1]
    return name.split(".")[0] == "tests" and (leaf.startswith("test_") or leaf == "conftest")


def test_the_check_finds_every_kind_of_forbidden_import() -> None:
    source = (
        "import tests.cli.test_recommend_cli\n"
        "from tests.models.conftest import Tiny\n"
        "from .conftest import Tiny\n"
        "from . import test_exact\n"
        "from tests.factories.tiny import Tiny\n"
        "from mixtape.models import conftest_like\n"
        "def f():\n    from tests.catalog.test_reads import build_catalog\n"
    )
    found = [n for n in imported_modules(source, "tests.search") if forbidden(n)]
    assert found == [
        "tests.cli.test_recommend_cli",
        "tests.models.conftest",
        "tests.search.conftest",
        "tests.search.test_exact",
        "tests.catalog.test_reads",
    ]


def test_no_test_file_imports_a_test_module_or_a_conftest() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len([f for f in files if f.name.startswith("test_")]) > 40  # the walk sees them
    offenders = {}
    for path in files:
        package = ".".join(path.relative_to(TESTS.parent).parent.parts)
        names = imported_modules(path.read_text(encoding="utf-8"), package)
        if bad := [name for name in names if forbidden(name)]:
            offenders[str(path.relative_to(TESTS))] = bad
    assert offenders == {}

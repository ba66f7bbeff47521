"""A small demo catalog, built once and shared read-only by the demo tests."""

from __future__ import annotations

import pytest

from mixtape.demo import DemoCatalog
from tests.factories.demo import small_demo


@pytest.fixture(scope="session")
def small() -> DemoCatalog:
    return small_demo()

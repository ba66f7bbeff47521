"""Fixtures of the search tests: the random-vector factories of ``tests.factories.vectors``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tests.factories import vectors
from tests.factories.vectors import Structured


@pytest.fixture(scope="session")
def structured() -> Structured:
    """A factory of block-structured indexes (see :func:`tests.factories.vectors.structured`)."""
    return vectors.structured


@pytest.fixture(scope="session")
def unit_vectors() -> Callable[..., np.ndarray]:
    """``(n, d)`` random unit vectors, float32, from a fixed seed."""
    return vectors.unit_vectors

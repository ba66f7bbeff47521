"""Shared test data in one place (plain helper modules: never test modules, never conftest).

- :mod:`~tests.factories.arrays`: ``TrackArrays`` by hand (``track_arrays``, ``hand_arrays``).
- :mod:`~tests.factories.tiny`: the tiny catalog with known answers (fixtures ``tiny``,
  ``tiny_data`` in ``tests/conftest.py``).
"""

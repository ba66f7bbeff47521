"""Offline evaluation: metrics (pure functions), held-out splits, the harness."""

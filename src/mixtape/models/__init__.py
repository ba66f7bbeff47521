"""Recommenders: one contract (``base``), shared controls, one registry."""

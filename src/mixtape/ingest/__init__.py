"""Readers for the real data formats and the loaders that write them to the catalog.

Readers are generators of records (``mixtape.records``); loaders write one
batch per transaction through ``mixtape.catalog.writes.BatchWriter``.
"""

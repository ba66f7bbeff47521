"""Imports every built-in model module so each registers itself."""

"""Registers the fuzz suite's hypothesis profiles ('ci', 'long'); see tests/fuzz/profiles.py."""

from tests.fuzz import profiles  # noqa: F401  (registration happens on import)

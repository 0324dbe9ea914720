"""Store-side errors with messages an operator can act on."""

from __future__ import annotations


class StoreError(Exception):
    """The store could not be opened, read or written. `str(err)` is the user-facing line."""

    exit_code = 4


class StoreUnavailable(StoreError):
    """A Chroma server is down or unreachable."""


class StoreBusy(StoreError):
    """Another process holds the embedded store's write lock."""


class ModelUnavailable(StoreError):
    """The embedding model could not be loaded from disk."""

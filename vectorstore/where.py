"""Chroma `where` filters built from optional parts (scope, dates, outlets), shared by store and retriever."""

from __future__ import annotations

from collections.abc import Iterable


def all_of(clauses: Iterable[dict | None]) -> dict | None:
    """One Chroma `where` requiring every given clause (None clauses are skipped; None if none is left)."""
    present = [c for c in clauses if c]
    return present[0] if len(present) == 1 else ({"$and": present} if present else None)

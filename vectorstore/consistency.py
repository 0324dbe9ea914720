"""The rule that decides which stored chunks are live: one statement of it for `check()` and exports."""

from __future__ import annotations


class LiveChunkTally:
    """Sorts stored chunks against the registry; `check()` and exports must agree on this rule.

    A chunk is live only if its document is registered with the chunk's content hash (anything
    else is an orphan left by a crash); a registered document is whole only if exactly its
    `chunk_count` live chunks were seen.
    """

    def __init__(self, registry: dict[tuple[str, str], tuple[str, int]]) -> None:
        self._registry = registry  # (scope, document_id) -> (content_hash, chunk_count)
        self._seen: dict[tuple[str, str], int] = {}

    def count_if_live(self, meta: dict) -> bool:
        """Count a chunk (by its metadata) towards its document if it is live; False for an orphan."""
        key = (meta["scope"], meta["document_id"])
        record = self._registry.get(key)
        if record is None or record[0] != meta["content_hash"]:
            return False
        self._seen[key] = self._seen.get(key, 0) + 1
        return True

    def incomplete(self) -> list[tuple[str, str]]:
        """Registered documents, in registry order, whose live chunks counted are not their chunk_count."""
        return [key for key, (_, chunk_count) in self._registry.items() if self._seen.get(key, 0) != chunk_count]

"""Correcting a stored document's citation metadata without re-embedding it.

A mixin of `ChromaStore` (vectorstore/chroma_store.py). The registry record is the truth for
what a passage cites: `ChunkSearch.get_passages` takes the citation fields from it. The copies
on each chunk exist for Chroma's where-filters (outlet, date) and the keyword index, so they are
rewritten too, in the order every write here follows: chunks first, registry last. A crash
between the two leaves the old registry record, so answers keep citing the old metadata,
consistently, and running the edit again completes it (it is idempotent).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import time

from vectorstore.errors import StoreBusy
from vectorstore.records import CITATION_FIELDS, DocumentRecord

_UPDATE_BATCH = 2000
TEST_PAUSE_ENV = "CITEBOT_TEST_PAUSE_AT"


def date_ordinal(value: str) -> int:
    """Days since year 1 for ISO dates, so date ranges can be Chroma `$gte/$lte` filters."""
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except (ValueError, TypeError):
        return 0


def clean_meta(meta: dict) -> dict:
    """Chroma metadata cannot hold None: "" instead."""
    return {k: ("" if v is None else v) for k, v in meta.items()}


def pause_for_crash_test(point: str) -> None:
    """Crash-test hook, inert unless `CITEBOT_TEST_PAUSE_AT` names this point.

    The crash tests set it on a real `python -m bot ...` subprocess, wait for the "paused at"
    line on stderr, then SIGKILL the process there: a deterministic crash between two writes.
    Points: `after_chunks` (chunks written, registry not), `after_registry` (registry written,
    the replaced version's chunks not yet deleted), `after_document` (one document complete),
    `after_chunk_metadata` (an edit's chunk metadata written, its registry record not).
    """
    if os.environ.get(TEST_PAUSE_ENV) == point:
        print(f"citebot-test: paused at {point}", file=sys.stderr, flush=True)
        time.sleep(3600)


class MetadataEdits:
    """`update_metadata` of `ChromaStore`."""

    def update_metadata(self, scope: str, document_id: str, **fields: str) -> tuple[DocumentRecord, DocumentRecord] | None:
        """Set citation fields (title, outlet, author, published_at, url) of a stored document.

        Returns (previous record, updated record), or None when the document is not stored. The
        text, its hash, the vectors and the chunk ids stay as they are: nothing is re-embedded.
        """
        unknown = sorted(set(fields) - set(CITATION_FIELDS))
        if unknown:
            raise ValueError(f"not citation fields: {', '.join(unknown)}")
        with self._writing():
            previous = self.get_document(scope, document_id)
            if previous is None:
                return None
            updated = dataclasses.replace(previous, **{k: str(v) for k, v in fields.items()})
            if updated == previous:
                return previous, updated
            changed = {f: getattr(updated, f) for f in CITATION_FIELDS if getattr(updated, f) != getattr(previous, f)}
            if "published_at" in changed:
                changed["published_ord"] = date_ordinal(updated.published_at)
            where = {"$and": [{"scope": scope}, {"document_id": document_id}, {"content_hash": previous.content_hash}]}
            rows = list(self.iter_rows(self._chunks, ["metadatas"], where=where))
            for offset in range(0, len(rows), _UPDATE_BATCH):
                batch = rows[offset:offset + _UPDATE_BATCH]
                self._call(self._chunks.update, ids=[chunk_id for chunk_id, _ in batch],
                           metadatas=[{**meta, **changed} for _, meta in batch])
            pause_for_crash_test("after_chunk_metadata")
            # On a server nothing serialises writers: if an ingest replaced this document meanwhile,
            # writing the old version's record back would point the registry at deleted chunks.
            current = self.get_document(scope, document_id)
            if current is None or current.content_hash != previous.content_hash:
                raise StoreBusy("the source was re-ingested or removed while it was being edited; run the edit again")
            self._call(
                self._documents.upsert, ids=[self.registry_id(scope, document_id)],
                embeddings=[[0.0]], metadatas=[clean_meta(updated.to_dict())],
            )
            return previous, updated

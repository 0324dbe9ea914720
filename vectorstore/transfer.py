"""Move a whole store (chunks with their vectors, registry, audit log) through a JSONL file.

This is how a store moves between embedded Chroma and a Chroma server without re-embedding:
vectors travel verbatim (float32 -> JSON double -> float32 is exact) and read back bit for bit
after the import (Chroma's cosine collections do not keep a written vector as it is:
`vectorstore.cosine_roundtrip` writes the vector that reads back as the exported one, and the
import counts any that still differ as `inexact_vectors`). Ids are kept, so an import is
idempotent and a re-import changes nothing. Import writes chunks before registry records, so
a crash mid-import leaves only orphans (invisible to searches; `citebot doctor --repair`).

File layout, one JSON object a line: a header `{"type": "header", "format": ..., "embedding_model":
...}`, then `chunk`, `document` and `audit` rows, each `{"type", "id", "metadata", ...}`; chunks
also carry `text` and `embedding`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np

from vectorstore.chroma_store import ChromaStore
from vectorstore.consistency import LiveChunkTally
from vectorstore.cosine_roundtrip import preimages
from vectorstore.errors import StoreError

FORMAT = "citebot-export/1"
_BATCH = 500


class TransferError(StoreError):
    """An export file that cannot be imported (wrong format, other model, damaged line)."""

    exit_code = 2


@dataclass
class TransferCounts:
    chunks: int = 0
    documents: int = 0
    audit: int = 0
    skipped_orphans: int = 0
    inexact_vectors: int = 0  # imported chunks whose stored vector is not the file's, bit for bit
    model: str = ""

    def to_dict(self) -> dict:
        return {"chunks": self.chunks, "documents": self.documents, "audit": self.audit,
                "skipped_orphans": self.skipped_orphans, "inexact_vectors": self.inexact_vectors,
                "embedding_model": self.model}


def export_store(store: ChromaStore, out: IO[str], *, embedding_model: str) -> TransferCounts:
    """Write every live chunk, registry record and audit entry to `out`.

    Orphaned chunks (left by a crash) are not exported. If the registry and the chunks disagree
    (someone wrote to the store meanwhile), the export fails rather than produce a torn copy.
    """
    chunks_c, documents_c, audit_c = store.collections()
    counts = TransferCounts(model=embedding_model)
    out.write(json.dumps({"type": "header", "format": FORMAT, "embedding_model": embedding_model}) + "\n")
    registry = {(m["scope"], m["document_id"]): (rid, m) for rid, m in store.iter_rows(documents_c, ["metadatas"], batch=_BATCH)}
    tally = LiveChunkTally({key: (m["content_hash"], m["chunk_count"]) for key, (_, m) in registry.items()})
    for cid, text, meta, vector in store.iter_rows(chunks_c, ["documents", "metadatas", "embeddings"], batch=_BATCH):
        if not tally.count_if_live(meta):
            counts.skipped_orphans += 1
            continue
        row = {"type": "chunk", "id": cid, "text": text, "metadata": meta, "embedding": [float(x) for x in vector]}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        counts.chunks += 1
    torn = [registry[key][1]["document_id"] for key in tally.incomplete()]
    if torn:
        raise TransferError(
            f"{len(torn)} documents changed while exporting (e.g. {torn[0]}); run the export again "
            "when no ingest is running, or run 'citebot doctor --repair' first"
        )
    for rid, meta in registry.values():
        out.write(json.dumps({"type": "document", "id": rid, "metadata": meta}, ensure_ascii=False) + "\n")
        counts.documents += 1
    for aid, meta in store.iter_rows(audit_c, ["metadatas"], batch=_BATCH):
        out.write(json.dumps({"type": "audit", "id": aid, "metadata": meta}, ensure_ascii=False) + "\n")
        counts.audit += 1
    return counts


def _parse(lines: Iterable[str], source: str) -> Iterator[dict]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or "type" not in row:
                raise ValueError("not a citebot export row")
        except ValueError as err:
            raise TransferError(f"{source}, line {number}: {err}; is this a 'citebot export' file?") from None
        yield row


def _count_inexact(store: ChromaStore, collection, ids: list[str], wanted: np.ndarray) -> int:
    """How many of `ids` read back with a vector other than `wanted`'s row (compared as float32 bits)."""
    got = store._call(collection.get, ids=ids, include=["embeddings"])
    stored = dict(zip(got["ids"], got["embeddings"]))
    return sum(
        cid not in stored or np.asarray(stored[cid], dtype=np.float32).tobytes() != row.tobytes()
        for cid, row in zip(ids, wanted)
    )


def import_store(store: ChromaStore, lines: Iterable[str], *, embedding_model: str, source: str = "import file") -> TransferCounts:
    """Load an export into `store`: chunks first, then registry records, then the audit log."""
    rows = _parse(lines, source)
    header = next(rows, None)
    if not header or header.get("type") != "header" or header.get("format") != FORMAT:
        raise TransferError(f"{source} does not start with a {FORMAT} header; is this a 'citebot export' file?")
    if header.get("embedding_model") != embedding_model:
        raise TransferError(
            f"{source} was embedded with '{header.get('embedding_model')}' but this citebot uses "
            f"'{embedding_model}'; set CITEBOT_EMBEDDING_MODEL to match, or re-ingest the sources"
        )
    chunks_c, documents_c, audit_c = store.collections()
    counts = TransferCounts(model=embedding_model)
    batches: dict[str, list[dict]] = {"chunk": [], "document": [], "audit": []}
    documents: list[dict] = []

    def flush(kind: str) -> None:
        batch = batches[kind]
        if not batch:
            return
        if kind == "chunk":
            ids = [r["id"] for r in batch]
            try:
                wanted = np.asarray([r["embedding"] for r in batch], dtype=np.float32)
            except (KeyError, TypeError, ValueError):
                wanted = None
            if wanted is None or wanted.ndim != 2:
                raise TransferError(f"{source}: a chunk row's embedding is missing or not a list of numbers "
                                    "of the same length as the others; is this a 'citebot export' file?")
            to_write, _ = preimages(wanted)
            store._call(chunks_c.upsert, ids=ids, embeddings=to_write,
                        documents=[r["text"] for r in batch], metadatas=[r["metadata"] for r in batch])
            counts.inexact_vectors += _count_inexact(store, chunks_c, ids, wanted)
        elif kind == "audit":
            store._call(audit_c.upsert, ids=[r["id"] for r in batch], embeddings=[[0.0]] * len(batch),
                        metadatas=[r["metadata"] for r in batch])
        batch.clear()

    with store._writing():
        was_empty = store.count_chunks() == 0
        for row in rows:
            kind = row["type"]
            if kind not in batches:
                raise TransferError(f"{source}: unknown row type '{kind}'")
            if kind == "document":
                documents.append(row)  # registry last: a document becomes visible only with all its chunks
                continue
            batches[kind].append(row)
            counts.chunks += kind == "chunk"
            counts.audit += kind == "audit"
            if len(batches[kind]) >= _BATCH:
                flush(kind)
        flush("chunk")
        for offset in range(0, len(documents), _BATCH):
            batch = documents[offset:offset + _BATCH]
            store._call(documents_c.upsert, ids=[r["id"] for r in batch], embeddings=[[0.0]] * len(batch),
                        metadatas=[r["metadata"] for r in batch])
        for row in [] if was_empty else documents:  # a replaced local version leaves old chunks behind: drop them
            meta = row["metadata"]
            store._delete_stale_chunks(meta["scope"], meta["document_id"], keep_hash=meta["content_hash"])
        counts.documents = len(documents)
        flush("audit")
    return counts

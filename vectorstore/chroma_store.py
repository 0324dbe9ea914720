"""Chroma-backed store: chunks with vectors, a document registry and an audit log.

All three live in Chroma collections, so several bot instances pointed at one Chroma server
see the same sources and the same audit trail; nothing is kept in a side file.

Visibility is atomic per document. A document's chunks are written first, then its registry
record (naming the content hash that is live), then the old version's chunks are deleted.
Searches keep only chunks whose hash matches the registry, so a crash at any step leaves either
the old version or the new one visible, never half of one. `check()` finds and removes the
orphans such a crash leaves behind.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vectorstore.chroma_connection import StoreConfig, connect, store_error
from vectorstore.chroma_metadata import (
    MetadataEdits,
    clean_meta,
    date_ordinal,
    pause_for_crash_test,
)
from vectorstore.chroma_search import ChunkSearch
from vectorstore.consistency import LiveChunkTally
from vectorstore.errors import StoreError
from vectorstore.locking import write_lock
from vectorstore.records import (
    CITATION_FIELDS,
    AuditEntry,
    ChunkRecord,
    DocumentRecord,
    TrustEntry,
)
from vectorstore.records import chunk_id as make_chunk_id

CHUNKS = "citebot_chunks"
DOCUMENTS = "citebot_documents"
AUDIT = "citebot_audit"
TRUST = "citebot_trust"  # moderators' source registry: domain -> trust tier, per scope
_PLACEHOLDER_VECTOR = [0.0]  # registry and audit records are looked up by id/metadata, never by vector
_ADD_BATCH = 2000
_TRANSIENT_RETRIES = 6  # 0.05 s doubling: up to ~3 s in all


@dataclass(frozen=True)
class CheckReport:
    documents: int
    chunks: int
    orphan_chunks: int
    incomplete_documents: list[str]
    repaired: bool


class ChromaStore(ChunkSearch, MetadataEdits):
    """The one place that talks to Chroma."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._cache: dict[tuple, list] = {}  # see _per_generation
        # chunk id -> vector, for nearest_among. An id names one version of one chunk, so an entry
        # never goes stale; a bot asked about the same outlets and days reads their vectors once.
        self._vectors: dict = {}
        self._cache_generation: str | None = None
        self._generation = self._read_generation()  # read before opening: a race only costs a reload
        self._open()

    def _open(self) -> None:
        self._client = connect(self.config)
        try:
            self._chunks = self._client.get_or_create_collection(
                CHUNKS, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self._documents = self._client.get_or_create_collection(DOCUMENTS, embedding_function=None)
            self._audit = self._client.get_or_create_collection(AUDIT, embedding_function=None)
            self._trust = self._client.get_or_create_collection(TRUST, embedding_function=None)
        except Exception as err:
            raise self._wrap(err) from None

    # -- embedded store shared by several processes -----------------------------------------
    # Embedded Chroma 1.5.9 reads other processes' writes in get/count (SQLite), but its vector
    # index is loaded once per process: a long-lived reader (the Discord bot) would not find
    # chunks another process (a CLI ingest) added later. Writers therefore bump a generation
    # file under the write lock, and searches reopen Chroma when it changed. A server needs none.
    def _generation_file(self) -> Path | None:
        return None if self.config.url else self.config.path / "generation"

    def _read_generation(self) -> str:
        path = self._generation_file()
        try:
            return path.read_text() if path else ""
        except OSError:
            return ""

    def _bump_generation(self) -> None:
        path = self._generation_file()
        if path is None:
            return
        token = uuid.uuid4().hex
        tmp = path.with_name(f"generation.{os.getpid()}")
        tmp.write_text(token)
        tmp.replace(path)
        self._generation = token

    def _refresh_if_stale(self) -> None:
        if self.config.url or self._read_generation() == self._generation:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        self._generation = self._read_generation()
        # Chroma caches one engine per path per process. Release ours (stopped if we were its last
        # user), then drop the cache entry (other holders keep theirs) so the new client loads
        # the vector index as it is on disk now.
        try:
            self._client.close()
        except Exception:  # an engine that will not close cleanly is still replaced below
            pass
        SharedSystemClient._identifier_to_system.pop(str(self.config.path), None)
        self._open()

    def _wrap(self, err: Exception) -> StoreError:
        if isinstance(err, StoreError):
            return err
        return store_error(self.config, err)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Serialise writers on an embedded store; a server serialises them itself."""
        if self.config.url:
            yield
            return
        with write_lock(self.config.path / "write.lock", timeout_s=self.config.lock_timeout_s):
            self._refresh_if_stale()
            self._bump_generation()  # now too: if this process dies mid-write, readers still reload
            try:
                yield
            finally:
                self._bump_generation()

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as err:
            raise self._wrap(err) from None

    def _query(self, **kwargs):
        """A vector query, retried briefly on Chroma's transient "hnsw segment reader" error.

        Chroma 1.x can fail a query with "Error creating hnsw segment reader: Nothing found on disk"
        while another client's writes are being compacted (chroma-core/chroma#4212; seen here with
        two ingest processes and a reader on one server). It clears within moments; reads are
        safe to repeat, so we retry a few times before reporting the store as failing.
        """
        delay = 0.05
        for attempt in range(_TRANSIENT_RETRIES + 1):
            try:
                return self._chunks.query(**kwargs)
            except Exception as err:
                if attempt == _TRANSIENT_RETRIES or "hnsw segment reader" not in str(err):
                    raise self._wrap(err) from None
                time.sleep(delay)
                delay *= 2

    # -- registry ---------------------------------------------------------------------------
    @staticmethod
    def registry_id(scope: str, document_id: str) -> str:
        return f"{scope}|{document_id}"

    def get_document(self, scope: str, document_id: str) -> DocumentRecord | None:
        got = self._call(self._documents.get, ids=[self.registry_id(scope, document_id)], include=["metadatas"])
        return DocumentRecord(**got["metadatas"][0]) if got["ids"] else None

    def _per_generation(self, key: tuple, load):
        """`load()`, cached until any process writes to this embedded store.

        Every question reads the registry and the trust list (keyword-index sync, outlet check,
        tier filter), which costs tens of ms on a store of a few thousand articles. Every writer,
        in any process, changes the generation file under the write lock, so a cache keyed by it
        is never stale. A server has no such signal, so it is read each time.
        """
        if self.config.url:
            return load()
        generation = self._read_generation()
        if self._cache_generation != generation:
            self._cache, self._cache_generation = {}, generation
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def list_documents(self, scope: str | None = None) -> list[DocumentRecord]:
        """The registry, newest first."""

        def load() -> list[DocumentRecord]:
            where = {"scope": scope} if scope is not None else None
            got = self._call(self._documents.get, where=where, include=["metadatas"])
            records = [DocumentRecord(**m) for m in got["metadatas"]]
            return sorted(records, key=lambda r: (r.published_at, r.title), reverse=True)

        return list(self._per_generation(("documents", scope), load))

    def find_by_hash(self, scope: str, content_hash: str) -> DocumentRecord | None:
        got = self._call(
            self._documents.get, where={"$and": [{"scope": scope}, {"content_hash": content_hash}]},
            include=["metadatas"], limit=1,
        )
        return DocumentRecord(**got["metadatas"][0]) if got["ids"] else None

    # -- writes -----------------------------------------------------------------------------
    def put_document(self, record: DocumentRecord, chunks: Sequence[ChunkRecord]) -> DocumentRecord | None:
        """Store a document version atomically (as seen by searches); return the replaced record."""
        with self._writing():
            previous = self.get_document(record.scope, record.document_id)
            base = {f: getattr(record, f) for f in CITATION_FIELDS}
            base.update(
                document_id=record.document_id, scope=record.scope, content_hash=record.content_hash,
                published_ord=date_ordinal(record.published_at),
            )
            for offset in range(0, len(chunks), _ADD_BATCH):
                batch = chunks[offset:offset + _ADD_BATCH]
                self._call(
                    self._chunks.upsert,
                    ids=[make_chunk_id(record.scope, record.document_id, record.content_hash, c.index) for c in batch],
                    embeddings=[c.embedding for c in batch],
                    documents=[c.text for c in batch],
                    metadatas=[
                        clean_meta({**base, "chunk_index": c.index, "start": c.start, "end": c.end,
                                     **({"sentences": c.sentences} if c.sentences else {}),
                                     **({"sentence_roles": c.sentence_roles} if c.sentence_roles else {}),
                                     **({"sentence_vectors": c.sentence_vectors} if c.sentence_vectors else {})})
                        for c in batch
                    ],
                )
            pause_for_crash_test("after_chunks")
            self._call(
                self._documents.upsert, ids=[self.registry_id(record.scope, record.document_id)],
                embeddings=[_PLACEHOLDER_VECTOR], metadatas=[clean_meta(record.to_dict())],
            )
            pause_for_crash_test("after_registry")
            self._delete_stale_chunks(record.scope, record.document_id, keep_hash=record.content_hash)
            pause_for_crash_test("after_document")
            return previous

    def remove_document(self, scope: str, document_id: str) -> DocumentRecord | None:
        """Unregister first (instantly invisible to searches), then delete the chunks."""
        with self._writing():
            previous = self.get_document(scope, document_id)
            if previous is None:
                return None
            self._call(self._documents.delete, ids=[self.registry_id(scope, document_id)])
            self._delete_stale_chunks(scope, document_id, keep_hash=None)
            return previous

    def _delete_stale_chunks(self, scope: str, document_id: str, *, keep_hash: str | None) -> None:
        clauses: list[dict] = [{"scope": scope}, {"document_id": document_id}]
        if keep_hash is not None:
            clauses.append({"content_hash": {"$ne": keep_hash}})
        self._call(self._chunks.delete, where={"$and": clauses})

    # -- audit ------------------------------------------------------------------------------
    def record_audit(self, entry: AuditEntry) -> None:
        entry_id = f"{entry.at}|{uuid.uuid4().hex[:8]}"
        self._call(
            self._audit.add, ids=[entry_id], embeddings=[_PLACEHOLDER_VECTOR],
            metadatas=[clean_meta(entry.to_dict())],
        )

    def audit_log(self, scope: str | None = None, limit: int = 20) -> list[AuditEntry]:
        where = {"scope": scope} if scope is not None else None
        got = self._call(self._audit.get, where=where, include=["metadatas"])
        entries = sorted((AuditEntry(**m) for m in got["metadatas"]), key=lambda e: e.at, reverse=True)
        return entries[:limit]

    # -- trust registry ---------------------------------------------------------------------
    # Kept in Chroma like the registry and audit log, so every process sharing a Chroma server
    # applies the same moderators' decisions; there is no side file to drift out of sync.
    @staticmethod
    def trust_id(scope: str, domain: str) -> str:
        return f"{scope}|{domain}"

    def set_trust(self, entry: TrustEntry) -> TrustEntry | None:
        """Record a domain's tier in its scope; return the entry it replaced, if any."""
        with self._writing():
            previous = self.get_trust(entry.scope, entry.domain)
            self._call(
                self._trust.upsert, ids=[self.trust_id(entry.scope, entry.domain)],
                embeddings=[_PLACEHOLDER_VECTOR], metadatas=[clean_meta(entry.to_dict())],
            )
            return previous

    def get_trust(self, scope: str, domain: str) -> TrustEntry | None:
        got = self._call(self._trust.get, ids=[self.trust_id(scope, domain)], include=["metadatas"])
        return TrustEntry(**got["metadatas"][0]) if got["ids"] else None

    def remove_trust(self, scope: str, domain: str) -> TrustEntry | None:
        """Forget a domain's tier (it becomes unknown again); return the removed entry."""
        with self._writing():
            previous = self.get_trust(scope, domain)
            if previous is not None:
                self._call(self._trust.delete, ids=[self.trust_id(scope, domain)])
            return previous

    def list_trust(self, scope: str) -> list[TrustEntry]:
        def load() -> list[TrustEntry]:
            got = self._call(self._trust.get, where={"scope": scope}, include=["metadatas"])
            return sorted((TrustEntry(**m) for m in got["metadatas"]), key=lambda e: e.domain)

        return list(self._per_generation(("trust", scope), load))

    # -- maintenance ------------------------------------------------------------------------
    def collections(self) -> tuple:
        """The chunk, registry and audit collections, for whole-store export/import (`transfer.py`)."""
        return self._chunks, self._documents, self._audit

    def count_chunks(self) -> int:
        return int(self._call(self._chunks.count))

    def check(self, *, repair: bool = False) -> CheckReport:
        """Compare chunks with the registry; optionally delete orphans left by a crash."""
        with self._writing():
            registry = {(r.scope, r.document_id): r for r in self.list_documents()}
            tally = LiveChunkTally({key: (r.content_hash, r.chunk_count) for key, r in registry.items()})
            orphan_ids: list[str] = []
            total = 0
            for chunk_id, _text, meta in self.iter_chunks():
                total += 1
                if not tally.count_if_live(meta):
                    orphan_ids.append(chunk_id)
            incomplete = [registry[key].document_id for key in tally.incomplete()]
            if repair:
                for offset in range(0, len(orphan_ids), _ADD_BATCH):
                    self._call(self._chunks.delete, ids=orphan_ids[offset:offset + _ADD_BATCH])
                for key in registry:
                    if registry[key].document_id in incomplete:
                        self._call(self._documents.delete, ids=[self.registry_id(*key)])
                        self._delete_stale_chunks(key[0], key[1], keep_hash=None)
            return CheckReport(len(registry), total, len(orphan_ids), incomplete, repair)

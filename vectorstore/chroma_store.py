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

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import StoreError, StoreUnavailable
from vectorstore.locking import write_lock
from vectorstore.records import CITATION_FIELDS, AuditEntry, ChunkRecord, DocumentRecord, Passage

CHUNKS = "citebot_chunks"
DOCUMENTS = "citebot_documents"
AUDIT = "citebot_audit"
_PLACEHOLDER_VECTOR = [0.0]  # registry and audit records are looked up by id/metadata, never by vector
_ADD_BATCH = 2000


@dataclass(frozen=True)
class StoreConfig:
    """Where the store lives: a local folder (embedded) or a Chroma server URL."""

    path: Path | None = None
    url: str | None = None
    headers: dict[str, str] | None = None
    lock_timeout_s: float = 60.0

    @property
    def describe(self) -> str:
        return self.url or str(self.path)


def _date_ordinal(value: str) -> int:
    """Days since year 1 for ISO dates, so date ranges can be Chroma `$gte/$lte` filters."""
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except (ValueError, TypeError):
        return 0


def _clean_meta(meta: dict) -> dict:
    return {k: ("" if v is None else v) for k, v in meta.items()}


@dataclass(frozen=True)
class CheckReport:
    documents: int
    chunks: int
    orphan_chunks: int
    incomplete_documents: list[str]
    repaired: bool


class ChromaStore:
    """The one place that talks to Chroma."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._client = self._connect(config)
        try:
            self._chunks = self._client.get_or_create_collection(
                CHUNKS, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self._documents = self._client.get_or_create_collection(DOCUMENTS, embedding_function=None)
            self._audit = self._client.get_or_create_collection(AUDIT, embedding_function=None)
        except Exception as err:
            raise self._wrap(err) from None

    # -- connection -------------------------------------------------------------------------
    @staticmethod
    def _connect(config: StoreConfig):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        try:
            if config.url:
                from urllib.parse import urlsplit

                parts = urlsplit(config.url)
                return chromadb.HttpClient(
                    host=parts.hostname or "127.0.0.1",
                    port=parts.port or (443 if parts.scheme == "https" else 8000),
                    ssl=parts.scheme == "https",
                    headers=config.headers or {},
                    settings=settings,
                )
            assert config.path is not None
            config.path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(config.path), settings=settings)
        except Exception as err:
            raise ChromaStore._wrap_for(config, err) from None

    @staticmethod
    def _wrap_for(config: StoreConfig, err: Exception) -> StoreError:
        if config.url:
            return StoreUnavailable(
                f"cannot reach the Chroma server at {config.url} ({type(err).__name__}); "
                "start it with 'chroma run' or check CITEBOT_CHROMA_URL"
            )
        return StoreError(f"cannot open the store at {config.path} ({err}); check CITEBOT_HOME")

    def _wrap(self, err: Exception) -> StoreError:
        if isinstance(err, StoreError):
            return err
        return self._wrap_for(self.config, err)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Serialise writers on an embedded store; a server serialises them itself."""
        if self.config.url:
            yield
            return
        with write_lock(self.config.path / "write.lock", timeout_s=self.config.lock_timeout_s):
            yield

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as err:
            raise self._wrap(err) from None

    # -- registry ---------------------------------------------------------------------------
    @staticmethod
    def registry_id(scope: str, document_id: str) -> str:
        return f"{scope}|{document_id}"

    def get_document(self, scope: str, document_id: str) -> DocumentRecord | None:
        got = self._call(self._documents.get, ids=[self.registry_id(scope, document_id)], include=["metadatas"])
        return DocumentRecord(**got["metadatas"][0]) if got["ids"] else None

    def list_documents(self, scope: str | None = None) -> list[DocumentRecord]:
        where = {"scope": scope} if scope is not None else None
        got = self._call(self._documents.get, where=where, include=["metadatas"])
        records = [DocumentRecord(**m) for m in got["metadatas"]]
        return sorted(records, key=lambda r: (r.published_at, r.title), reverse=True)

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
                published_ord=_date_ordinal(record.published_at),
            )
            for offset in range(0, len(chunks), _ADD_BATCH):
                batch = chunks[offset:offset + _ADD_BATCH]
                self._call(
                    self._chunks.upsert,
                    ids=[self._chunk_id(record, c.index) for c in batch],
                    embeddings=[c.embedding for c in batch],
                    documents=[c.text for c in batch],
                    metadatas=[_clean_meta({**base, "chunk_index": c.index, "start": c.start, "end": c.end}) for c in batch],
                )
            self._call(
                self._documents.upsert, ids=[self.registry_id(record.scope, record.document_id)],
                embeddings=[_PLACEHOLDER_VECTOR], metadatas=[_clean_meta(record.to_dict())],
            )
            self._delete_stale_chunks(record.scope, record.document_id, keep_hash=record.content_hash)
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

    @staticmethod
    def _chunk_id(record: DocumentRecord, index: int) -> str:
        return f"{record.scope}|{record.document_id}|{record.content_hash[:16]}|{index:05d}"

    # -- audit ------------------------------------------------------------------------------
    def record_audit(self, entry: AuditEntry) -> None:
        entry_id = f"{entry.at}|{uuid.uuid4().hex[:8]}"
        self._call(
            self._audit.add, ids=[entry_id], embeddings=[_PLACEHOLDER_VECTOR],
            metadatas=[_clean_meta(entry.to_dict())],
        )

    def audit_log(self, scope: str | None = None, limit: int = 20) -> list[AuditEntry]:
        where = {"scope": scope} if scope is not None else None
        got = self._call(self._audit.get, where=where, include=["metadatas"])
        entries = sorted((AuditEntry(**m) for m in got["metadatas"]), key=lambda e: e.at, reverse=True)
        return entries[:limit]

    # -- search -----------------------------------------------------------------------------
    def search(
        self,
        embedding: Sequence[float],
        *,
        k: int = 8,
        scope: str | None = None,
        where: dict | None = None,
    ) -> list[Passage]:
        """Nearest chunks by cosine similarity, restricted to live document versions."""
        clauses = [c for c in ([{"scope": scope}] if scope is not None else []) + ([where] if where else [])]
        filt = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        total = self._call(self._chunks.count)
        if total == 0:
            return []
        got = self._call(
            self._chunks.query, query_embeddings=[list(map(float, embedding))],
            n_results=min(total, k * 2 + 4), where=filt, include=["metadatas", "documents", "distances"],
        )
        hits = list(zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]))
        live = self._live_hashes({(m["scope"], m["document_id"]) for _, _, m, _ in hits})
        passages = [
            self._passage(chunk_id, text, meta, 1.0 - float(distance))
            for chunk_id, text, meta, distance in hits
            if live.get((meta["scope"], meta["document_id"])) == meta["content_hash"]
        ]
        return passages[:k]

    def get_passages(self, chunk_ids: Sequence[str], query_embedding: Sequence[float] | None = None) -> list[Passage]:
        """Fetch chunks by id: used when another ranker (lexical) found them.

        With `query_embedding`, each passage's score is its cosine similarity to the query (as
        `search` reports it), so scores stay comparable whichever ranker found the passage;
        without, the score is 0.
        """
        if not chunk_ids:
            return []
        include = ["metadatas", "documents"] + (["embeddings"] if query_embedding is not None else [])
        got = self._call(self._chunks.get, ids=list(chunk_ids), include=include)
        live = self._live_hashes({(m["scope"], m["document_id"]) for m in got["metadatas"]})
        if query_embedding is not None:
            q = [float(x) for x in query_embedding]
            scores = [sum(a * b for a, b in zip(q, vector)) for vector in got["embeddings"]]
        else:
            scores = [0.0] * len(got["ids"])
        by_id = {
            cid: self._passage(cid, text, meta, float(score))
            for cid, text, meta, score in zip(got["ids"], got["documents"], got["metadatas"], scores)
            if live.get((meta["scope"], meta["document_id"])) == meta["content_hash"]
        }
        return [by_id[c] for c in chunk_ids if c in by_id]

    def iter_chunks(self, scope: str | None = None, batch: int = 5000) -> Iterator[tuple[str, str, dict]]:
        """Every stored chunk (id, text, metadata), for rebuilding side indexes and exports."""
        where = {"scope": scope} if scope is not None else None
        offset = 0
        while True:
            got = self._call(self._chunks.get, where=where, include=["metadatas", "documents"], limit=batch, offset=offset)
            if not got["ids"]:
                return
            yield from zip(got["ids"], got["documents"], got["metadatas"])
            offset += len(got["ids"])

    def _live_hashes(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not keys:
            return {}
        got = self._call(self._documents.get, ids=[self.registry_id(s, d) for s, d in keys], include=["metadatas"])
        return {(m["scope"], m["document_id"]): m["content_hash"] for m in got["metadatas"]}

    @staticmethod
    def _passage(chunk_id: str, text: str, meta: dict, score: float) -> Passage:
        return Passage(
            chunk_id=chunk_id, document_id=meta["document_id"], text=text,
            start=int(meta["start"]), end=int(meta["end"]), score=score,
            **{f: str(meta.get(f, "")) for f in CITATION_FIELDS},
            extra={"scope": meta.get("scope", ""), "chunk_index": int(meta.get("chunk_index", 0))},
        )

    # -- maintenance ------------------------------------------------------------------------
    def count_chunks(self) -> int:
        return int(self._call(self._chunks.count))

    def check(self, *, repair: bool = False) -> CheckReport:
        """Compare chunks with the registry; optionally delete orphans left by a crash."""
        with self._writing():
            registry = {(r.scope, r.document_id): r for r in self.list_documents()}
            orphan_ids: list[str] = []
            seen: dict[tuple[str, str], int] = {}
            total = 0
            for chunk_id, _text, meta in self.iter_chunks():
                total += 1
                key = (meta["scope"], meta["document_id"])
                record = registry.get(key)
                if record is None or record.content_hash != meta["content_hash"]:
                    orphan_ids.append(chunk_id)
                else:
                    seen[key] = seen.get(key, 0) + 1
            incomplete = [r.document_id for key, r in registry.items() if seen.get(key, 0) != r.chunk_count]
            if repair:
                for offset in range(0, len(orphan_ids), _ADD_BATCH):
                    self._call(self._chunks.delete, ids=orphan_ids[offset:offset + _ADD_BATCH])
                for key in registry:
                    if registry[key].document_id in incomplete:
                        self._call(self._documents.delete, ids=[self.registry_id(*key)])
                        self._delete_stale_chunks(key[0], key[1], keep_hash=None)
            return CheckReport(len(registry), total, len(orphan_ids), incomplete, repair)

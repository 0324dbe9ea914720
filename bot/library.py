"""The citebot application API: ingest, ask, list, remove, audit.

The CLI and the Discord bot are thin adapters over this class; tests drive it directly.
Heavy parts (Chroma client, embedding model) are opened on first use so quick commands stay
quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from bot.answer import Answer, abstain, compose_answer, retrieval_query
from bot.errors import BadQuestion, SourceNotKnown
from bot.settings import Settings
from ingest.chunking import chunk_document, embedding_text
from ingest.document import SourceDocument, document_id_for
from ingest.errors import IngestError
from ingest.fetch import FetchPolicy
from ingest.formats import parse_bytes
from ingest.sources import ReadLimits, SourceResult, expand_targets, read_targets
from vectorstore.chroma_store import ChromaStore, StoreConfig
from vectorstore.embeddings import Embedder, SentenceTransformerEmbedder
from vectorstore.records import AuditEntry, ChunkRecord, DocumentRecord, Passage
from vectorstore.lexical import LexicalIndex
from vectorstore.query_analysis import unknown_sources
from vectorstore.retriever import Retriever

MAX_QUESTION_CHARS = 2000
_EMBED_BATCH_CHUNKS = 256


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


@dataclass
class ItemResult:
    """What happened to one article: added, updated, unchanged or failed."""

    origin: str
    status: str
    title: str = ""
    outlet: str = ""
    document_id: str = ""
    chunks: int = 0
    content_hash: str = ""
    error: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class IngestReport:
    items: list[ItemResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def failed(self) -> list[ItemResult]:
        return [i for i in self.items if i.status == "failed"]


ProgressCallback = Callable[[int], None]


class Citebot:
    """One configured citebot: a store, an embedding model and the answer engine."""

    def __init__(self, settings: Settings | None = None, *, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings()
        self._embedder = embedder

    # -- lazily opened parts ----------------------------------------------------------------
    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        headers = {"Authorization": f"Bearer {s.chroma_auth_token.get_secret_value()}"} if s.chroma_auth_token else None
        return ChromaStore(StoreConfig(path=s.store_path, url=s.chroma_url, headers=headers, lock_timeout_s=s.lock_timeout_s))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = SentenceTransformerEmbedder(self.settings.embedding_model)
        return self._embedder

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        lexical = LexicalIndex(s.home / "lexical" / "chunks.sqlite") if s.hybrid_search else None
        return Retriever(
            self.store, self.embedder, lexical=lexical, rrf_k=s.rrf_k, pool=s.retrieval_pool,
            analyze_queries=s.analyze_queries, per_article=s.max_passages_per_article,
        )

    def _scope(self, scope: str | None) -> str:
        return scope if scope is not None else self.settings.scope

    @property
    def read_limits(self) -> ReadLimits:
        s = self.settings
        max_bytes = int(s.max_file_mb * 1_000_000)
        return ReadLimits(
            max_file_bytes=max_bytes,
            fetch=FetchPolicy(max_bytes=max_bytes, timeout_s=s.fetch_timeout_s, allow_private=s.allow_private_urls),
        )

    # -- ingestion --------------------------------------------------------------------------
    def ingest(
        self,
        targets: Iterable[str],
        *,
        actor: str | None = None,
        scope: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Ingest files, folders and URLs; bad items are reported, the rest still land."""
        expanded = expand_targets(list(targets))
        return self._ingest_results(read_targets(expanded, self.read_limits), actor=actor, scope=scope, progress=progress)

    def ingest_bytes(self, data: bytes, *, name: str, actor: str | None = None, scope: str | None = None) -> IngestReport:
        """Ingest an uploaded file (a Discord attachment), with the same checks as a file on disk."""
        result = SourceResult(origin=name)
        if len(data) > self.read_limits.max_file_bytes:
            from ingest.errors import SourceTooLarge

            result.error = SourceTooLarge(f"is over the {self.settings.max_file_mb:g} MB limit", source=name)
        else:
            try:
                result.documents = parse_bytes(data, name=name, origin=name)
            except IngestError as err:
                result.error = err
        return self._ingest_results([result], actor=actor, scope=scope)

    def _ingest_results(
        self, results: Iterable[SourceResult], *, actor: str | None, scope: str | None,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        scope = self._scope(scope)
        actor = actor or self.settings.ingested_by
        report = IngestReport()
        # Documents are embedded in batches across articles (the model is fastest on full batches);
        # each waits in `pending` with the slot its result takes, so the report keeps input order.
        pending: list[tuple[int, SourceDocument, str, list]] = []
        queued: dict[str, str] = {}  # content hash -> origin, for duplicates within one run

        def flush() -> None:
            with_context = self.settings.embed_article_context
            texts = [embedding_text(d, c, with_context=with_context) for _, d, _, chunks in pending for c in chunks]
            vectors = self.embedder.embed_documents(texts) if texts else []
            offset = 0
            for slot, document, document_id, chunks in pending:
                chunk_vectors = vectors[offset:offset + len(chunks)]
                offset += len(chunks)
                report.items[slot] = self._store_document(document, document_id, chunks, chunk_vectors, actor, scope)
                if progress:
                    progress(1)
            pending.clear()

        for result in results:
            if result.error is not None:
                report.items.append(ItemResult(origin=result.origin, status="failed", error=str(result.error)))
                if progress:
                    progress(1)
                continue
            for document in result.documents:
                document_id = self._document_id(document, scope)
                existing = self.store.get_document(scope, document_id)
                if existing is not None and existing.content_hash == document.content_hash:
                    report.items.append(ItemResult(
                        origin=document.origin, status="unchanged", title=existing.title, outlet=existing.outlet,
                        document_id=document_id, chunks=existing.chunk_count, content_hash=existing.content_hash,
                    ))
                    if progress:
                        progress(1)
                    continue
                twin = self.store.find_by_hash(scope, document.content_hash) if existing is None else None
                twin_origin = (twin.origin or twin.url) if twin else queued.get(document.content_hash)
                if existing is None and twin_origin:
                    report.items.append(ItemResult(
                        origin=document.origin, status="duplicate", title=document.title, outlet=document.outlet,
                        content_hash=document.content_hash, error=f"same text as {twin_origin}",
                    ))
                    if progress:
                        progress(1)
                    continue
                queued[document.content_hash] = document.origin
                chunks = chunk_document(document, max_chars=self.settings.chunk_max_chars)
                report.items.append(ItemResult(origin=document.origin, status="pending"))
                pending.append((len(report.items) - 1, document, document_id, chunks))
                if sum(len(c) for *_, c in pending) >= _EMBED_BATCH_CHUNKS:
                    flush()
        flush()
        return report

    @staticmethod
    def _document_id(document: SourceDocument, scope: str) -> str:
        locator = document.url or document.origin or document.content_hash
        return document_id_for(f"{scope}|{locator}")

    def _store_document(self, document, document_id, chunks, vectors, actor, scope) -> ItemResult:
        record = DocumentRecord(
            document_id=document_id, scope=scope, title=document.title, content_hash=document.content_hash,
            chunk_count=len(chunks), outlet=document.outlet, author=document.author,
            published_at=document.published_at, url=document.url, origin=document.origin,
            ingested_by=actor, ingested_at=_now(),
        )
        records = [ChunkRecord(c.index, c.text, c.start, c.end, [float(x) for x in v]) for c, v in zip(chunks, vectors)]
        previous = self.store.put_document(record, records)
        status = "updated" if previous is not None else "added"
        self.store.record_audit(AuditEntry(
            at=record.ingested_at, actor=actor, action="ingest" if previous is None else "update", scope=scope,
            document_id=document_id, title=record.title, content_hash=record.content_hash,
            previous_hash=previous.content_hash if previous else "", detail=document.origin,
        ))
        return ItemResult(
            origin=document.origin, status=status, title=record.title, outlet=record.outlet,
            document_id=document_id, chunks=len(chunks), content_hash=record.content_hash,
        )

    # -- questions --------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        history: list[str] | None = None,
        k: int | None = None,
        scope: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Answer:
        """Answer from the sources, or abstain; `history` holds earlier questions of a conversation."""
        question = " ".join((question or "").split())
        if not question:
            raise BadQuestion("the question is empty; ask something about the ingested sources")
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
        query = retrieval_query(question, history or [])
        passages = self.retrieve(query, k=k or self.settings.top_k, scope=scope, since=since, until=until)
        return self.answer_from(question, passages, query=query, scope=scope)

    def answer_from(self, question: str, passages: list[Passage], *, query: str | None = None, scope: str | None = None) -> Answer:
        """The answer engine over already retrieved passages (`ask` = `retrieve` + this)."""
        if self.settings.abstain_on_unknown_outlet and self._names_unknown_outlet(question, scope):
            return abstain(question, passages)
        return compose_answer(question, query or question, passages, self.embedder, self.settings)

    def _names_unknown_outlet(self, question: str, scope: str | None) -> bool:
        """Does the question ask what a named outlet said ("a Reuters report") when we hold nothing from it?"""
        outlets = sorted({r.outlet for r in self.sources(scope) if r.outlet})
        return bool(unknown_sources(question, outlets))

    def retrieve(
        self, query: str, *, k: int | None = None, scope: str | None = None,
        since: dt.date | None = None, until: dt.date | None = None,
    ) -> list[Passage]:
        """The passages `ask` answers from, best first (also what `citebot eval` scores)."""
        where = _date_filter(since, until)
        return self.retriever.search(query, k=k or self.settings.top_k, scope=self._scope(scope), where=where)

    # -- registry ---------------------------------------------------------------------------
    def sources(self, scope: str | None = None) -> list[DocumentRecord]:
        return self.store.list_documents(self._scope(scope))

    def find_sources(self, needle: str, scope: str | None = None) -> list[DocumentRecord]:
        """Match a document id, URL, origin path, or (case-insensitive) title fragment."""
        needle = needle.strip()
        records = self.sources(scope)
        exact = [r for r in records if needle in (r.document_id, r.url, r.origin)]
        if exact:
            return exact
        lowered = needle.lower()
        return [r for r in records if lowered and lowered in r.title.lower()]

    def remove(self, needle: str, *, actor: str | None = None, scope: str | None = None) -> DocumentRecord:
        scope = self._scope(scope)
        matches = self.find_sources(needle, scope)
        if not matches:
            raise SourceNotKnown(f"no ingested source matches '{needle}'; see 'citebot sources'")
        if len(matches) > 1:
            names = "; ".join(f"{m.document_id} ({m.title[:40]})" for m in matches[:5])
            raise SourceNotKnown(f"'{needle}' matches {len(matches)} sources; use a document id: {names}")
        record = matches[0]
        self.store.remove_document(scope, record.document_id)
        self.store.record_audit(AuditEntry(
            at=_now(), actor=actor or self.settings.ingested_by, action="remove", scope=scope,
            document_id=record.document_id, title=record.title, content_hash=record.content_hash,
        ))
        return record

    def audit(self, scope: str | None = None, limit: int = 20) -> list[AuditEntry]:
        return self.store.audit_log(self._scope(scope), limit)


def _date_filter(since: dt.date | None, until: dt.date | None) -> dict | None:
    clauses = []
    if since:
        clauses.append({"published_ord": {"$gte": since.toordinal()}})
    if until:
        clauses.append({"published_ord": {"$lte": until.toordinal()}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}

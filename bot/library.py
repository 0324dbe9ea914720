"""The citebot application API: ingest, ask, list, remove, audit.

The CLI and the Discord bot are thin adapters over this class; tests drive it directly.
Heavy parts (Chroma client, embedding model) are opened on first use so quick commands stay
quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from bot.answer import Answer, abstain, compose_answer, retrieval_query
from bot.errors import BadQuestion, BotError, SourceNotKnown
from bot.provenance import apply_trust, full_speaker_names, note_freshness
from bot.render import terminal_safe
from bot.rerank import rerank
from bot.settings import Settings
from bot.trust import TIERS, UNKNOWN, Registry, UntrustedSource, normalise_domain
from ingest.addresses import parse_networks
from ingest.chunking import chunk_document, chunk_sentences, embedding_text
from ingest.document import SourceDocument, document_id_for
from ingest.errors import IngestError
from ingest.text import encode_spans
from vectorstore.chroma_connection import StoreConfig
from vectorstore.chroma_store import ChromaStore  # no chromadb import until a store is opened
from vectorstore.embeddings import Embedder, OnnxEmbedder, SentenceTransformerEmbedder
from vectorstore.errors import StoreError
from vectorstore.lexical import LexicalIndex, retire_fts5_index
from vectorstore.query_analysis import date_range_filter, unknown_sources
from vectorstore.records import AuditEntry, ChunkRecord, DocumentRecord, Passage, TrustEntry
from vectorstore.sentence_vectors import embed_with_sentences
from vectorstore.sentence_vectors import encode as encode_sentence_vectors

if TYPE_CHECKING:  # imported where used: the parsers pull in httpx, yaml, pypdf, trafilatura; `ask` needs none
    from ingest.sources import ReadLimits, SourceResult
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
    warnings: list[str] = field(default_factory=list)  # nothing lost, but the user should know (one line each)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def failed(self) -> list[ItemResult]:
        return [i for i in self.items if i.status == "failed"]


ProgressCallback = Callable[[int], None]


class Citebot:
    """One configured citebot: a store, an embedding model and the answer engine."""

    def __init__(
        self, settings: Settings | None = None, *, embedder: Embedder | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._embedder = embedder
        # "Now" for freshness notes; injectable so tests can pin the date an answer is given.
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    # -- lazily opened parts ----------------------------------------------------------------
    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        headers = {"Authorization": f"Bearer {s.chroma_auth_token.get_secret_value()}"} if s.chroma_auth_token else None
        return ChromaStore(StoreConfig(
            path=s.store_path, url=s.chroma_url, headers=headers, lock_timeout_s=s.lock_timeout_s,
            database=s.chroma_database,
        ))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            if s.embedding_backend == "onnx":
                self._embedder = OnnxEmbedder(s.embedding_model, cache_dir=s.model_cache_path, threads=s.onnx_threads)
            else:
                self._embedder = SentenceTransformerEmbedder(s.embedding_model)
        return self._embedder

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        lexical = None
        if s.hybrid_search:
            retire_fts5_index(s.home / "lexical")
            lexical = LexicalIndex(s.home / "lexical" / "keywords.sqlite")
        return Retriever(
            self.store, self.embedder, lexical=lexical, rrf_k=s.rrf_k, pool=s.retrieval_pool,
            analyze_queries=s.analyze_queries, per_article=s.max_passages_per_article, article_discount=s.article_discount,
            keyword_weight=s.keyword_weight,
        )

    def _scope(self, scope: str | None) -> str:
        return scope if scope is not None else self.settings.scope

    @property
    def read_limits(self) -> ReadLimits:
        from ingest.fetch import FetchPolicy
        from ingest.sources import ReadLimits

        s = self.settings
        max_bytes = int(s.max_file_mb * 1_000_000)
        return ReadLimits(
            max_file_bytes=max_bytes,
            max_document_chars=s.max_document_chars,
            max_html_bytes=int(s.max_html_mb * 1_000_000),
            fetch=FetchPolicy(
                max_bytes=max_bytes, timeout_s=s.fetch_timeout_s, allow_private=s.allow_private_urls,
                total_timeout_s=s.fetch_total_timeout_s, max_redirects=s.fetch_max_redirects,
                trusted_networks=parse_networks(s.fetch_trusted_networks),
            ),
            follow_feed_links=s.follow_feed_links,
        )

    # -- ingestion --------------------------------------------------------------------------
    def ingest(
        self,
        targets: Iterable[str],
        *,
        actor: str | None = None,
        scope: str | None = None,
        progress: ProgressCallback | None = None,
        allow_unknown: bool = False,
    ) -> IngestReport:
        """Ingest files, folders and URLs; bad items are reported, the rest still land.

        The source registry is consulted before a URL is fetched (a blocked outlet is never
        contacted) and again on each parsed article (redirects, front-matter URLs of files).
        """
        from ingest.sources import expand_targets

        expanded = expand_targets(list(targets))
        registry = self.registry(scope)
        results = self._screened(expanded, registry, allow_unknown)
        return self._ingest_results(results, actor=actor, scope=scope, progress=progress, allow_unknown=allow_unknown, registry=registry)

    def _screened(self, targets: list[str], registry: Registry, allow_unknown: bool) -> Iterable[SourceResult]:
        from ingest.sources import SourceResult, is_url, read_targets

        limits = self.read_limits
        for target in targets:
            why = registry.refusal(target, policy=self.settings.unknown_domains, allow_unknown=allow_unknown) if is_url(target) else ""
            if why:
                yield SourceResult(origin=target, error=UntrustedSource(why, source=target))
            else:
                yield from read_targets([target], limits)

    def ingest_bytes(
        self, data: bytes, *, name: str, actor: str | None = None, scope: str | None = None, allow_unknown: bool = False,
    ) -> IngestReport:
        """Ingest an uploaded file (a Discord attachment), with the same checks as a file on disk."""
        from ingest.sources import SourceResult, read_bytes

        result = SourceResult(origin=name)
        try:
            result.documents = read_bytes(data, name=name, origin=name, limits=self.read_limits)
        except IngestError as err:
            result.error = err
        return self._ingest_results([result], actor=actor, scope=scope, allow_unknown=allow_unknown)

    def _ingest_results(
        self, results: Iterable[SourceResult], *, actor: str | None, scope: str | None,
        progress: ProgressCallback | None = None, allow_unknown: bool = False, registry: Registry | None = None,
    ) -> IngestReport:
        scope = self._scope(scope)
        registry = registry or self.registry(scope)
        actor = actor or self.settings.ingested_by
        report = IngestReport()
        # Documents are embedded in batches across articles (the model is fastest on full batches);
        # each waits in `pending` with the slot its result takes, so the report keeps input order.
        # A batch is embedded on a worker thread (the model releases the GIL) while this thread
        # stores the previous batch and parses and chunks the next articles: the pipeline then
        # costs little more than the model itself.
        pending: list[tuple[int, SourceDocument, str, list, list]] = []  # slot, document, id, chunks, their sentence spans
        queued: dict[str, str] = {}  # content hash -> origin, for duplicates within one run
        in_flight: list[tuple[list, Future | None]] = []
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citebot-embed")

        def store(batch: list, future: Future | None) -> None:
            vectors, sentence_vectors = future.result() if future is not None else ([], [])
            offset = 0
            for slot, document, document_id, chunks, spans in batch:
                n = len(chunks)
                embedded = (vectors[offset:offset + n], sentence_vectors[offset:offset + n])
                offset += n
                report.items[slot] = self._store_document(document, document_id, chunks, spans, embedded, actor, scope)
                if progress:
                    progress(1)

        def finish(item: ItemResult) -> None:
            """Report an item that needs no embedding (failed, unchanged, duplicate)."""
            report.items.append(item)
            if progress:
                progress(1)

        def flush() -> None:
            batch = list(pending)
            pending.clear()
            with_context = self.settings.embed_article_context
            texts, text_spans = [], []
            for _, d, _, chunks, spans in batch:
                for c, chunk_spans in zip(chunks, spans):
                    text = embedding_text(d, c, with_context=with_context)
                    shift = len(text) - len(c.text)  # a context header goes before the chunk's own text
                    texts.append(text)
                    text_spans.append([(s + shift, e + shift) for s, e in chunk_spans])
            future = pool.submit(
                embed_with_sentences, self.embedder, texts, text_spans, with_sentences=self.settings.store_sentence_vectors,
            ) if texts else None
            while in_flight:
                store(*in_flight.pop())
            in_flight.append((batch, future))

        for result in results:
            if result.error is not None:
                finish(ItemResult(origin=result.origin, status="failed", error=str(result.error)))
                continue
            for document in result.documents:
                why = registry.refusal(document.url, policy=self.settings.unknown_domains, allow_unknown=allow_unknown)
                if why:
                    error = UntrustedSource(why, source=document.origin or document.url)
                    finish(ItemResult(origin=document.origin, status="failed", title=document.title, error=str(error)))
                    continue
                document_id = self._document_id(document, scope)
                existing = self.store.get_document(scope, document_id)
                if existing is not None and existing.content_hash == document.content_hash:
                    finish(ItemResult(
                        origin=document.origin, status="unchanged", title=existing.title, outlet=existing.outlet,
                        document_id=document_id, chunks=existing.chunk_count, content_hash=existing.content_hash,
                    ))
                    continue
                twin = self.store.find_by_hash(scope, document.content_hash) if existing is None else None
                twin_origin = (twin.origin or twin.url) if twin else queued.get(document.content_hash)
                if existing is None and twin_origin:
                    finish(ItemResult(
                        origin=document.origin, status="duplicate", title=document.title, outlet=document.outlet,
                        content_hash=document.content_hash, error=f"same text as {twin_origin}",
                    ))
                    continue
                queued[document.content_hash] = document.origin
                chunks = chunk_document(document, max_chars=self.settings.chunk_max_chars)
                report.items.append(ItemResult(origin=document.origin, status="pending"))
                pending.append((len(report.items) - 1, document, document_id, chunks, [chunk_sentences(c) for c in chunks]))
                if sum(len(chunks) for _, _, _, chunks, _ in pending) >= _EMBED_BATCH_CHUNKS:
                    flush()
        try:
            flush()
            while in_flight:
                store(*in_flight.pop())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if report.count("added") or report.count("updated"):
            self._index_keywords(report)
        return report

    def _index_keywords(self, report: IngestReport) -> None:
        """Bring the keyword index up to date now, while the moderator who ingested is waiting
        anyway: left to the first question, a large ingest made that asker wait (~14 s after
        100k chunks). If it fails, nothing is lost: the articles are stored and the next
        question retries the update."""
        if not self.settings.hybrid_search:
            return
        try:
            self.retriever.lexical.sync(self.store)
        except StoreError as err:
            report.warnings.append(f"keyword index not updated yet ({err}); the next question retries it")

    @staticmethod
    def _document_id(document: SourceDocument, scope: str) -> str:
        locator = document.url or document.origin or document.content_hash
        return document_id_for(f"{scope}|{locator}")

    def _store_document(self, document, document_id, chunks, spans, embedded, actor, scope) -> ItemResult:
        """Store one embedded document; `embedded` = (chunk vectors, each chunk's sentence vectors)."""
        record = DocumentRecord(
            document_id=document_id, scope=scope, title=document.title, content_hash=document.content_hash,
            chunk_count=len(chunks), outlet=document.outlet, author=document.author,
            published_at=document.published_at, url=document.url, origin=document.origin,
            ingested_by=actor, ingested_at=_now(),
        )
        vectors, sentence_vectors = embedded
        records = [
            ChunkRecord(
                c.index, c.text, c.start, c.end, [float(x) for x in v], sentences=encode_spans(chunk_spans),
                sentence_vectors=encode_sentence_vectors(pooled),
            )
            for c, v, chunk_spans, pooled in zip(chunks, vectors, spans, sentence_vectors)
        ]
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
        question, query, passages = self._retrieve(question, history, k, scope, since, until)
        return self.answer_from(question, passages, query=query, scope=scope)

    def _retrieve(self, question, history, k, scope, since, until) -> tuple[str, str, list]:
        """The cleaned question, the search query and the passages found for it."""
        question = " ".join(terminal_safe(question or "").split())  # escapes/controls are never part of a question
        if not question:
            raise BadQuestion("the question is empty; ask something about the ingested sources")
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
        query = retrieval_query(question, history or [])
        return question, query, self.retrieve(query, k=k, scope=scope, since=since, until=until)

    def retrieve(
        self, query: str, *, k: int | None = None, scope: str | None = None,
        since: dt.date | None = None, until: dt.date | None = None,
    ) -> list[Passage]:
        """The passages `ask` answers from, best first (also what `citebot eval` scores).

        Articles from a domain blocked after they were ingested are dropped here, so no answer mode
        can quote them.
        """
        where = date_range_filter(since, until)
        k = k or self.settings.top_k
        # a fixed window, so `ask` (top_k) and `eval` (10) see the same order of the same passages
        window = max(k, self.settings.rerank_window) if self.settings.rerank_weight > 0 else k
        found = self.retriever.search(query, k=window, scope=self._scope(scope), where=where)
        passages = rerank(query, found, self.settings.rerank_weight)[:k]
        registry = self.registry(scope)
        return [p for p in passages if registry.tier_for_url(p.url) != "blocked"]

    def search(self, query: str, *, k: int = 8, scope: str | None = None) -> list[Passage]:
        """`retrieve` in a `Retriever`'s shape, so `CitebotRetriever(retriever=bot)` gives LangChain what `ask` reads."""
        return self.retrieve(query, k=k, scope=scope)

    def answer_from(self, question: str, passages: list[Passage], *, query: str | None = None, scope: str | None = None) -> Answer:
        """The extractive answer over retrieved passages, ordered by trust tier, with full speaker
        names and a freshness note (`ask` = `retrieve` + this)."""
        if self.settings.abstain_on_unknown_outlet and self._names_unknown_outlet(question, scope):
            return abstain(question, passages)
        answer = compose_answer(question, query or question, passages, self.embedder, self.settings)
        answer = apply_trust(full_speaker_names(answer, passages), self.registry(scope))
        return note_freshness(answer, self._clock(), self.settings.stale_after_days)

    def _names_unknown_outlet(self, question: str, scope: str | None) -> bool:
        """Does the question ask what a named outlet said ("a Reuters report") when we hold nothing from it?"""
        outlets = sorted({r.outlet for r in self.sources(scope) if r.outlet})
        return bool(unknown_sources(question, outlets))

    # -- optional synthesis mode (bot/llm/) --------------------------------------------------
    @property
    def llm_enabled(self) -> bool:
        from bot.llm.model import llm_configured

        return llm_configured(self.settings)

    async def ask_stream(self, question: str, *, history: list[str] | None = None, k: int | None = None,
                         scope: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                         stream: bool = True, http_client=None):
        """Synthesis answer as an async stream: `SentenceEvent`s (checked sentences), then one `DoneEvent`.

        Retrieval runs in a worker thread so an event loop (Discord) stays responsive.
        `http_client` (an `httpx.AsyncClient`) is for callers that run one event loop per question.
        """
        import asyncio

        from bot.llm.model import build_chat_model
        from bot.llm.synthesis import stream_synthesis

        model = build_chat_model(self.settings, http_async_client=http_client)
        question, query, passages = await asyncio.to_thread(self._retrieve, question, history, k, scope, since, until)
        extractive = await asyncio.to_thread(lambda: self.answer_from(question, passages, query=query, scope=scope))
        async for event in stream_synthesis(model, question, passages, extractive, self.settings, stream=stream, history=history):
            yield event

    def ask_llm(self, question: str, *, on_sentence: Callable[[str], None] | None = None, **options):
        """Synchronous synthesis answer (CLI): returns the `Synthesis`; `on_sentence` sees each checked sentence."""
        from bot.llm.synthesis import run_sync

        return run_sync(self.ask_stream, question, on_sentence=on_sentence, **options)

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

    def remove(
        self, needle: str, *, actor: str | None = None, scope: str | None = None, listing: str = "'citebot sources'"
    ) -> DocumentRecord:
        """Remove the one source `needle` names; `listing` is how this user lists sources (the CLI
        command, Discord's /sources), named when nothing matches."""
        scope = self._scope(scope)
        matches = self.find_sources(needle, scope)
        if not matches:
            raise SourceNotKnown(f"no ingested source matches '{needle}'; see {listing}")
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

    # -- source registry (trust tiers, bot/trust.py) ---------------------------------------------
    def registry(self, scope: str | None = None) -> Registry:
        return Registry.of(self.store.list_trust(self._scope(scope)))

    def trust_entries(self, scope: str | None = None) -> list[TrustEntry]:
        return self.store.list_trust(self._scope(scope))

    def set_trust(
        self, domain: str, tier: str, *, outlet: str = "", actor: str | None = None, scope: str | None = None,
    ) -> tuple[TrustEntry | None, TrustEntry | None]:
        """Set (or with tier 'unknown', forget) a domain's tier; logged in the audit trail.

        Returns (previous entry, new entry). A change applies at once: blocking a domain hides
        its already-ingested articles from answers, and later ingests follow the new tier.
        """
        scope, actor = self._scope(scope), actor or self.settings.ingested_by
        domain = normalise_domain(domain)
        if tier not in TIERS + (UNKNOWN,):
            raise BotError(f"'{tier}' is not a trust tier; use one of {', '.join(TIERS)} (or {UNKNOWN} to forget the domain)")
        at = _now()  # real time, like every audit entry (the injectable clock is for freshness notes)
        if tier == UNKNOWN:
            previous, entry = self.store.remove_trust(scope, domain), None
        else:
            entry = TrustEntry(scope=scope, domain=domain, tier=tier, outlet=outlet, set_by=actor, set_at=at)
            previous = self.store.set_trust(entry)
        self.store.record_audit(AuditEntry(
            at=at, actor=actor, action="trust", scope=scope, document_id=f"domain:{domain}", title=domain,
            detail=f"{previous.tier if previous else UNKNOWN} -> {tier}" + (f" ({outlet})" if outlet else ""),
        ))
        return previous, entry

    def source_tiers(self, records: Iterable[DocumentRecord], scope: str | None = None) -> dict[str, str]:
        """Each listed article's current tier (looked up live, so a moderator's change shows at once)."""
        registry = self.registry(scope)
        return {r.document_id: registry.tier_for_url(r.url) for r in records}

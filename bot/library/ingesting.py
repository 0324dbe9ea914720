"""Ingesting: read files, folders, URLs and uploads, screen them against the trusted domains,
chunk, embed and store them, and report what happened to each article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.trust import Registry, UntrustedSource
from bot.library.parts import OnParts, Parts
from bot.library.sources import Sources, now_iso
from ingest.chunking import chunk_document, chunk_sentences, embedding_text
from ingest.document import SourceDocument, document_id_for
from ingest.errors import IngestError
from ingest.structure import encode_roles
from ingest.text import encode_spans
from vectorstore.errors import StoreError
from vectorstore.records import AuditEntry, ChunkRecord, DocumentRecord
from vectorstore.sentence_vectors import embed_with_sentences
from vectorstore.sentence_vectors import encode_pairs as encode_sentence_vectors

if TYPE_CHECKING:  # imported where used: the parsers pull in httpx, yaml, pypdf, trafilatura; `ask` needs none
    from ingest.sources import SourceResult

_EMBED_BATCH_CHUNKS = 256


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


ProgressCallback = Callable[[int], None]  # told of each finished article: progress(1)


@dataclass
class IngestProgress:
    """Running totals of one ingest, for a progress bar (`on_progress` gets this after each change).

    A feed or a .jsonl file holds many articles, so the total is only known as inputs are read;
    `articles_expected` counts the articles found so far plus one for each input not read yet."""

    inputs: int = 0  # files, feeds and URLs to read (folders expanded)
    inputs_read: int = 0
    articles_found: int = 0  # articles parsed (and items that failed before yielding one)
    articles_done: int = 0  # reported: added, updated, unchanged, duplicate or failed
    chunks_stored: int = 0  # chunks embedded and written so far

    @property
    def articles_expected(self) -> int:
        return self.articles_found + (self.inputs - self.inputs_read)


ProgressListener = Callable[[IngestProgress], None]


class Ingestor(OnParts):
    """Puts articles into the store of `parts`, consulting the trust tiers of `sources`."""

    def __init__(self, parts: Parts, sources: Sources) -> None:
        super().__init__(parts)
        self._sources = sources

    def registry(self, scope: str | None) -> Registry:
        return self._sources.registry(scope)

    def ingest(
        self,
        targets: Iterable[str],
        *,
        actor: str | None = None,
        scope: str | None = None,
        progress: ProgressCallback | None = None,
        allow_unknown: bool = False,
        on_progress: ProgressListener | None = None,
    ) -> IngestReport:
        """Ingest files, folders and URLs; bad items are reported, the rest still land.

        `progress(1)` is called for each finished article; `on_progress(totals)` with the running
        `IngestProgress` whenever an input has been read or an article finished.

        The source registry is consulted before a URL is fetched (a blocked outlet is never
        contacted) and again on each parsed article (redirects, front-matter URLs of files).
        """
        from ingest.sources import expand_targets

        expanded = expand_targets(list(targets))
        registry = self.registry(scope)
        tally = _Tally(IngestProgress(inputs=len(expanded)), progress, on_progress)
        results = self._screened(expanded, registry, allow_unknown, tally)
        return self._ingest_results(results, actor=actor, scope=scope, tally=tally, allow_unknown=allow_unknown, registry=registry)

    def _screened(self, targets: list[str], registry: Registry, allow_unknown: bool, tally: _Tally) -> Iterable[SourceResult]:
        """Each input's results, read whole before they are handed on, so a feed's entries are
        counted at once (the progress total); the previous input is embedded meanwhile."""
        from ingest.sources import SourceResult, is_url, read_targets

        limits = self.read_limits
        for target in targets:
            why = registry.refusal(target, policy=self.settings.unknown_domains, allow_unknown=allow_unknown) if is_url(target) else ""
            if why:
                results = [SourceResult(origin=target, error=UntrustedSource(why, source=target))]
            else:
                results = list(read_targets([target], limits))
            tally.read(sum(1 if r.error is not None else len(r.documents) for r in results))
            yield from results

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

    def ingest_read(
        self, results: Iterable[SourceResult], *, actor: str | None = None, scope: str | None = None,
    ) -> IngestReport:
        """Store articles already read elsewhere (a watched feed's new entries: bot/library/feeds.py),
        through the same trust screen, dedup, chunking, embedding and audit as `ingest`."""
        return self._ingest_results(results, actor=actor, scope=scope)

    def _ingest_results(
        self, results: Iterable[SourceResult], *, actor: str | None, scope: str | None,
        tally: _Tally | None = None, allow_unknown: bool = False, registry: Registry | None = None,
    ) -> IngestReport:
        tally = tally or _Tally(IngestProgress())
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
                report.items[slot] = self.store_document(document, document_id, chunks, spans, embedded, actor, scope)
                tally.done(n)

        def finish(item: ItemResult) -> None:
            """Report an item that needs no embedding (failed, unchanged, duplicate)."""
            report.items.append(item)
            tally.done(0)

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
                document_id = self.document_id(document, scope)
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
    def document_id(document: SourceDocument, scope: str) -> str:
        locator = document.url or document.origin or document.content_hash
        return document_id_for(f"{scope}|{locator}")

    def store_document(self, document, document_id, chunks, spans, embedded, actor, scope) -> ItemResult:
        """Store one embedded document; `embedded` = (chunk vectors, each chunk's sentence vectors)."""
        record = DocumentRecord(
            document_id=document_id, scope=scope, title=document.title, content_hash=document.content_hash,
            chunk_count=len(chunks), outlet=document.outlet, author=document.author,
            published_at=document.published_at, url=document.url, origin=document.origin,
            ingested_by=actor, ingested_at=now_iso(),
        )
        vectors, sentence_vectors = embedded
        records = [
            ChunkRecord(
                c.index, c.text, c.start, c.end, [float(x) for x in v], sentences=encode_spans(chunk_spans),
                sentence_roles=encode_roles(c.sentence_roles) if len(c.sentence_roles) == len(chunk_spans) else "",
                sentence_vectors=encode_sentence_vectors(*pair),
            )
            for c, v, chunk_spans, pair in zip(chunks, vectors, spans, sentence_vectors)
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


class _Tally:
    """Keeps an ingest's `IngestProgress` and tells both kinds of listener about each change."""

    def __init__(self, totals: IngestProgress, progress: ProgressCallback | None = None,
                 on_progress: ProgressListener | None = None) -> None:
        self.totals, self._progress, self._on_progress = totals, progress, on_progress

    def read(self, articles: int) -> None:
        self.totals.inputs_read += 1
        self.totals.articles_found += articles
        if self._on_progress:
            self._on_progress(self.totals)

    def done(self, chunks: int) -> None:
        self.totals.articles_done += 1
        self.totals.chunks_stored += chunks
        if self._progress:
            self._progress(1)
        if self._on_progress:
            self._on_progress(self.totals)

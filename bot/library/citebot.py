"""`Citebot`: one configured citebot, the API that the CLI, the Discord bot and the daemon call.

It owns nothing but its parts: `Parts` (store, model, retriever, opened on first use),
`Sources` (stored articles, trust tiers, audit log), `Ingestor` and `Asker`. Each method here
hands the call to the one that does the job, so the API stays one object for its callers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from bot.engine.answer import Answer
from bot.library.asking import Asker
from bot.library.feedback import Feedback, VoteResult
from bot.library.gaps import GapReport, Gaps
from bot.library.ingesting import Ingestor, IngestReport, ProgressCallback, ProgressListener
from bot.library.parts import Parts
from bot.library.records_view import Edit, SourceView
from bot.library.sources import Sources
from bot.settings import Settings
from vectorstore.embeddings import Embedder
from vectorstore.feedback_store import QuestionRecord
from vectorstore.records import AuditEntry, DocumentRecord, Passage, TrustEntry


class Citebot:
    """One configured citebot: a store, an embedding model and the answer engine."""

    def __init__(
        self, settings: Settings | None = None, *, embedder: Embedder | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.parts = Parts(settings or Settings(), embedder)
        self.source_registry = Sources(self.parts)
        self.ingestor = Ingestor(self.parts, self.source_registry)
        clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.asker = Asker(self.parts, self.source_registry, clock)
        self.feedback = Feedback(self.parts, clock)
        self.gap_finder = Gaps(self.feedback, self.source_registry.sources, self.ask)

    # -- the opened parts ---------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.parts.settings

    @settings.setter
    def settings(self, value: Settings) -> None:  # e.g. `citebot discord --no-sync`, before anything is opened
        self.parts.settings = value

    @property
    def store(self):
        return self.parts.store

    @property
    def embedder(self) -> Embedder:
        return self.parts.embedder

    @property
    def retriever(self):
        return self.parts.retriever

    @property
    def read_limits(self):
        return self.parts.read_limits

    # -- ingesting (bot/library/ingesting.py) -----------------------------------------------------
    def ingest(self, targets: Iterable[str], *, actor: str | None = None, scope: str | None = None,
               progress: ProgressCallback | None = None, allow_unknown: bool = False,
               on_progress: ProgressListener | None = None) -> IngestReport:
        """Ingest files, folders and URLs; bad items are reported, the rest still land. `progress(1)`
        per finished article; `on_progress(IngestProgress)` with running totals (for a progress bar)."""
        return self.ingestor.ingest(targets, actor=actor, scope=scope, progress=progress, allow_unknown=allow_unknown,
                                    on_progress=on_progress)

    def ingest_bytes(self, data: bytes, *, name: str, actor: str | None = None, scope: str | None = None,
                     allow_unknown: bool = False) -> IngestReport:
        """Ingest an uploaded file (a Discord attachment), with the same checks as a file on disk."""
        return self.ingestor.ingest_bytes(data, name=name, actor=actor, scope=scope, allow_unknown=allow_unknown)

    # -- asking (bot/library/asking.py) -----------------------------------------------------------
    def ask(self, question: str, *, history: list[str] | None = None, k: int | None = None, scope: str | None = None,
            since: dt.date | None = None, until: dt.date | None = None) -> Answer:
        """Answer from the sources, or abstain; `history` holds earlier questions of a conversation."""
        return self.asker.ask(question, history=history, k=k, scope=scope, since=since, until=until)

    def prepare_question(self, question, history, k, scope, since, until) -> tuple[str, str, list[Passage]]:
        """The cleaned question, the search query and the passages found for it."""
        return self.asker.prepare(question, history, k, scope, since, until)

    def retrieve(self, query: str, *, k: int | None = None, scope: str | None = None,
                 since: dt.date | None = None, until: dt.date | None = None) -> list[Passage]:
        """The passages `ask` answers from, best first (also what `citebot eval` scores)."""
        return self.asker.retrieve(query, k=k, scope=scope, since=since, until=until)

    def search(self, query: str, *, k: int = 8, scope: str | None = None) -> list[Passage]:
        """`retrieve` in a `Retriever`'s shape, so `CitebotRetriever(retriever=bot)` gives LangChain what `ask` reads."""
        return self.asker.search(query, k=k, scope=scope)

    def answer_from(self, question: str, passages: list[Passage], *, query: str | None = None,
                    scope: str | None = None) -> Answer:
        """The extractive answer over retrieved passages (`ask` = `retrieve` + this)."""
        return self.asker.answer_from(question, passages, query=query, scope=scope)

    @property
    def llm_enabled(self) -> bool:
        return self.asker.llm_enabled

    def ask_stream(self, question: str, **options):
        """Synthesis answer as an async stream of `SentenceEvent`s, then one `DoneEvent` (bot/llm/)."""
        return self.asker.ask_stream(question, **options)

    def ask_llm(self, question: str, *, on_sentence: Callable[[str], None] | None = None, **options):
        """Synchronous synthesis answer (CLI): returns the `Synthesis`."""
        return self.asker.ask_llm(question, on_sentence=on_sentence, **options)

    # -- feedback and coverage gaps (bot/library/feedback.py, gaps.py) ------------------------------
    def record(self, result, *, scope: str | None = None, via: str = "") -> QuestionRecord | None:
        """Put an answer (or a synthesis result) a person was shown on record; its `answer_id` is what
        votes name. None if `record_questions` is off or the store failed. `ask` itself never records."""
        return self.feedback.record(result, scope=scope, via=via)

    def vote(self, answer_id: str, verdict: str, *, member: str, note: str = "", via: str = "",
             scope: str | None = None) -> VoteResult:
        """`member` ("discord:<id>", "cli:<user>", stored only as a keyed hash) rates an answer
        'helpful' or 'wrong'; a second vote replaces the first. `scope`: only an answer given there."""
        return self.feedback.vote(answer_id, verdict, member=member, note=note, via=via, scope=scope)

    def gaps(self, *, since: dt.date | None = None, scope: str | None = None, limit: int = 50,
             recheck: bool = True) -> GapReport:
        """Abstained or voted-wrong questions grouped by meaning, newest first; with `recheck`, groups the
        current sources now answer are listed apart."""
        scope = scope if scope is not None else self.settings.scope
        return self.gap_finder.report(scope=scope, since=since, limit=limit, recheck=recheck)

    def purge_questions(self, *, scope: str | None = None) -> int:
        """Forget every stored question and vote (of `scope` only, if given); returns how many questions."""
        return self.feedback.purge_all(scope)

    # -- the source registry (bot/library/sources.py) ---------------------------------------------
    def sources(self, scope: str | None = None) -> list[DocumentRecord]:
        return self.source_registry.sources(scope)

    def find_sources(self, needle: str, scope: str | None = None) -> list[DocumentRecord]:
        """Match a document id, URL, origin path, or (case-insensitive) title fragment."""
        return self.source_registry.find_sources(needle, scope)

    def remove(self, needle: str, *, actor: str | None = None, scope: str | None = None,
               listing: str = "'citebot sources'") -> DocumentRecord:
        """Remove the one source `needle` names."""
        return self.source_registry.remove(needle, actor=actor, scope=scope, listing=listing)

    def show(self, needle: str, *, scope: str | None = None, listing: str = "'citebot sources'") -> SourceView:
        """The stored article `needle` names: metadata, tier, cleaned text, sentences with roles."""
        return self.source_registry.show(needle, scope=scope, listing=listing)

    def edit(self, needle: str, *, actor: str | None = None, scope: str | None = None,
             listing: str = "'citebot sources'", **fields: str | None) -> Edit:
        """Correct title/outlet/author/published/url of the source `needle` names; no re-embedding, audited."""
        return self.source_registry.edit(needle, actor=actor, scope=scope, listing=listing, **fields)

    def audit(self, scope: str | None = None, limit: int = 20) -> list[AuditEntry]:
        return self.source_registry.audit(scope, limit)

    def registry(self, scope: str | None = None):
        return self.source_registry.registry(scope)

    def trust_entries(self, scope: str | None = None) -> list[TrustEntry]:
        return self.source_registry.trust_entries(scope)

    def set_trust(self, domain: str, tier: str, *, outlet: str = "", actor: str | None = None,
                  scope: str | None = None) -> tuple[TrustEntry | None, TrustEntry | None]:
        """Set (or with tier 'unknown', forget) a domain's tier; logged in the audit trail."""
        return self.source_registry.set_trust(domain, tier, outlet=outlet, actor=actor, scope=scope)

    def source_tiers(self, records: Iterable[DocumentRecord], scope: str | None = None) -> dict[str, str]:
        """Each listed article's current tier (looked up live, so a moderator's change shows at once)."""
        return self.source_registry.source_tiers(records, scope)

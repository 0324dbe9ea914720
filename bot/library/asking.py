"""Asking: the path of a question, downhill through the pipeline.

analyse (vectorstore/query_analysis.py) -> retrieve (vectorstore/retriever.py, its own plan in query_plan.py) -> rerank
(bot/engine/rerank.py) -> select quotes (bot/engine/select.py) -> attribute (bot/engine/attribution.py)
-> trust tiers, speakers, freshness (bot/engine/provenance.py). Rendering is the adapters' (bot/engine/render.py,
bot/discord/format.py). Each stage is called from here, in this order; none calls back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.engine.answer import Answer, abstain
from bot.engine.provenance import apply_trust, full_speaker_names, note_freshness
from bot.engine.rerank import rerank
from bot.engine.safe_text import terminal_safe
from bot.engine.select import compose_answer
from bot.errors import BadQuestion
from bot.library.parts import OnParts, Parts
from bot.library.sources import Sources
from vectorstore.query_analysis import (
    answer_kind,
    date_range_filter,
    named_dates,
    named_outlets,
    retrieval_query,
    unknown_sources,
)
from vectorstore.records import Passage

MAX_QUESTION_CHARS = 2000


def clean_question(question: str | None) -> tuple[str, bool]:
    """The question as the library reads it (escapes and controls dropped, whitespace collapsed, at
    most MAX_QUESTION_CHARS), and whether it had to be cut, so adapters can tell the asker."""
    question = " ".join(terminal_safe(question or "").split())  # escapes/controls are never part of a question
    if len(question) <= MAX_QUESTION_CHARS:
        return question, False
    return question[:MAX_QUESTION_CHARS].rstrip(), True


class Asker(OnParts):
    """Answers questions from the store of `parts`, with the trust tiers of `sources`."""

    def __init__(self, parts: Parts, sources: Sources, clock: Callable[[], dt.datetime]) -> None:
        super().__init__(parts)
        self._sources = sources
        # "Now" for freshness notes; injectable so tests can pin the date an answer is given.
        self._clock = clock

    def registry(self, scope: str | None):
        return self._sources.registry(scope)

    def sources(self, scope: str | None):
        return self._sources.sources(scope)

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
        truncated = clean_question(question)[1]
        question, query, passages = self.prepare(question, history, k, scope, since, until)
        answer = self.answer_from(question, passages, query=query, scope=scope)
        answer.question_truncated = truncated
        return answer

    def prepare(self, question, history, k, scope, since, until) -> tuple[str, str, list]:
        """The cleaned question, the search query and the passages found for it."""
        question, _ = clean_question(question)
        if not question:
            raise BadQuestion("the question is empty; ask something about the ingested sources")
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
        if not passages and not self.sources(scope):
            return self._empty_store(question, scope)
        if self.settings.abstain_on_unknown_outlet and self._names_unknown_outlet(question, scope):
            return abstain(question, passages)
        query = query or question
        quoted_outlets = named_outlets(query, sorted({p.outlet for p in passages if p.outlet}))
        answer = compose_answer(
            question, query, passages, self.embedder, self.settings, outlets=quoted_outlets, answer_kind=answer_kind(question),
            judge=self.judge, dates=named_dates(query),
        )
        answer = apply_trust(full_speaker_names(answer, passages), self.registry(scope))
        return note_freshness(answer, self._clock(), self.settings.stale_after_days)

    def _empty_store(self, question: str, scope: str | None) -> Answer:
        """The abstention of a scope holding no sources at all, saying where it looked, so the user
        learns to ingest (or to point CITEBOT_HOME at the store they meant), not that the sources are silent."""
        answer = abstain(question, [])
        answer.empty_store, answer.scope = True, self._scope(scope)
        answer.store = f"the Chroma server {self.settings.chroma_url}" if self.settings.chroma_url else str(self.settings.home)
        return answer

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
        truncated = clean_question(question)[1]
        question, query, passages = await asyncio.to_thread(self.prepare, question, history, k, scope, since, until)
        extractive = await asyncio.to_thread(lambda: self.answer_from(question, passages, query=query, scope=scope))
        extractive.question_truncated = truncated
        async for event in stream_synthesis(model, question, passages, extractive, self.settings, stream=stream, history=history):
            yield event

    def ask_llm(self, question: str, *, on_sentence: Callable[[str], None] | None = None, **options):
        """Synchronous synthesis answer (CLI): returns the `Synthesis`; `on_sentence` sees each checked sentence."""
        from bot.llm.synthesis import run_sync

        return run_sync(self.ask_stream, question, on_sentence=on_sentence, **options)


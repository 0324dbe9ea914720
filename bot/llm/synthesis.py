"""The synthesis pipeline: model text -> sentences -> checks -> events, with the extractive fallback.

Streaming and validation are reconciled per sentence: text is buffered until a sentence is
complete, the sentence is checked (`bot.llm.validate`), and only a sentence that passes is
emitted as a `SentenceEvent`; one that fails is dropped and counted. Nothing is ever retracted:
the final `Synthesis` keeps exactly the sentences that were streamed. When no sentence passes,
the call fails, or the output is malformed, the result is the extractive answer with a note;
when the model says the passages don't answer, the result abstains with `CANNOT_ANSWER`.

The whole model call has one deadline (`llm_timeout_s`, retries included): a slow or silent
server ends in the fallback, never a hang. Cancellation (Ctrl-C, a Discord task cancelled) is
passed through untouched.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.engine.answer import Answer, SourceRef
from bot.llm.model import describe_failure
from bot.llm.prompt import build_messages
from bot.llm.validate import (
    MARKER,
    SentenceAssembler,
    check_sentence,
    cited_numbers,
    is_abstention,
)
from vectorstore.records import Passage

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("citebot.llm")

_MARKER_RUN = re.compile(r"(?:\[\d+\])+")
LLM_INTRO = "A language model wrote this from the sources below; each sentence was checked against the passages it cites."


@dataclass(frozen=True)
class SentenceEvent:
    """One checked sentence, ready to show; its [n] markers number the final Sources list."""

    text: str


@dataclass
class Synthesis:
    """The outcome of one synthesis-mode question.

    `status` is "answered" (checked model sentences), "abstained" (CANNOT_ANSWER) or
    "fallback" (the extractive answer is shown, `note` says why).
    """

    question: str
    status: str
    extractive: Answer
    sentences: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    note: str = ""
    dropped: list[str] = field(default_factory=list)  # reasons only: unchecked model text is never shown

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    def to_dict(self) -> dict:
        base = self.extractive.to_dict() if self.status != "answered" else {
            "question": self.question, "abstained": False, "conflict": False, "citations": [],
            "sources": [asdict(s) for s in self.sources], "top_score": round(self.extractive.top_score, 4),
        }
        base.update(
            mode="llm", status=self.status, note=self.note, dropped=list(self.dropped),
            sentences=[{"text": s, "sources": cited_numbers(s)} for s in self.sentences],
        )
        return base


@dataclass(frozen=True)
class DoneEvent:
    """The last event of a stream: the complete, checked result."""

    result: Synthesis


SynthesisEvent = SentenceEvent | DoneEvent


class _Numbering:
    """Passage numbers (what the model cites) -> source numbers (one per article, in citation order)."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.by_document: dict[str, int] = {}
        self.sources: list[SourceRef] = []

    def number(self, passage_n: int) -> int:
        p = self.passages[passage_n - 1]
        if p.document_id not in self.by_document:
            self.by_document[p.document_id] = len(self.sources) + 1
            self.sources.append(SourceRef(len(self.sources) + 1, p.document_id, p.title, p.outlet, p.author, p.published_at, p.url))
        return self.by_document[p.document_id]

    def renumber(self, sentence: str) -> str:
        """Rewrite every marker run to source numbers, e.g. "[1][4]" -> "[1]" when both are one article."""
        def one(match) -> str:
            numbers: list[int] = []
            for n in cited_numbers(match.group(0)):
                s = self.number(n)
                if s not in numbers:
                    numbers.append(s)
            return "".join(f"[{s}]" for s in numbers)

        text = MARKER.sub(one, sentence)
        # adjacent markers of one article ("[1][4]" -> "[1][1]") collapse to one
        return _MARKER_RUN.sub(lambda m: "".join(f"[{n}]" for n in dict.fromkeys(re.findall(r"\d+", m.group(0)))), text)


class _Checker:
    """Collects the verdicts on the sentences of one model answer."""

    def __init__(self, passages: list[Passage], settings: Settings) -> None:
        self.passages = passages
        self.min_support = settings.llm_min_support
        self.numbering = _Numbering(passages)
        self.kept: list[str] = []
        self.dropped: list[str] = []
        self.said_cannot_answer = False

    def take(self, sentence: str) -> SentenceEvent | None:
        if is_abstention(sentence):
            self.said_cannot_answer = True
            return None
        check = check_sentence(sentence, self.passages, min_support=self.min_support)
        if not check.ok:
            self.dropped.append(check.reason)
            log.info("dropped a model sentence: %s", check.reason)
            return None
        text = self.numbering.renumber(sentence)
        self.kept.append(text)
        return SentenceEvent(text)

    def result(self, question: str, extractive: Answer, failure: str) -> Synthesis:
        if self.kept:
            note = ""
            if failure:
                note = f"The model's answer was cut short ({failure}); only its checked sentences are shown."
            elif self.dropped:
                n = len(self.dropped)
                note = f"{n} sentence{'s' if n > 1 else ''} the cited passages do not support {'were' if n > 1 else 'was'} left out."
            return Synthesis(question, "answered", extractive, list(self.kept), list(self.numbering.sources), note, list(self.dropped))
        if self.said_cannot_answer and not failure:
            return abstention(question, extractive, dropped=self.dropped)
        if failure:
            reason = failure
        elif self.dropped:
            reason = f"none of its sentences passed the citation checks ({'; '.join(sorted(set(self.dropped)))})"
        else:
            reason = "the model returned no usable text"
        return Synthesis(question, "fallback", extractive, note=f"Showing the quoted answer instead: {reason}.", dropped=list(self.dropped))


def abstention(question: str, extractive: Answer, *, dropped: list[str] | None = None) -> Synthesis:
    """CANNOT_ANSWER, keeping the extractive answer's closest sources (or its sources) to look at."""
    closest = extractive.closest or [replace(s, n=i) for i, s in enumerate(extractive.sources[:3], 1)]
    answer = replace(extractive, abstained=True, citations=[], sources=[], conflict=False, closest=closest)
    return Synthesis(question, "abstained", answer, dropped=list(dropped or []))


def _text(content: Any) -> str:
    """A message's text; some servers send content as a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content if isinstance(p, str | dict))
    raise ValueError("message content is neither text nor a list of parts")


async def stream_synthesis(
    model: Any,
    question: str,
    passages: list[Passage],
    extractive: Answer,
    settings: Settings,
    *,
    stream: bool = True,
    history: list[str] | None = None,
) -> AsyncIterator[SynthesisEvent]:
    """Ask `model` (a LangChain chat model) to answer from `passages`; yield checked sentences, then `DoneEvent`.

    `extractive` is the answer shown when the model's cannot be used. If retrieval found
    nothing relevant enough (the extractive answer abstains for lack of passages), the model is
    not called at all.
    """
    if not passages or passages[0].score < settings.min_passage_score:
        yield DoneEvent(abstention(question, extractive))
        return
    secret = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    messages = build_messages(question, passages, max_sentences=settings.max_quotes, earlier=history)
    checker = _Checker(passages, settings)
    assembler = SentenceAssembler()
    failure = ""
    ready: list[str] = []  # sentences complete but not yet checked (the non-streaming path)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.llm_timeout_s
    try:
        if stream:
            chunks = model.astream(messages).__aiter__()
            try:
                while True:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        raise TimeoutError
                    try:
                        chunk = await asyncio.wait_for(chunks.__anext__(), remaining)
                    except StopAsyncIteration:
                        break
                    for sentence in assembler.feed(_text(chunk.content)):
                        event = checker.take(sentence)
                        if event:
                            yield event
            finally:
                closer = getattr(chunks, "aclose", None)
                if closer is not None:
                    try:
                        await closer()
                    except Exception:  # closing a failed stream must not hide the real failure
                        log.debug("closing the model stream failed", exc_info=False)
        else:
            message = await asyncio.wait_for(model.ainvoke(messages), settings.llm_timeout_s)
            ready = assembler.feed(_text(message.content))
    except asyncio.CancelledError:
        raise
    except Exception as err:  # any model/server failure ends in the fallback, never a crash
        failure = describe_failure(err, secret)
        log.warning("language model call failed: %s", failure)
    else:
        for sentence in ready + assembler.finish():
            event = checker.take(sentence)
            if event:
                yield event
    yield DoneEvent(checker.result(question, extractive, failure))


def run_sync(stream_factory: Any, question: str, *, on_sentence: Any = None, **options: Any) -> Synthesis:
    """Drive an `ask_stream`-like async generator from synchronous code (the CLI).

    Each call gets its own event loop and its own HTTP client, closed afterwards: a pooled
    connection must not outlive the loop it was opened on. Without `on_sentence` the model is
    called without streaming.
    """
    async def main() -> Synthesis:
        from openai import DefaultAsyncHttpxClient

        result: Synthesis | None = None
        async with DefaultAsyncHttpxClient() as http:
            events = stream_factory(question, http_client=http, stream=on_sentence is not None, **options)
            async for event in events:
                if isinstance(event, SentenceEvent):
                    if on_sentence is not None:
                        on_sentence(event.text)
                else:
                    result = event.result
        assert result is not None, "a synthesis stream always ends with DoneEvent"
        return result

    return asyncio.run(main())

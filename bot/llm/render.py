"""Plain-text rendering of synthesis results, whole or as the tail after streamed sentences."""

from __future__ import annotations

import time

from bot.engine.render import render_answer, source_line
from bot.llm.synthesis import LLM_INTRO, DoneEvent, SentenceEvent, Synthesis


def render_synthesis(result: Synthesis) -> str:
    """The complete text: intro, checked sentences, note, Sources; or the abstention/fallback."""
    if result.status != "answered":
        return render_tail(result, streamed=False)
    return f"{LLM_INTRO}\n\n{result.text}{render_tail(result, streamed=True)}"


def render_tail(result: Synthesis, *, streamed: bool) -> str:
    """What to print after the streamed sentences (or everything, if none were streamed)."""
    if result.status == "answered":
        lines = [""]
        if result.note:
            lines += ["", f"Note: {result.note}"]
        lines += ["", "Sources"] + [source_line(r) for r in result.sources]
        return "\n".join(lines)
    text = render_answer(result.extractive)
    if result.note:
        text = f"Note: {result.note}\n\n{text}"
    return ("\n\n" + text) if streamed else text


async def rendered_updates(events, *, min_interval_s: float = 1.5, clock=None):
    """Turn a synthesis event stream into message texts for a chat adapter that edits one reply.

    Yields `(text, final)`: the text so far (intro + checked sentences + " …") at most once
    per `min_interval_s`, then always exactly one final, complete text (`render_synthesis`).
    Discord allows only a few edits per message per few seconds, so the adapter edits its
    deferred reply with each yielded text and nothing else. `clock` is for tests.
    """
    now = clock or time.monotonic
    sentences: list[str] = []
    last = None
    async for event in events:
        if isinstance(event, SentenceEvent):
            sentences.append(event.text)
            t = now()
            if last is None or t - last >= min_interval_s:
                last = t
                yield f"{LLM_INTRO}\n\n{' '.join(sentences)} …", False
        elif isinstance(event, DoneEvent):
            yield render_synthesis(event.result), True

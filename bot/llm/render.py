"""Plain-text rendering of synthesis results, whole or as the tail after streamed sentences."""

from __future__ import annotations

from bot.llm.synthesis import LLM_INTRO, Synthesis
from bot.render import render_answer, source_line


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

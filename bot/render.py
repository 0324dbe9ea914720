"""Plain-text rendering of answers and sources for terminals (and as Discord's base text)."""

from __future__ import annotations

from bot.answer import Answer, Citation, SourceRef


def _date(value: str) -> str:
    return value[:10] if value else "undated"


def source_line(ref: SourceRef) -> str:
    parts = [ref.outlet or "Unknown outlet", f"\u201c{ref.title}\u201d", _date(ref.published_at)]
    if ref.url:
        parts.append(ref.url)
    return f"[{ref.n}] " + " · ".join(parts)


def citation_label(kind: str, speaker: str, outlet: str) -> str:
    """'Claim by Putin', 'Disputed', 'Reported by Clearview Factcheck': whose words these are."""
    if kind == "claim" and speaker:
        return f"Claim by {speaker}"
    if kind == "dispute":
        return "Disputed"
    return f"Reported by {outlet or 'the source'}"


def citation_line(citation: Citation) -> str:
    label = citation_label(citation.kind, citation.speaker, citation.outlet)
    return f"• {label}: \u201c{citation.quote}\u201d [{citation.n}]"


def render_answer(answer: Answer) -> str:
    if answer.abstained:
        if not answer.closest:
            return f"{answer.headline} No sources have been ingested that relate to this."
        return "\n".join([f"{answer.headline} Closest sources:"] + [source_line(r) for r in answer.closest])
    lines = [answer.headline, ""]
    lines += [citation_line(c) for c in answer.citations]
    lines += ["", "Sources"] + [source_line(r) for r in answer.sources]
    return "\n".join(lines)

"""Plain-text rendering of answers and sources for terminals (and as Discord's base text)."""

from __future__ import annotations

from bot.answer import Answer, Citation, SourceRef
from bot.provenance import freshness_line, source_ref_tier


def _date(value: str) -> str:
    return value[:10] if value else "undated"


def source_line(ref: SourceRef) -> str:
    parts = [ref.outlet or "Unknown outlet", f"\u201c{ref.title}\u201d", _date(ref.published_at)]
    if ref.url:
        parts.append(ref.url)
    tier = source_ref_tier(ref)
    if tier:
        parts.append(tier)
    return f"[{ref.n}] " + " · ".join(parts)


def _reported(outlet: str, published_at: str) -> str:
    when = f"on {published_at[:10]}" if published_at else "(undated)"
    return f"{outlet or 'the source'} {when}"


def citation_label(kind: str, speaker: str, outlet: str, published_at: str = "") -> str:
    """Whose words these are and who carried them, e.g. 'Claim by Vladimir Putin, reported by
    Harbor Wire on 2024-03-23'. Only names and dates from the source's record are used, so the
    label cannot add a fact the quote does not contain."""
    reported = _reported(outlet, published_at)
    if kind == "claim" and speaker:
        return f"Claim by {speaker}, reported by {reported}"
    if kind == "dispute":
        return f"Dispute by {speaker}, reported by {reported}" if speaker else f"Dispute, reported by {reported}"
    return f"Reported by {reported}"


def citation_line(citation: Citation) -> str:
    label = citation_label(citation.kind, citation.speaker, citation.outlet, citation.published_at)
    return f"• {label}: \u201c{citation.quote}\u201d [{citation.n}]"


def render_answer(answer: Answer) -> str:
    if answer.abstained:
        if not answer.closest:
            return f"{answer.headline} No sources have been ingested that relate to this."
        return "\n".join([f"{answer.headline} Closest sources:"] + [source_line(r) for r in answer.closest])
    lines = [answer.headline, ""]
    lines += [citation_line(c) for c in answer.citations]
    stale = freshness_line(answer)
    if stale:
        lines += ["", stale]
    lines += ["", "Sources"] + [source_line(r) for r in answer.sources]
    return "\n".join(lines)

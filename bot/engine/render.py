"""Plain-text rendering of answers and sources for terminals (and as Discord's base text).

Everything shown here comes from ingested sources or from the person asking, so it is data, not
markup: `terminal_safe` removes what a terminal would *act on* — ANSI/VT escape sequences (colours,
cursor moves, OSC 8 hyperlinks, window-title changes), other C0/C1 control characters and Unicode
bidirectional overrides that can make text read differently from what it is. Links are shown only
when they are the source's own http(s) URL; anything else (``javascript:``, ``file:``) is dropped
with a note. Discord-specific neutralisation (mentions, markdown) lives in the Discord adapter.
"""

from __future__ import annotations

from bot.engine.answer import Answer, Citation, SourceRef
from bot.engine.safe_text import LINK_REMOVED, safe_link, terminal_safe
from bot.engine.trust import UNKNOWN

__all__ = ["LINK_REMOVED", "citation_label", "citation_line", "render_answer", "safe_link", "source_line", "terminal_safe"]

def _date(value: str) -> str:
    return terminal_safe(value[:10]) if value else "undated"


def source_line(ref: SourceRef) -> str:
    parts = [terminal_safe(ref.outlet) or "Unknown outlet", f"\u201c{terminal_safe(ref.title)}\u201d", _date(ref.published_at)]
    if ref.url:
        parts.append(safe_link(ref.url) or LINK_REMOVED)
    tier = source_ref_tier(ref)
    if tier:
        parts.append(tier)
    return f"[{ref.n}] " + " · ".join(parts)


def _reported(outlet: str, published_at: str) -> str:
    """' by Harbor Wire on 2024-03-23', ' by Harbor Wire', ' on 2024-03-23' or '': only what is known."""
    outlet, date = terminal_safe(outlet or "").strip(), terminal_safe((published_at or "")[:10]).strip()
    return (f" by {outlet}" if outlet else "") + (f" on {date}" if date else "")


def citation_label(kind: str, speaker: str, outlet: str, published_at: str = "") -> str:
    """Whose words these are and who carried them, e.g. 'Claim by Vladimir Putin, reported by
    Harbor Wire on 2024-03-23'. Only names and dates from the source's record are used, so the
    label cannot add a fact the quote does not contain; what the record lacks is left out rather
    than filled in ('Claim by Putin', 'Reported'), since "the source (undated)" tells a reader nothing."""
    reported = _reported(outlet, published_at)
    speaker = terminal_safe(speaker or "").strip()
    if kind == "claim" and speaker:
        return f"Claim by {speaker}" + (f", reported{reported}" if reported else "")
    if kind == "dispute":
        head = f"Dispute by {speaker}" if speaker else "Dispute"
        return head + (f", reported{reported}" if reported else "")
    return f"Reported{reported}"


def citation_line(citation: Citation) -> str:
    label = citation_label(citation.kind, citation.speaker, citation.outlet, citation.published_at)
    return f"• {label}: \u201c{terminal_safe(citation.quote)}\u201d [{citation.n}]"


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


def freshness_line(answer: Answer) -> str:
    """The sentence shown under a stale answer ("" when it is not stale)."""
    if not answer.stale_days:
        return ""
    return (
        f"As of {answer.as_of}, the newest source cited here was published on {answer.newest_source} "
        f"({answer.stale_days} days earlier); later developments may not be covered."
    )


def source_ref_tier(ref: SourceRef) -> str:
    """The tier as shown next to a source ("" when unknown, to keep unrated stores' output plain)."""
    return ref.tier if ref.tier and ref.tier != UNKNOWN else ""

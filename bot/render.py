"""Plain-text rendering of answers and sources for terminals (and as Discord's base text).

Everything shown here comes from ingested sources or from the person asking, so it is data, not
markup: `terminal_safe` removes what a terminal would *act on* — ANSI/VT escape sequences (colours,
cursor moves, OSC 8 hyperlinks, window-title changes), other C0/C1 control characters and Unicode
bidirectional overrides that can make text read differently from what it is. Links are shown only
when they are the source's own http(s) URL; anything else (``javascript:``, ``file:``) is dropped
with a note. Discord-specific neutralisation (mentions, markdown) lives in the Discord adapter.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.answer import Answer, Citation, SourceRef
from bot.provenance import freshness_line, source_ref_tier

# Escape sequences: OSC (ESC ] ... BEL/ST), DCS/SOS/PM/APC strings, CSI (ESC [ ...), their 8-bit
# forms (0x9b CSI, 0x9d OSC, 0x90/0x98/0x9e/0x9f strings), and any other two-byte ESC sequence.
_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|[\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)
# Remaining controls (all C0 but newline, DEL, C1), bidi embedding/override/isolate marks and
# zero-width spaces/BOM (joiners U+200C/U+200D stay: scripts and emoji need them).
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile("[\n\u2028\u2029\u0085]+")
LINK_REMOVED = "(link removed: not an http(s) address)"


def terminal_safe(text: str, *, single_line: bool = True) -> str:
    """`text` without anything a terminal would interpret; line breaks become spaces if `single_line`."""
    text = _ESCAPES.sub("", text or "")
    text = _INVISIBLE.sub(lambda m: " " if m.group() == "\t" else "", text)
    if single_line:
        text = _LINE_BREAKS.sub(" ", text)
    return text


def safe_link(url: str) -> str | None:
    """The URL if it is a plain http(s) link with a host, else None (never shown as a link)."""
    url = (url or "").strip()
    if not url or any(ch.isspace() for ch in url) or terminal_safe(url) != url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


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
    when = f"on {_date(published_at)}" if published_at else "(undated)"
    return f"{terminal_safe(outlet) or 'the source'} {when}"


def citation_label(kind: str, speaker: str, outlet: str, published_at: str = "") -> str:
    """Whose words these are and who carried them, e.g. 'Claim by Vladimir Putin, reported by
    Harbor Wire on 2024-03-23'. Only names and dates from the source's record are used, so the
    label cannot add a fact the quote does not contain."""
    reported = _reported(outlet, published_at)
    if kind == "claim" and speaker:
        return f"Claim by {terminal_safe(speaker)}, reported by {reported}"
    if kind == "dispute":
        return f"Dispute by {terminal_safe(speaker)}, reported by {reported}" if speaker else f"Dispute, reported by {reported}"
    return f"Reported by {reported}"


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

"""Text from sources and askers is data, never terminal control: what a terminal would act on is removed.

Used on the way in (a question is cleaned before it is searched for) and on the way out (every
rendered answer, source line and error message), so it sits below both.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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

"""Small wording helpers for command output: counts that agree with their nouns, titles cut at a word.

Kept apart so every command prints "1 chunk" and "Moscow's search for a…" the same way.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`1 chunk`, `2 chunks`, `0 sources`."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def shorten(text: str, width: int) -> str:
    """`text` on one line in at most `width` characters, cut after a whole word with an ellipsis
    (a single word longer than the width is cut inside it: better than showing nothing)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS

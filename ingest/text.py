"""Text cleaning and sentence splitting with exact character offsets.

Offsets are the contract: every sentence span `(start, end)` satisfies
`text[start:end] == sentence`, so a quote shown to a user is always the stored text, verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ingest import chrome, lines

# C0 and C1 controls (C1 are never text, e.g. 0x9b is an 8-bit terminal escape), zero-width space, BOM.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A word broken across lines by a hyphen: a letter then "-" ends the line (not "word -", a dash).
# The hyphen stays ("well-known" may be meant; "infra-structure" still reads as one word).
_HYPHEN_WRAP = re.compile(r"[^\W\d_]-$")


def clean_text(raw: str) -> str:
    """Normalise unicode and whitespace so the same article always hashes the same.

    Paragraph breaks are kept (as one blank line) because sentences never cross them. A single line
    break is kept when it ends something (see `_hard_break`): a caption, a bullet, a byline, a
    credit, a finished sentence. Otherwise it is layout (a PDF or e-mail wrapping a sentence) and
    becomes a space. So in the cleaned text every remaining newline is a boundary.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    if not _wrapped(text):  # a browser's paste: each line is a paragraph, a menu item or a label
        return text.strip()
    paragraphs = [_join_lines([line for line in p.split("\n") if line], first=i == 0)
                  for i, p in enumerate(p for p in text.split("\n\n") if p.strip())]
    return "\n\n".join(p for p in paragraphs if p).strip()


def _wrapped(text: str) -> bool:
    """Whether some line of `text` breaks a sentence: it ends unfinished and the next line carries
    on in lower case ("the\ncouncil"), as a PDF's text layer or an e-mail wraps prose. A page
    copied from a browser never does (each paragraph is one line); its short unfinished lines
    (menus, headlines, bylines, captions) are then each a line of their own, whatever follows."""
    rows = text.split("\n")
    return any(
        a and b and b[0].islower() and not lines.TERMINAL_END.search(a) and not lines.BULLET.match(b)
        for a, b in zip(rows, rows[1:])
    )


def _join_lines(rows: list[str], *, first: bool) -> str:
    """One paragraph's lines, each wrap joined with a space and each boundary kept as a newline."""
    if len(rows) < 2:
        return "".join(rows)
    joined = [rows[0]]
    # the headline is the paragraph's first line that is not page furniture ("This article is
    # more than 1 month old", "Skip to content", a menu's "Home" above it): while every line
    # above the last one kept is furniture, the last one may be it
    furniture_above = first
    for line in rows[1:]:
        if _hard_break(joined[-1], line, headline=furniture_above):
            furniture_above = furniture_above and (lines.is_structural(joined[-1]) or chrome.is_navigation(joined[-1], at_top=True))
            joined.append(line)
        elif _HYPHEN_WRAP.search(joined[-1]) and line[0].islower():
            joined[-1] += line  # "infra-\nstructure" (a justified page's hyphen): one word again
        else:
            joined[-1] += " " + line
    return "\n".join(joined)


def _hard_break(previous: str, line: str, *, headline: bool) -> bool:
    """Whether the break between `previous` (the line so far) and the next raw `line` is kept.

    The rules look only at the whole of `previous`, at how `line` starts, and at whole-line tests
    applied to both sides alike (a structural line is broken off on both sides, so it is never
    merged): that keeps `clean_text` idempotent, as content hashes need.
    """
    if lines.BULLET.match(line) or lines.starts_with_dateline(line) or lines.is_structural(line):
        return True
    if lines.is_structural(previous) or lines.credit_tail(previous) >= 0:
        return True
    if line[0].islower():  # a sentence carrying on: "the\ncouncil", "U.S.\nofficials"
        return False
    if lines.TERMINAL_END.search(previous) or lines.BULLET.match(previous):
        return True
    return headline and len(previous) <= 200  # a first short line without final punctuation: a headline


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences and return their `(start, end)` offsets, whitespace trimmed.

    Every line break is a boundary (`clean_text` keeps only the ones that end something); within a
    line pysbd decides. Offsets are found by walking the original text, so they are exact even when
    a sentence repeats.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.extend(split_span(text, line_start, line_start + len(line)))
        line_start += len(line) + 1
    return spans


def split_span(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """pysbd's sentences of `text[start:end]` (one line or part of one), as offsets into `text`."""
    piece = text[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in _segmenter().segment(piece):
        sentence = sentence.strip()
        if not sentence:
            continue
        found = piece.find(sentence, cursor)
        if found < 0:  # pysbd altered the text; fall back to the rest of the piece
            rest = piece[cursor:]
            found, sentence = cursor + len(rest) - len(rest.lstrip()), rest.strip()
        if sentence:
            spans.append((start + found, start + found + len(sentence)))
        cursor = found + len(sentence)
    return spans


@lru_cache(maxsize=8192)
def cached_sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """`sentence_spans`, cached for answering from chunks stored without their spans (ingested
    before spans were stored): the answer engine then splits every retrieved passage on every
    question, pysbd is the slowest step of answer composition, and popular passages come back
    again and again. Ingest does not use it: its texts are new each time and would only fill it.
    """
    return tuple(sentence_spans(text))


def encode_spans(spans: list[tuple[int, int]]) -> str:
    """Sentence spans as a compact string ("0-45,46-120") for a chunk's stored metadata.

    Answering splits every retrieved chunk into sentences; with the spans stored at ingest it
    needs no pysbd (a fifth of a warm question's CPU before)."""
    return ",".join(f"{s}-{e}" for s, e in spans)


def decode_spans(encoded: str, text_length: int) -> list[tuple[int, int]] | None:
    """The spans `encode_spans` wrote, or None when the string is not a valid encoding for a
    text of `text_length` characters (then the caller splits the text itself)."""
    try:
        spans = [tuple(int(x) for x in part.split("-")) for part in encoded.split(",")] if encoded else []
    except ValueError:
        return None
    if not spans or any(len(s) != 2 or not 0 <= s[0] < s[1] <= text_length for s in spans):
        return None
    return [(s, e) for s, e in spans]

"""Text cleaning and sentence splitting with exact character offsets.

Offsets are the contract: every sentence span `(start, end)` satisfies
`text[start:end] == sentence`, so a quote shown to a user is always the stored text, verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# C0 and C1 controls (C1 are never text, e.g. 0x9b is an 8-bit terminal escape), zero-width space, BOM.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_text(raw: str) -> str:
    """Normalise unicode and whitespace so the same article always hashes the same.

    Paragraph breaks are kept (as one blank line) because sentences never cross them.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n\n", text)
    # Single newlines inside a paragraph are layout, not meaning.
    paragraphs = [p.replace("\n", " ") for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p).strip()


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences and return their `(start, end)` offsets, whitespace trimmed.

    pysbd decides the boundaries; offsets are found by walking the original text, so they are
    exact even when a sentence repeats.
    """
    spans: list[tuple[int, int]] = []
    para_start = 0
    for paragraph in text.split("\n\n"):
        cursor = 0
        if paragraph.strip():
            for sentence in _segmenter().segment(paragraph):
                sentence = sentence.strip()
                if not sentence:
                    continue
                found = paragraph.find(sentence, cursor)
                if found < 0:  # pysbd altered the text; fall back to the rest of the paragraph
                    found = cursor
                    sentence = paragraph[cursor:].strip()
                start = para_start + found
                spans.append((start, start + len(sentence)))
                cursor = found + len(sentence)
        para_start += len(paragraph) + 2
    return [(s, e) for s, e in spans if e > s]


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

"""A passage's sentences: the spans stored at ingest, or a fresh split for chunks stored without them.

Shared by the stages that judge sentences (rerank, select), below both.
"""

from __future__ import annotations

from ingest.structure import decode_roles
from ingest.text import cached_sentence_spans, decode_spans
from vectorstore.records import Passage

MIN_SENTENCE_CHARS = 25  # shorter "sentences" (datelines, captions' credits) are never quoted


def passage_sentence_spans(passage: Passage) -> tuple[list[tuple[int, int]], bool]:
    """A passage's sentence spans (offsets into its text): those stored at ingest, or a fresh
    split for chunks stored without them; and whether they were stored."""
    stored = decode_spans(passage.extra.get("sentences", ""), len(passage.text))
    return (stored, True) if stored is not None else (cached_sentence_spans(passage.text), False)


def passage_sentence_roles(passage: Passage, count: int) -> tuple[str, ...]:
    """Each of the passage's `count` stored sentences' role in its article (ingest/structure.py:
    body, caption, keypoint, headline, byline, …); all "body" for chunks stored without roles."""
    return decode_roles(passage.extra.get("sentence_roles", ""), count) or ("body",) * count

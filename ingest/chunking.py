"""Cut a document into chunks of whole sentences, small enough for the embedding model.

all-MiniLM-L6-v2 reads at most 256 word pieces; text past that is silently ignored, so a chunk
must fit. We budget in characters (about 4 per word piece in English news) to keep ingestion free
of tokenizer calls, and overlap one sentence so a fact split across a boundary is still whole in
one chunk.
"""

from __future__ import annotations

from ingest.document import Chunk, SourceDocument
from ingest.structure import recognise, sentences_with_roles
from ingest.text import sentence_spans

DEFAULT_MAX_CHARS = 700
DEFAULT_OVERLAP_SENTENCES = 1


def _split_long(start: int, end: int, max_chars: int, text: str) -> list[tuple[int, int]]:
    """Break a single over-long 'sentence' (tables, lists) at spaces."""
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        pieces.append((start, cut))
        start = cut
        while start < end and text[start] == " ":
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def chunk_document(
    document: SourceDocument,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    overlap_sentences: int = DEFAULT_OVERLAP_SENTENCES,
) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most `max_chars` characters.

    Sentences come from the document's segments (recognised here when it has none), so none
    crosses from a caption into the body, and each chunk knows the role of each of its sentences.
    """
    text = document.text
    segments = document.segments or recognise(text).segments
    spans: list[tuple[int, int, str]] = []
    for start, end, role in sentences_with_roles(text, segments):
        spans.extend((s, e, role) for s, e in _split_long(start, end, max_chars, text))

    chunks: list[Chunk] = []
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= max_chars:
            j += 1
        start, end = spans[i][0], spans[j][1]
        sentences = tuple((s - start, e - start) for s, e, _ in spans[i:j + 1])
        roles = tuple(role for _, _, role in spans[i:j + 1])
        chunks.append(Chunk(document.document_id, len(chunks), text[start:end], start, end, sentences, roles))
        if j + 1 >= len(spans):
            break
        i = max(i + 1, j + 1 - overlap_sentences)
    return chunks


def chunk_sentences(chunk: Chunk) -> list[tuple[int, int]]:
    """A chunk's sentence spans: kept from chunking (the whole document is split once), else split."""
    return list(chunk.sentences) if chunk.sentences else sentence_spans(chunk.text)


def embedding_text(document: SourceDocument, chunk: Chunk, *, with_context: bool = True) -> str:
    """What the embedding model reads for a chunk: the article's title, outlet and date, then the chunk.

    A chunk deep inside an article rarely names its subject ("the company said…"), and questions
    often name the outlet or the story ("according to TechCrunch…"); the header puts both into the
    vector. Only the vector sees it: the stored text, which answers quote, stays `chunk.text`,
    verbatim at its offsets. The header is short (title capped) so header + chunk stays within
    the model's 256-token window.
    """
    if not with_context:
        return chunk.text
    head = " | ".join(x for x in (document.title[:150], document.outlet, document.published_at[:10]) if x)
    return f"{head}\n{chunk.text}" if head else chunk.text

"""The bench's corpora and query store: a subset of the benchmark corpus, and a store grown to
100k chunks with filler chunks (real sentences, jittered vectors) inserted through the store API.

Filler is cheap to make and shaped like real chunks, so query timings at 100k chunks measure the
store and the answer engine, not the model's ingest speed.
"""

from __future__ import annotations

import random
from pathlib import Path


def open_bot(home: str | Path):
    """A `Citebot` on `home` with default settings (imported here: a bench child pays for it only when used)."""
    from bot.library import Citebot
    from bot.settings import Settings

    return Citebot(Settings(home=Path(home)))


def subset_corpus(src: Path, dst: Path, n: int) -> None:
    with src.open(encoding="utf-8") as fh:
        lines = [line for _, line in zip(range(n), fh)]
    dst.write_text("".join(lines), encoding="utf-8")


def documents_and_chunks(corpus: Path, chunk_max_chars: int):
    """Parse and chunk exactly as ingestion does, so the raw encode sees the same texts."""
    from ingest.chunking import chunk_document
    from ingest.formats import parse_bytes

    docs = parse_bytes(corpus.read_bytes(), name=corpus.name, origin=str(corpus))
    return [(d, chunk_document(d, max_chars=chunk_max_chars)) for d in docs]


def filler(rng: random.Random, sentences: list[str], vectors, n: int, noise: float = 0.03):
    """Synthetic chunks: 3-6 random corpus sentences each; vector = a real chunk's vector plus
    Gaussian noise (sigma `noise` per dimension), renormalised. Fillers therefore sit next to real
    content in vector space and compete with it in search, like more articles on the same topics."""
    import numpy as np

    picks = np.asarray([rng.randrange(len(vectors)) for _ in range(n)])
    nrng = np.random.default_rng(rng.randrange(2**32))
    out = vectors[picks] + nrng.normal(0.0, noise, size=(n, vectors.shape[1])).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    texts = [" ".join(rng.sample(sentences, rng.randint(3, 6)))[:700] for _ in range(n)]
    return texts, out


def filler_spans(text: str) -> list[tuple[int, int]]:
    """A filler chunk's sentence spans, taken from how it was built (sentences joined by spaces)
    instead of running pysbd on 100k chunks; the exact boundaries do not matter for timing, only
    that answering reads them (and their vectors) from the store as it does for ingested chunks."""
    spans, pos = [], 0
    for part in text.split(" "):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 1
    # merge words back into the sentences they came from: a boundary after a word ending a sentence
    merged, start = [], 0
    for s, e in spans:
        if text[e - 1:e] in ".!?\"'" or e == len(text):
            if e > start:
                merged.append((start, e))
            start = e + 1
    return [(s, e) for s, e in merged if text[s:e].strip()]


FILLER_OUTLET = "bench filler"


class QueryStore:
    """Grows a benchmark store to target sizes: real chunks first, then filler documents."""

    def __init__(self, home: Path, docs_chunks, vectors, per_doc: int) -> None:
        from ingest.text import sentence_spans

        self.bot = open_bot(home)
        self.docs_chunks = list(docs_chunks)
        self.vectors = vectors
        self.per_doc = per_doc
        self.sentences = [c.text[s:e] for _, chunks in docs_chunks for c in chunks for s, e in sentence_spans(c.text)]
        # resume what earlier children stored (real articles come first, in corpus order)
        records = self.bot.store.list_documents()
        real = [r for r in records if r.outlet != FILLER_OUTLET]
        self.real_used, self.real_chunks = len(real), sum(r.chunk_count for r in real)
        self.fillers = len(records) - len(real)
        self.size = sum(r.chunk_count for r in records)

    def grow_to(self, target: int) -> None:
        import numpy as np

        from ingest.chunking import chunk_sentences
        from ingest.text import encode_spans
        from vectorstore.records import ChunkRecord, DocumentRecord
        from vectorstore.sentence_vectors import embed_with_sentences
        from vectorstore.sentence_vectors import encode_pairs

        bot = self.bot
        while self.size < target and self.real_used < len(self.docs_chunks):
            doc, chunks = self.docs_chunks[self.real_used]
            self.real_used += 1
            spans = [chunk_sentences(c) for c in chunks]  # stored and embedded as ingest does
            embedded = embed_with_sentences(bot.embedder, [c.text for c in chunks], spans)
            bot.ingestor.store_document(doc, bot.ingestor.document_id(doc, "global"), chunks, spans, embedded, "bench", "global")
            self.size += len(chunks)
            self.real_chunks += len(chunks)
        while self.size < target:
            n = min(self.per_doc, target - self.size)
            self.fillers += 1
            rng = random.Random(self.fillers)  # per document: the same store however it was grown
            nrng = np.random.default_rng(self.fillers)
            texts, vecs = filler(rng, self.sentences, self.vectors, n)
            doc_id = f"filler{self.fillers:06d}"
            record = DocumentRecord(
                document_id=doc_id, scope="global", title=f"Filler {self.fillers}", content_hash=f"{doc_id:0<64}",
                chunk_count=n, outlet=FILLER_OUTLET, ingested_by="bench", ingested_at="2026-01-01T00:00:00+00:00",
            )
            pos, records = 0, []
            for i, (t, v) in enumerate(zip(texts, vecs)):
                spans = filler_spans(t)
                # each sentence's two vectors (pooled, alone): the chunk's, each with its own noise
                # (stored and decoded like a real chunk's)
                noisy = v + nrng.normal(0.0, 0.03, size=(2, len(spans), len(v))).astype(np.float32)
                noisy /= np.linalg.norm(noisy, axis=2, keepdims=True)
                records.append(ChunkRecord(
                    i, t, pos, pos + len(t), v.tolist(), sentences=encode_spans(spans),
                    sentence_vectors=encode_pairs(list(noisy[0]), list(noisy[1])),
                ))
                pos += len(t) + 1
            bot.store.put_document(record, records)
            self.size += n

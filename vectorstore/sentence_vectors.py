"""Sentence vectors computed at ingest, so answering a question embeds nothing but the question.

The answer engine scores each candidate sentence by its cosine to the question. Embedding ~16
sentences per question was most of a warm question's time (~40 ms of ~70 at 100k chunks). The
model already reads every sentence while embedding its chunk: mean-pooling the chunk's token
outputs over a sentence's tokens gives that sentence a vector for free (in context, as "late
chunking" does). On the MultiHop-RAG dev split these scored the same as sentences embedded alone:
citation precision 0.400 → 0.390, questions with a gold quote 0.840 → 0.847, abstention unchanged.

Stored per chunk in its metadata as one compact string: per sentence (in the order of the chunk's
stored sentence spans) an int8 vector and a float16 scale, base64-encoded (~0.5 KB a sentence).
A scale of 0 marks a sentence with no pooled vector (cut off by the model's 256-token window);
its vector embedded alone (below) stands in, and chunks stored with neither are embedded at
question time.

Each sentence is also embedded alone at ingest and stored beside its pooled vector ("q8p/": the
pooled vectors, then the alone ones). In context, a sentence can lose its own point to its
chunk's; alone, it can lose who and what it is about. The answer engine scores a sentence by the
better of the two. On four messy sets written apart from the engine (227 answerable questions,
52 unanswerable, each set in its own store), answered with the answering sentence / answering
sentence first / unanswerable abstained: pooled 159 / 114 / 11, alone 152 / 117 / 11, the better
of the two 168 / 121 / 10. On the dev split (cached retrievals) cited evidence 0.788 → 0.794.
It costs a second, shorter pass of the model at ingest, nothing per question: ingest time +55% on 30
short messy articles, +8% on 40 benchmark articles (`citebot bench`, the same run as the code before).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

# Every token of a chunk carries much of the chunk's overall meaning (with MiniLM, a later
# sentence's pooled tokens were often nearer the chunk's *first* sentence than themselves, and
# off-topic sentences of an on-topic chunk scored as on-topic). Subtracting a share of the mean of
# all the chunk's token outputs removes that common part. Measured on 1,017 sentences of 25 corpus
# articles (pooled vector vs the same sentence embedded alone), by share subtracted:
#   0: cosine 0.707, nearest its own sentence among its chunk's 78 %;  0.3: 0.725, 91 %;
#   0.5: 0.722, 97 %;  0.7: 0.674, 99 %.
# 0.3 is nearest to embedding each sentence alone, and keeps the canonical answer as it was
# (at 0.5 Putin's claim gave way to another dispute: too close to an edge).
CONTEXT_WEIGHT = 0.3
PREFIX = "q8/"  # format tag ("q8/384:" + base64), so a later encoding can coexist with this one
PAIRED_PREFIX = "q8p/"  # pooled vectors then the same sentences embedded alone, one base64 body


def pool_spans(hidden: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> list[np.ndarray | None]:
    """A unit vector for each character span of the embedded text: the mean of the token outputs
    inside it, less `CONTEXT_WEIGHT` times the mean of all of the text's tokens.

    `hidden` holds one row per token of `offsets` (the tokenizer's character offsets; special
    tokens have empty offsets). A span whose text runs past the last token the model read
    (truncation) gets None: half a sentence is not that sentence.
    """
    if not len(offsets):
        return [None] * len(spans)
    starts = np.fromiter((a for a, _ in offsets), dtype=np.int64, count=len(offsets))
    ends = np.fromiter((b for _, b in offsets), dtype=np.int64, count=len(offsets))
    real = ends > starts
    read_to = int(ends[real].max()) if real.any() else 0
    shared = CONTEXT_WEIGHT * hidden.mean(axis=0)
    out: list[np.ndarray | None] = []
    for s, e in spans:
        rows = real & (starts >= s) & (ends <= e)
        if e > read_to or not rows.any():
            out.append(None)
            continue
        vector = hidden[rows].mean(axis=0) - shared
        norm = float(np.linalg.norm(vector))
        out.append((vector / norm).astype(np.float32) if norm > 0 else None)
    return out


def encode(vectors: Sequence[np.ndarray | None]) -> str:
    """The metadata string for one chunk's sentence vectors ("" if none could be pooled)."""
    body = _pack(vectors)
    return PREFIX + body if body else ""


def encode_pairs(pooled: Sequence[np.ndarray | None], alone: Sequence[np.ndarray | None]) -> str:
    """One chunk's pooled sentence vectors and the same sentences embedded alone (`decode_pairs`);
    without alone vectors, the plain `encode` format."""
    if not alone or len(alone) != len(pooled):
        return encode(pooled)
    body = _pack([*pooled, *alone])
    return PAIRED_PREFIX + body if body else ""


def decode(blob: str, count: int) -> list[np.ndarray | None]:
    """The `count` unit vectors `encode` stored, in span order; [] for "", an unknown format or a
    count that does not match (the caller then embeds the sentences itself)."""
    return _unpack(blob[len(PREFIX):], count) if blob.startswith(PREFIX) else []


def decode_pairs(blob: str, count: int) -> tuple[list[np.ndarray | None], list[np.ndarray | None]]:
    """(pooled, alone) vectors of a chunk's `count` sentences; alone is [] for the older format."""
    if blob.startswith(PAIRED_PREFIX):
        both = _unpack(blob[len(PAIRED_PREFIX):], 2 * count)
        return (both[:count], both[count:]) if both else ([], [])
    return decode(blob, count), []


def _pack(vectors: Sequence[np.ndarray | None]) -> str:
    """"<dimension>:<base64 of float16 scales then int8 codes>", or "" if no vector is given."""
    dimension = next((len(v) for v in vectors if v is not None), 0)
    if not dimension:
        return ""
    scales = np.zeros(len(vectors), dtype=np.float16)
    codes = np.zeros((len(vectors), dimension), dtype=np.int8)
    for i, v in enumerate(vectors):
        if v is None:
            continue
        peak = float(np.abs(v).max())
        if peak > 0:
            scales[i] = peak / 127.0
            codes[i] = np.round(v / float(scales[i])).clip(-127, 127).astype(np.int8)
    return f"{dimension}:" + base64.b64encode(scales.tobytes() + codes.tobytes()).decode("ascii")


def _unpack(packed: str, count: int) -> list[np.ndarray | None]:
    if count <= 0:
        return []
    size, _, body = packed.partition(":")
    try:
        dimension = int(size)
        raw = base64.b64decode(body, validate=True)
    except ValueError:
        return []
    if dimension <= 0 or len(raw) != count * (2 + dimension):
        return []
    scales = np.frombuffer(raw[: 2 * count], dtype=np.float16)
    codes = np.frombuffer(raw[2 * count:], dtype=np.int8).reshape(count, dimension).astype(np.float32)
    norms = np.linalg.norm(codes, axis=1)  # at once: a question decodes some 150 of these
    units = codes / np.where(norms > 0, norms, 1.0)[:, None]
    return [unit if scale > 0 and norm > 0 else None for unit, scale, norm in zip(units, scales, norms)]


SentenceVectors = tuple[list[np.ndarray | None], list[np.ndarray | None]]  # one chunk's (pooled, alone)


def embed_with_sentences(
    embedder, texts: list[str], spans: list[list[tuple[int, int]]], *, with_sentences: bool = True,
) -> tuple[np.ndarray, list[SentenceVectors]]:
    """Chunk vectors and, if `with_sentences` and the backend can pool them, each chunk's sentence
    vectors: pooled in the chunk, and each sentence embedded alone.

    Backends without token outputs (sentence-transformers here, a test's fake), or `with_sentences` off
    (the `store_sentence_vectors` setting), give chunk vectors only; those chunks' sentences are
    embedded when a question needs them.
    """
    pooled = getattr(embedder, "embed_with_sentences", None) if with_sentences else None
    if pooled is not None:
        return pooled(texts, spans)
    return embedder.embed_documents(texts), [([None] * len(s), []) for s in spans]

"""Spreading a ranking over articles: a multi-part question needs several articles near the top,
not five chunks of one. Used by the retriever's fusion and by the answer engine's rerank.
"""

from __future__ import annotations

from vectorstore.records import parse_chunk_id


def document_of(chunk_id: str) -> str:
    """The article a chunk belongs to (from its id, see records.chunk_id), for diversifying by article."""
    parts = parse_chunk_id(chunk_id)
    return f"{parts[0]}|{parts[1]}" if parts else chunk_id


def discount_by_article(order: list[str], scores: dict[str, float], document_of, factor: float) -> list[str]:
    """Diversify across articles by score: an article's n-th passage (n = 0, 1, …) keeps
    factor**n of its fused score (`scores` is updated), then the list is re-sorted. A second
    passage of one article still beats another article's weak hit, but not one nearly as
    strong: a small store's few relevant articles keep their passages, while in a big store
    the other articles a multi-part question needs get into the top ranks."""
    seen: dict[str, int] = {}
    for chunk_id in order:  # best first, so the article's best passage keeps its full score
        document = document_of(chunk_id)
        scores[chunk_id] *= factor ** seen.get(document, 0)
        seen[document] = seen.get(document, 0) + 1
    return sorted(order, key=scores.get, reverse=True)


def spread_by_article(order: list[str], per_article: int, document_of) -> list[str]:
    """Diversify across articles: past `per_article` chunks of one article, the rest wait behind
    every other article's chunks (0 = no limit). Multi-part questions need several articles
    in the top ranks, not five chunks of the same one."""
    if per_article <= 0:
        return order
    seen: dict[str, int] = {}
    first, later = [], []
    for chunk_id in order:
        document = document_of(chunk_id)
        seen[document] = seen.get(document, 0) + 1
        (first if seen[document] <= per_article else later).append(chunk_id)
    return first + later

"""Question → passages: dense search, optionally fused with BM25 keyword search.

Hybrid retrieval: the dense ranking (embedding similarity) and the keyword ranking (BM25 over
a tantivy index) are merged by reciprocal rank fusion — each passage scores Σ 1/(rrf_k + rank)
over the rankings it appears in — which needs no score calibration between the two. The
passage's `score` stays its cosine similarity to the question (computed for keyword-only hits
too), because the answer engine's abstention thresholds are calibrated on that scale.

With query analysis on, each part of a multi-part question (and each outlet/date it names)
adds its own dense + keyword rankings to the fusion (see query_plan.plan); a final
per-article score discount lets the other articles such a question needs reach the top ranks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vectorstore.chroma_store import ChromaStore
from vectorstore.diversity import discount_by_article, document_of, spread_by_article
from vectorstore.embeddings import Embedder
from vectorstore.lexical import LexicalIndex
from vectorstore.query_plan import plan, strip_facets
from vectorstore.records import Passage
from vectorstore.where import all_of


@dataclass
class Retriever:
    """Dense (and, with a lexical index, hybrid) retrieval over one scope of the store."""

    store: ChromaStore
    embedder: Embedder
    lexical: LexicalIndex | None = None
    rrf_k: int = 5
    pool: int = 30
    analyze_queries: bool = True
    sub_pool: int = 10
    max_subqueries: int = 6
    per_article: int = 0
    article_discount: float = 0.7
    keyword_weight: float = 2.0
    exact_limit: int = 500

    def search(self, query: str, *, k: int = 8, scope: str | None = None, where: dict | None = None) -> list[Passage]:
        if self.lexical is None:
            return self.store.search(self.embedder.embed_query(query), k=k, scope=scope, where=where)
        pool = max(self.pool, k)
        self.lexical.sync(self.store)
        outlets, year = self.lexical.facets(scope)
        subs = plan(query, outlets, default_year=year, max_subqueries=self.max_subqueries) if self.analyze_queries else []
        texts = list(dict.fromkeys([query, *(s.text for s in subs)]))
        vectors = dict(zip(texts, self.embedder.embed_documents(texts)))  # one model call for the question and its parts
        vector = vectors[query]
        main = self._hybrid(query, vector, pool, scope, where, outlets)
        if main is None:  # a filter the keyword index cannot apply: dense only
            return self.store.search(vector, k=k, scope=scope, where=where)
        rankings = self._weigh(main)
        for sub in subs:
            found = self._hybrid(sub.text, vectors[sub.text], self.sub_pool, scope, all_of([where, sub.where]), outlets)
            if found is not None:
                rankings += self._weigh(found)
        return self._fuse(rankings, vector, k)

    def _hybrid(self, query: str, vector, pool: int, scope: str | None, where: dict | None, outlets: list[str]) -> list | None:
        """[dense (chunk id, score) hits, keyword chunk ids] of one search; None if the keyword
        index cannot apply `where`. The keyword query leaves out outlet names and dates
        (`strip_facets`); the dense one keeps the whole text, where they are context rather than
        terms that must match."""
        keyword = self.lexical.search(strip_facets(query, outlets), k=pool, scope=scope, where=where)
        if keyword is None:
            return None
        return [self._dense(vector, pool, scope, where), keyword]

    def _dense(self, vector, pool: int, scope: str | None, where: dict | None) -> list[tuple[str, float]]:
        """Dense hits: a filter that leaves at most `exact_limit` chunks (an outlet, a few days)
        is answered exactly over those chunks, listed by the keyword index; anything broader by
        Chroma's filtered HNSW search, whose cost is mostly collecting the filter's ids."""
        if where:
            ids = self.lexical.chunk_ids(scope=scope, where=where, limit=self.exact_limit)
            if ids is not None:
                return self.store.nearest_among(ids, vector, k=pool)
        return self.store.nearest(vector, k=pool, scope=scope, where=where)

    def _weigh(self, found: list) -> list[tuple[list[str], float]]:
        """Chunk-id rankings with their fusion weight: dense 1, keyword `keyword_weight`."""
        dense, keyword = found
        return [([chunk_id for chunk_id, _ in dense], 1.0), (keyword, self.keyword_weight)]

    def _fuse(self, rankings: list[tuple[list[str], float]], vector, k: int) -> list[Passage]:
        """Weighted RRF over all rankings, so neither ranker's noise can dominate by itself.

        Only the `k` passages returned are read from the store, and each is scored against the
        whole question there, so `score` means the same whichever ranking found the passage
        (a part's dense hits were scored against the part)."""
        scores: dict[str, float] = {}
        for ids, weight in rankings:
            for rank, chunk_id in enumerate(ids):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (self.rrf_k + rank + 1)
        order = sorted(scores, key=scores.get, reverse=True)[: 2 * k + 10]  # slack for removed articles
        live = self.store.live_ids(order)
        order = [chunk_id for chunk_id in order if chunk_id in live]
        if self.article_discount < 1.0:
            order = discount_by_article(order, scores, document_of, self.article_discount)
        chosen = spread_by_article(order, self.per_article, document_of)[:k]
        return [
            replace(p, extra={**p.extra, "fusion": round(scores[p.chunk_id], 5)})
            for p in self.store.get_passages(chosen, query_embedding=vector)
        ]

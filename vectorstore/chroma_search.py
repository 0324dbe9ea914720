"""Reading chunks back: vector search, exact scoring among given chunks, liveness, passages.

A mixin of `ChromaStore` (vectorstore/chroma_store.py): it reads through the store's guarded
calls (`_call`, `_query`) and its per-generation caches, so every read sees the same registry
and the same transient-error retries as the writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from vectorstore.records import CITATION_FIELDS, DocumentRecord, Passage, parse_chunk_id
from vectorstore.where import all_of

_VECTOR_CACHE = 20_000  # chunk vectors kept by nearest_among: ~30 MB of 384-d float32


def _similarities(vectors, query):
    """Cosine similarity of each stored vector to the query (both are unit length: a dot product)."""
    import numpy as np  # lazy: the cold CLI path does not need numpy before a search

    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    return matrix @ np.asarray(query, dtype=np.float32)


class ChunkSearch:
    """Search and read methods of `ChromaStore`."""

    # -- search -----------------------------------------------------------------------------
    # Rankers work on chunk ids and scores; text and metadata are fetched once, for the passages
    # a question ends with. At 100k chunks a Chroma query returning 64 hits cost 0.9 ms with
    # distances only and 4.2 ms with their documents and metadata.
    def search(
        self,
        embedding: Sequence[float],
        *,
        k: int = 8,
        scope: str | None = None,
        where: dict | None = None,
    ) -> list[Passage]:
        """Nearest chunks by cosine similarity, restricted to live document versions."""
        hits = self.nearest(embedding, k=k, scope=scope, where=where)
        return self.get_passages([chunk_id for chunk_id, _ in hits], scores=dict(hits))

    def nearest(
        self, embedding: Sequence[float], *, k: int = 8, scope: str | None = None, where: dict | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest live chunks, best first."""
        self._refresh_if_stale()
        # A where-filter makes Chroma collect the matching ids from SQLite and run a filtered
        # HNSW search: ~6x the CPU of a plain search on a 13k-chunk store. When the whole store
        # holds one scope, the scope clause matches every live chunk, so it is checked on the
        # results instead (chunks of other scopes can then only be orphans, dropped as not live).
        scope_in_query = scope is not None and not self._only_scope(scope)
        filt = all_of([{"scope": scope} if scope_in_query else None, where])
        # No count() first: it cost as much as the search itself, and Chroma returns fewer hits
        # (or none) by itself when the collection is smaller than n_results.
        got = self._query(
            query_embeddings=[list(map(float, embedding))], n_results=k * 2 + 4, where=filt, include=["distances"],
        )
        hits = [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(got["ids"][0], got["distances"][0])]
        live = self.live_ids([chunk_id for chunk_id, _ in hits], scope=scope)
        return [hit for hit in hits if hit[0] in live][:k]

    def nearest_among(self, chunk_ids: Sequence[str], embedding: Sequence[float], *, k: int) -> list[tuple[str, float]]:
        """Exact nearest live chunks among `chunk_ids`, scored as `nearest` scores them.

        For filters that leave a few hundred chunks, this beats a filtered Chroma search: Chroma
        first collects the filter's ids from its metadata tables, which for a date range at 100k
        chunks cost ~65 ms, while fetching a few hundred vectors by id costs a few ms."""
        import numpy as np  # lazy: the cold CLI path does not need numpy before a search

        wanted = list(dict.fromkeys(chunk_ids))
        cache = self._vectors
        missing = [chunk_id for chunk_id in wanted if chunk_id not in cache]
        if missing:
            got = self._call(self._chunks.get, ids=missing, include=["embeddings"])
            for chunk_id, vector in zip(got["ids"], got["embeddings"]):
                if len(cache) >= _VECTOR_CACHE:
                    cache.pop(next(iter(cache)))
                cache[chunk_id] = np.asarray(vector, dtype=np.float32)
        ids = [chunk_id for chunk_id in wanted if chunk_id in cache]
        if not ids:
            return []
        scores = _similarities([cache[chunk_id] for chunk_id in ids], embedding)
        best = [(ids[i], float(scores[i])) for i in np.argsort(-scores, kind="stable")[: k * 2 + 4]]
        live = self.live_ids([chunk_id for chunk_id, _ in best])
        return [hit for hit in best if hit[0] in live][:k]

    def live_ids(self, chunk_ids: Sequence[str], scope: str | None = None) -> set[str]:
        """The ids among `chunk_ids` whose document version is the live one (and in `scope`), told
        from the id itself (scope|document|content-hash prefix|index) and the registry: no chunk
        is read. An id of another shape is kept; `get_passages` checks its metadata."""
        parsed = {value: parse_chunk_id(value) for value in chunk_ids}
        kept = {value for value, parts in parsed.items() if parts is None}
        live = self._live_hashes({(sc, doc) for sc, doc, _ in filter(None, parsed.values())})
        kept.update(
            value for value, parts in parsed.items()
            if parts is not None and live.get(parts[:2], "").startswith(parts[2]) and (scope is None or parts[0] == scope)
        )
        return kept

    def _only_scope(self, scope: str) -> bool:
        """Is `scope` the one scope of every registered document? Known cheaply only for an
        embedded store (registry cached per generation); a server is asked nothing extra."""
        if self.config.url:
            return False
        scopes = {r.scope for r in self.list_documents()}
        return scopes == {scope}

    def get_passages(
        self, chunk_ids: Sequence[str], query_embedding: Sequence[float] | None = None, *, scores: dict[str, float] | None = None,
    ) -> list[Passage]:
        """Fetch live chunks by id, in the order given, with their text and citation data.

        With `query_embedding`, each passage's score is its cosine similarity to the query (as
        `nearest` reports it), so scores mean the same whichever ranker found the passage; with
        `scores`, those; otherwise 0.
        """
        if not chunk_ids:
            return []
        include = ["metadatas", "documents"] + (["embeddings"] if query_embedding is not None else [])
        got = self._call(self._chunks.get, ids=list(chunk_ids), include=include)
        live = self._live_records({(m["scope"], m["document_id"]) for m in got["metadatas"]})
        if query_embedding is not None:
            scores = dict(zip(got["ids"], _similarities(got["embeddings"], query_embedding).tolist()))
        scores = scores or {}
        # The citation fields come from the registry record, the truth a metadata edit changes
        # last (vectorstore/chroma_metadata.py); the chunk's copies serve the where-filters.
        by_id = {
            cid: self._passage(cid, text, {**meta, **record.citation()}, float(scores.get(cid, 0.0)))
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
            if (record := live.get((meta["scope"], meta["document_id"]))) is not None
            and record.content_hash == meta["content_hash"]
        }
        return [by_id[c] for c in chunk_ids if c in by_id]

    def iter_chunks(
        self, scope: str | None = None, batch: int = 5000, document_ids: Iterable[str] | None = None
    ) -> Iterator[tuple[str, str, dict]]:
        """Every stored chunk (id, text, metadata) — of `document_ids` only, if given — for
        rebuilding side indexes and exports."""
        where = all_of([
            {"scope": scope} if scope is not None else None,
            {"document_id": {"$in": sorted(set(document_ids))}} if document_ids is not None else None,
        ])
        yield from self.iter_rows(self._chunks, ["documents", "metadatas"], where=where, batch=batch)

    def iter_rows(self, collection, include: list[str], *, where: dict | None = None, batch: int = 5000) -> Iterator[tuple]:
        """Every row of `collection` matching `where`, read `batch` at a time: (id, *the `include` fields)."""
        offset = 0
        while True:
            got = self._call(collection.get, where=where, include=include, limit=batch, offset=offset)
            if not got["ids"]:
                return
            yield from zip(got["ids"], *(got[name] for name in include))
            offset += len(got["ids"])

    def _live_hashes(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The registered content hash of each (scope, document) in `keys` that is registered."""
        return {key: record.content_hash for key, record in self._live_records(keys).items()}

    def _live_records(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], DocumentRecord]:
        """The registry record of each (scope, document) in `keys` that is registered."""
        if not keys:
            return {}
        if not self.config.url:  # embedded: the per-generation registry (a question checks 3-6 batches)
            live = self._per_generation(
                ("live",), lambda: {(r.scope, r.document_id): r for r in self.list_documents()}
            )
            return {key: live[key] for key in keys if key in live}
        got = self._call(self._documents.get, ids=[self.registry_id(s, d) for s, d in keys], include=["metadatas"])
        return {(m["scope"], m["document_id"]): DocumentRecord(**m) for m in got["metadatas"]}

    @staticmethod
    def _passage(chunk_id: str, text: str, meta: dict, score: float) -> Passage:
        return Passage(
            chunk_id=chunk_id, document_id=meta["document_id"], text=text,
            start=int(meta["start"]), end=int(meta["end"]), score=score,
            **{f: str(meta.get(f, "")) for f in CITATION_FIELDS},
            extra={
                "scope": meta.get("scope", ""), "chunk_index": int(meta.get("chunk_index", 0)),
                **({"sentences": str(meta["sentences"])} if meta.get("sentences") else {}),
                **({"sentence_roles": str(meta["sentence_roles"])} if meta.get("sentence_roles") else {}),
                **({"sentence_vectors": str(meta["sentence_vectors"])} if meta.get("sentence_vectors") else {}),
            },
        )


"""Question → passages: embed the question, search the store, return scored passages."""

from __future__ import annotations

from dataclasses import dataclass

from vectorstore.chroma_store import ChromaStore
from vectorstore.embeddings import Embedder
from vectorstore.records import Passage


@dataclass
class Retriever:
    """Dense retrieval over one scope of the store."""

    store: ChromaStore
    embedder: Embedder

    def search(self, query: str, *, k: int = 8, scope: str | None = None, where: dict | None = None) -> list[Passage]:
        vector = self.embedder.embed_query(query)
        return self.store.search(vector, k=k, scope=scope, where=where)

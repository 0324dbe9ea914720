"""citebot's store as a LangChain retriever, so users can plug it into their own chains.

Each passage becomes a `Document` whose metadata carries everything needed to cite it
(title, outlet, author, date, URL, offsets, score).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class CitebotRetriever(BaseRetriever):
    """LangChain `BaseRetriever` over a citebot `Retriever`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    # anything with `search(query, k=, scope=)`: a `Citebot` (the passages and order `ask` uses, reranked)
    # or a bare vectorstore.retriever.Retriever (fused order); plain classes pydantic cannot validate
    retriever: Any
    k: int = 8
    scope: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        passages = self.retriever.search(query, k=self.k, scope=self.scope)
        documents = []
        for p in passages:
            metadata = p.to_dict()
            text = metadata.pop("text")
            metadata.pop("extra", None)
            documents.append(Document(page_content=text, metadata=metadata, id=p.chunk_id))
        return documents

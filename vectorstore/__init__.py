"""Embeddings and storage/retrieval of passages in Chroma.

Independent of `ingest` and `bot`: it stores and searches plain records, so other tools can use
the store without the rest of citebot.
"""

from vectorstore.errors import StoreError
from vectorstore.records import DocumentRecord, Passage

__all__ = ["DocumentRecord", "Passage", "StoreError"]

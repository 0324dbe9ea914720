"""Turn files, folders, URLs and feeds into clean, chunked documents with metadata.

This package knows nothing about storage or answering: it produces `SourceDocument`s and
`Chunk`s, and the caller decides where they go.
"""

from ingest.document import Chunk, SourceDocument
from ingest.errors import IngestError

__all__ = ["Chunk", "IngestError", "SourceDocument"]

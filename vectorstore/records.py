"""Plain records the store reads and writes; no Chroma types leak out of this package."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Metadata fields copied onto every chunk so a search hit can be cited without a second lookup.
CITATION_FIELDS = ("title", "outlet", "author", "published_at", "url")


def chunk_id(scope: str, document_id: str, content_hash: str, index: int) -> str:
    """A chunk's id names its document version, so rankers can tell live chunks (and group them by
    article) from ids alone: scope | document | content-hash prefix | index."""
    return f"{scope}|{document_id}|{content_hash[:16]}|{index:05d}"


def parse_chunk_id(value: str) -> tuple[str, str, str] | None:
    """(scope, document id, content-hash prefix) of a `chunk_id`; None for an id of another shape."""
    head, _, index = value.rpartition("|")
    head, _, hash_prefix = head.rpartition("|")
    scope, _, document_id = head.rpartition("|")
    if scope and document_id and hash_prefix and index.isdigit():
        return scope, document_id, hash_prefix
    return None


@dataclass(frozen=True)
class DocumentRecord:
    """One ingested article as the registry knows it."""

    document_id: str
    scope: str
    title: str
    content_hash: str
    chunk_count: int
    outlet: str = ""
    author: str = ""
    published_at: str = ""
    url: str = ""
    origin: str = ""
    ingested_by: str = ""
    ingested_at: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def citation(self) -> dict[str, str]:
        """The fields a citation names (`CITATION_FIELDS`), as the registry has them now."""
        return {f: getattr(self, f) for f in CITATION_FIELDS}


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk ready to store: text, offsets into its document, and its vector."""

    index: int
    text: str
    start: int
    end: int
    embedding: list[float]
    # The chunk's sentence boundaries as an opaque compact string (the ingest side's encoding),
    # stored so answering needs no sentence splitter; "" for chunks stored without them.
    sentences: str = ""
    # Those sentences' vectors, pooled from the chunk's token outputs at ingest (vectorstore/
    # sentence_vectors.py), so answers need not embed them; "" where the backend gave none.
    sentence_vectors: str = ""
    # Each sentence's role in the article (body, caption, key point…), one opaque code per
    # sentence in the ingest side's encoding; "" for chunks stored without them.
    sentence_roles: str = ""


@dataclass(frozen=True)
class Passage:
    """A search hit: a chunk with its score (cosine similarity, higher is closer) and citation data."""

    chunk_id: str
    document_id: str
    text: str
    start: int
    end: int
    score: float
    title: str = ""
    outlet: str = ""
    author: str = ""
    published_at: str = ""
    url: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to which document, and when."""

    at: str
    actor: str
    action: str
    scope: str
    document_id: str
    title: str = ""
    content_hash: str = ""
    previous_hash: str = ""
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TrustEntry:
    """A moderator's verdict on a domain (and the outlet publishing there) within one scope."""

    scope: str
    domain: str
    tier: str
    outlet: str = ""
    set_by: str = ""
    set_at: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

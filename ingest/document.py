"""The two shapes ingestion produces: a whole cleaned article and the chunks cut from it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(text: str) -> str:
    """SHA-256 of the cleaned text: equal text means the article did not change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id_for(locator: str) -> str:
    """A stable id from where the article lives (URL, or path when it has no URL).

    Keyed by location rather than content so that an updated article at the same URL replaces its
    old version instead of sitting beside it.
    """
    return "doc-" + hashlib.sha1(locator.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SourceDocument:
    """One cleaned article and everything a citation needs to name it."""

    text: str
    title: str
    outlet: str = ""
    author: str = ""
    published_at: str = ""  # ISO-8601 date or datetime, "" when unknown
    url: str = ""
    origin: str = ""  # the path or URL it was read from
    extra: dict[str, str] = field(default_factory=dict)
    # (start, end, role) of each part of `text`, from `ingest.structure`: which parts are the story
    # ("body") and which are a caption, a key point, the headline, the byline… Empty for a document
    # built by hand; chunking then recognises the structure itself.
    segments: tuple[tuple[int, int, str], ...] = ()

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @property
    def document_id(self) -> str:
        return document_id_for(self.url or self.origin or self.content_hash)


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences from a document, with its character offsets into `document.text`.

    Offsets let a citation quote the source exactly: `document.text[start:end] == text`.
    """

    document_id: str
    index: int
    text: str
    start: int
    end: int
    # the sentences it was packed from, as offsets into `text`: found once, when the document was
    # split for chunking, so ingest never runs the sentence splitter on a chunk again
    sentences: tuple[tuple[int, int], ...] = ()
    # the role of each of those sentences ("body", "caption", "keypoint", …; see ingest.structure),
    # so the answer engine can prefer the story to its captions and never quote a byline
    sentence_roles: tuple[str, ...] = ()

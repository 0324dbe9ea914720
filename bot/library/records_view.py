"""What `citebot show` and `citebot edit` hand their callers: a stored article as it is stored,
and a metadata correction with its before and after.

The store keeps no copy of an article's whole text, only its chunks, each a verbatim slice of the
cleaned text at recorded offsets (overlapping by a sentence). `assemble` puts the text back from
them: what lies between two chunks that do not overlap is the whitespace that separated two
sentences ("\\n\\n" between paragraphs, since cleaning leaves exactly that, else spaces), so the
result equals the cleaned text that was ingested, offsets and all, and a moderator sees exactly
what answers quote from.

Sentence roles (headline, byline, caption, body) are read from each chunk's optional
`sentence_roles` metadata, written at ingest where the ingest side marks them: a JSON list or a
comma-separated string with one role per entry of the chunk's `sentences`. A chunk without it,
or with a value that does not line up with its sentences, shows every sentence as "body".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.structure import decode_roles
from ingest.text import decode_spans, sentence_spans
from vectorstore.records import DocumentRecord

BODY = "body"
EDITABLE = {"title": "title", "outlet": "outlet", "author": "author", "published": "published_at", "url": "url"}
"""`edit`'s option names -> the record's fields."""


@dataclass(frozen=True)
class ShownSentence:
    n: int  # 1-based, in text order
    start: int  # offsets into the cleaned text
    end: int
    role: str
    text: str

    def to_dict(self) -> dict:
        return {"n": self.n, "start": self.start, "end": self.end, "role": self.role, "text": self.text}


@dataclass(frozen=True)
class SourceView:
    """One stored article: its registry record, current trust tier, cleaned text and sentences."""

    record: DocumentRecord
    tier: str
    text: str
    sentences: list[ShownSentence]
    roles_stored: bool  # did any chunk carry sentence roles (else every role shown is the default)

    def to_dict(self) -> dict:
        return {
            "source": {**self.record.to_dict(), "tier": self.tier}, "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences], "roles_stored": self.roles_stored,
        }


@dataclass(frozen=True)
class Edit:
    """A metadata correction: the record before and after, and each changed field (name, old, new)."""

    before: DocumentRecord
    after: DocumentRecord
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def detail(self) -> str:
        """The audit log's line: `title: 'Old' -> 'New'; outlet: '' -> 'Harbor Wire'`."""
        return "; ".join(f"{name}: {old!r} -> {new!r}" for name, old, new in self.changes)

    def to_dict(self) -> dict:
        return {
            "before": self.before.to_dict(), "after": self.after.to_dict(),
            "changes": [{"field": name, "old": old, "new": new} for name, old, new in self.changes],
        }


def chunk_roles(meta: dict, count: int) -> list[str] | None:
    """The chunk's stored roles, one per sentence, or None when it has none that line up."""
    raw = meta.get("sentence_roles")
    if not raw:
        return None
    roles = raw
    if isinstance(raw, str):
        decoded = decode_roles(raw, count)  # the ingest side's encoding (ingest/structure.py)
        if decoded is not None:
            return list(decoded)
        try:
            roles = json.loads(raw)
        except ValueError:
            roles = [part.strip() for part in raw.split(",")]
    if not isinstance(roles, list) or len(roles) != count:
        return None
    return [str(r).strip() or BODY for r in roles]


def assemble(chunks: Iterable[tuple[str, dict]]) -> tuple[str, list[ShownSentence], bool]:
    """(cleaned text, its sentences, whether roles were stored) from one version's chunks."""
    pieces: dict[int, str] = {}
    found: dict[tuple[int, int], str] = {}
    roles_stored = False
    length = 0
    for text, meta in sorted(chunks, key=lambda c: int(c[1].get("start", 0))):
        start = int(meta["start"])
        length = max(length, start + len(text))
        pieces[start] = text
        spans = decode_spans(str(meta.get("sentences") or ""), len(text)) or sentence_spans(text)
        roles = chunk_roles(meta, len(spans))
        roles_stored = roles_stored or roles is not None
        for i, (s, e) in enumerate(spans):
            role = roles[i] if roles else BODY
            key = (start + s, start + e)
            if found.get(key, BODY) == BODY:  # overlapping chunks repeat a sentence: a stored role wins
                found[key] = role
    buffer = [" "] * length
    for start, text in pieces.items():
        buffer[start:start + len(text)] = text
    text = "".join(buffer)
    # a gap no chunk covers is the whitespace between two sentences: a paragraph break is exactly "\n\n"
    covered = sorted((s, s + len(t)) for s, t in pieces.items())
    for (_, end), (next_start, _) in zip(covered, covered[1:]):
        if next_start - end == 2 and text[end:next_start] == "  ":
            text = text[:end] + "\n\n" + text[next_start:]
    sentences = [ShownSentence(n, s, e, role, text[s:e]) for n, ((s, e), role) in enumerate(sorted(found.items()), 1)]
    return text, sentences, roles_stored

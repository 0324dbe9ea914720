"""What an answer is: quoted, cited sentences (`Citation`), the sources they come from (`SourceRef`),
or an abstention with the closest sources; and the contract phrases adapters and tests rely on.

Every stage of the engine and every adapter speaks these types; they import nothing of the engine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from vectorstore.records import Passage

# Contract strings: tests, scripts and the Discord adapter rely on these exact phrases.
CANNOT_ANSWER = "The ingested sources don't say."
CONFLICT_NOTE = "The sources disagree on this."
ANSWER_INTRO = "Here is what the sources say."


@dataclass(frozen=True)
class SourceRef:
    """An entry of the Sources list."""

    n: int
    document_id: str
    title: str
    outlet: str
    author: str
    published_at: str
    url: str
    tier: str = ""  # the outlet's trust tier in the source registry (bot/trust.py), "" = not looked up


@dataclass(frozen=True)
class Citation:
    """One quoted sentence: `quote == document.text[start:end]`, cited as source `n`."""

    n: int
    quote: str
    document_id: str
    start: int
    end: int
    title: str
    outlet: str
    author: str
    published_at: str
    url: str
    score: float
    kind: str = "report"
    speaker: str = ""
    tier: str = ""


@dataclass
class Answer:
    question: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    conflict: bool = False
    closest: list[SourceRef] = field(default_factory=list)
    top_score: float = 0.0
    # Freshness (bot/provenance.py): the date the answer was given and its newest cited source.
    as_of: str = ""
    newest_source: str = ""
    stale_days: int = 0  # > 0 when the newest cited source is older than `stale_after_days`
    # The question was longer than the library reads and only its beginning was answered.
    question_truncated: bool = False
    # Nothing at all is stored in the searched scope: the abstention says "ingest something first",
    # not "the sources don't cover it". `store` (data directory or Chroma server) and `scope` name
    # where the adapter should tell the user to look; both are set only then.
    empty_store: bool = False
    store: str = ""
    scope: str = ""

    @property
    def headline(self) -> str:
        if self.abstained:
            return CANNOT_ANSWER
        return CONFLICT_NOTE if self.conflict else ANSWER_INTRO

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "conflict": self.conflict,
            "citations": [asdict(c) for c in self.citations],
            "sources": [asdict(s) for s in (self.closest if self.abstained else self.sources)],
            "top_score": round(self.top_score, 4),
            "freshness": {"as_of": self.as_of, "newest_source": self.newest_source, "stale_days": self.stale_days},
            "question_truncated": self.question_truncated,
            "empty_store": self.empty_store,
            **({"store": self.store, "scope": self.scope} if self.empty_store else {}),
        }


def source_ref(n: int, p: Passage) -> SourceRef:
    return SourceRef(n, p.document_id, p.title, p.outlet, p.author, p.published_at, p.url)


def closest_sources(passages: list[Passage], limit: int = 3) -> list[SourceRef]:
    refs: list[SourceRef] = []
    for p in passages:
        if all(r.document_id != p.document_id for r in refs):
            refs.append(source_ref(len(refs) + 1, p))
        if len(refs) == limit:
            break
    return refs


def abstain(question: str, passages: list[Passage]) -> Answer:
    """The abstention answer: no quotes, the closest sources for the user to read themselves."""
    return Answer(question, abstained=True, closest=closest_sources(passages), top_score=max((p.score for p in passages), default=0.0))

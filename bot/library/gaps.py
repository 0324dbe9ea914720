"""Coverage gaps: the questions the sources did not answer (abstained) or answered wrongly (voted
"wrong"), grouped by meaning, newest first, each with the sources that came closest.

Grouping is greedy over the questions' embeddings, newest first: a question joins the group whose
representative (its newest question) is most similar, if that cosine reaches `gap_similarity`, else
it starts a group. Measured with all-MiniLM-L6-v2 on 52 questions, 13 news topics x 4 phrasings
(tests/gap_threshold.py; docs/feedback.md): at 0.7, 85 % of same-topic pairs reach the threshold
and 1.8 % of other-topic pairs do — nearly all of those ask about the same event (a crash's
injuries vs its cause) or differ only by a year. In 30 shuffled orders the greedy grouping made
16.9 groups of the 13 topics, with 5.4 of the 52 questions in another topic's group. Splitting a
topic in two rows costs a moderator little; a merge is visible, as each row lists other phrasings.

"Answered now": when a moderator ingests a source that covers a gap, the next listing re-asks each
group's representative question against the current sources. An abstained group is answered now if
the re-ask quotes something; a "wrong" group if the re-ask's best-scored quote comes from a source
(or a version of one) the wrong answer did not cite — a new source merely quoted beside the old
answer is no correction. Re-asks are cached per group and per state of the scope's sources (a
fingerprint of its document ids and content hashes), so a listing re-asks only after the sources
changed, or for a group it has not seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from bot.library.feedback import Feedback, utc_ts
from vectorstore.feedback_store import QuestionRecord, Recheck, SourceSeen
from vectorstore.sentence_vectors import decode

MAX_VARIANTS = 3
MAX_SOURCES = 3


@dataclass
class GapGroup:
    """Near-duplicate gap questions as one row: the newest phrasing, how often, and what came closest."""

    question: str
    answer_id: str  # the representative's
    scope: str
    count: int
    abstained: int
    wrong_votes: int
    newest: str
    oldest: str
    also_asked: list[str] = field(default_factory=list)
    closest: list[SourceSeen] = field(default_factory=list)
    answered_now: bool = False
    now_cites: list[SourceSeen] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)  # recurses into the SourceSeen lists


@dataclass
class GapReport:
    scope: str
    since: str
    threshold: float
    questions: int  # gap questions considered (each counted once)
    open: list[GapGroup] = field(default_factory=list)
    answered_now: list[GapGroup] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "scope": self.scope, "since": self.since, "threshold": self.threshold, "questions": self.questions,
            "gaps": [g.to_dict() for g in self.open], "answered_now": [g.to_dict() for g in self.answered_now],
        }


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def group_questions(records: Sequence[QuestionRecord], threshold: float) -> list[list[QuestionRecord]]:
    """Greedy grouping, newest first: each question joins the most similar group representative at or
    above `threshold` (identical wording always joins), else starts a group. Groups come newest first."""
    ordered = sorted(records, key=lambda r: (r.asked_ts, r.answer_id), reverse=True)
    groups: list[list[QuestionRecord]] = []
    heads: list[np.ndarray | None] = []
    texts: list[str] = []
    for record in ordered:
        decoded = decode(record.vector, 1) if record.vector else []
        vector = decoded[0] if decoded else None
        text = _normalised(record.question)
        best, best_score = None, threshold
        for i, head in enumerate(heads):
            score = 1.0 if texts[i] == text else float(vector @ head) if vector is not None and head is not None else -1.0
            if score >= best_score:
                best, best_score = i, score
        if best is None:
            groups.append([record])
            heads.append(vector)
            texts.append(text)
        else:
            groups[best].append(record)
    return groups


def sources_fingerprint(records) -> str:
    """One string for the state of a scope's sources: which documents, in which versions."""
    digest = hashlib.sha256()
    for key in sorted(f"{r.document_id}:{r.content_hash}" for r in records):
        digest.update(key.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]


class Gaps:
    """Lists a scope's gaps; `ask` re-asks a question against the current sources (`Citebot.ask`)."""

    def __init__(self, feedback: Feedback, documents: Callable[[str], list], ask: Callable[..., object]) -> None:
        self._feedback = feedback
        self._documents = documents
        self._ask = ask

    def report(self, *, scope: str, since: dt.date | None = None, limit: int = 50, recheck: bool = True) -> GapReport:
        feedback = self._feedback
        feedback.purge_expired()
        since_ts = utc_ts(dt.datetime.combine(since, dt.time(), dt.timezone.utc)) if since else None
        store = feedback.store
        wrong = store.votes(scope=scope, verdict="wrong")
        wrong_votes: dict[str, int] = {}
        for vote in wrong:
            wrong_votes[vote.answer_id] = wrong_votes.get(vote.answer_id, 0) + 1
        abstained = store.questions(scope=scope, since_ts=since_ts, abstained=True)
        voted = store.questions(scope=scope, since_ts=since_ts, answer_ids=sorted(wrong_votes))
        records = list({r.answer_id: r for r in [*abstained, *voted]}.values())
        threshold = feedback.settings.gap_similarity
        report = GapReport(scope, since.isoformat() if since else "", threshold, len(records))
        documents = self._documents(scope) if recheck else []
        fingerprint = sources_fingerprint(documents)
        for members in group_questions(records, threshold)[:limit]:
            group = _summary(members, wrong_votes)
            if recheck:
                self._recheck(group, members, documents, fingerprint)
            (report.answered_now if group.answered_now else report.open).append(group)
        return report

    def _recheck(self, group: GapGroup, members: list[QuestionRecord], documents: list, fingerprint: str) -> None:
        """Does the representative question get an answer from the sources as they are now?"""
        store = self._feedback.store
        head = members[0]
        cached = store.get_recheck(head.answer_id)
        if cached is None or cached.fingerprint != fingerprint:
            answer = self._ask(head.question, scope=head.scope)
            hashes = {r.document_id: r.content_hash for r in documents}
            cites = [SourceSeen(s.document_id, hashes.get(s.document_id, ""), s.title,
                                s.outlet, s.url, s.published_at) for s in answer.sources]
            wrong_seen = {(s.document_id, s.content_hash) for m in members if not m.abstained for s in m.sources}
            if group.abstained or answer.abstained:
                answered = not answer.abstained
            else:  # a new source merely quoted alongside the old answer is not a correction: look at the best quote
                best = max(answer.citations, key=lambda c: c.score, default=None)
                answered = best is not None and (best.document_id, hashes.get(best.document_id, "")) not in wrong_seen
            cached = Recheck(head.answer_id, head.scope, fingerprint, answered,
                             self._feedback.now().isoformat(timespec="seconds"), head.asked_ts, tuple(cites))
            store.put_recheck(cached)
        group.answered_now = cached.answered
        group.now_cites = list(cached.sources) if cached.answered else []


def _summary(members: list[QuestionRecord], wrong_votes: dict[str, int]) -> GapGroup:
    head = members[0]
    variants: list[str] = []
    seen_texts = {_normalised(head.question)}
    closest: list[SourceSeen] = []
    for m in members:
        text = _normalised(m.question)
        if text not in seen_texts and len(variants) < MAX_VARIANTS:
            variants.append(m.question)
            seen_texts.add(text)
        for s in m.sources:
            if len(closest) < MAX_SOURCES and all(c.document_id != s.document_id for c in closest):
                closest.append(s)
    return GapGroup(
        question=head.question, answer_id=head.answer_id, scope=head.scope, count=len(members),
        abstained=sum(m.abstained for m in members), wrong_votes=sum(wrong_votes.get(m.answer_id, 0) for m in members),
        newest=head.asked_at, oldest=members[-1].asked_at, also_asked=variants, closest=closest,
    )

"""Feedback: every answered or abstained question on record, members' votes on answers, retention.

Why recording is an explicit call (`Citebot.record`) and not a side effect of `Citebot.ask`:
`ask` is a read that many callers make — `citebot eval` and `bench` thousands of times, the
daemon's warm-up, the LangChain retriever, tests against shared fixture stores — and none of them
asks for a person. The adapters that do (`citebot ask` and `chat`, the daemon serving ask, Discord)
must show the answer id anyway (on stderr, in the buttons' custom ids), so they call `record`
with the answer they got and use the id it returns. The operator's switch is the
`record_questions` setting: off, nothing is stored and answers carry no id and no buttons.

Members are never stored by name or id: a vote keeps HMAC-SHA256(store secret, "discord:<id>" or
"cli:<user>"), so one member's second click replaces their first, while the store alone does not
say who voted. The secret is made once per store and kept in it (vectorstore/feedback_store.py), so
every process sharing a Chroma server hashes a member the same way.

Recording never costs a member their answer: a store failure while recording is logged and the
answer is shown without an id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from bot.engine.answer import Answer, SourceRef
from bot.errors import BotError
from bot.library.parts import Parts
from vectorstore.errors import StoreError
from vectorstore.feedback_store import FeedbackStore, QuestionRecord, SourceSeen, VoteRecord
from vectorstore.sentence_vectors import encode

log = logging.getLogger("citebot.feedback")

VERDICTS = ("helpful", "wrong")
ANSWER_ID_HEX = 12  # 48 random bits: unique enough per store, short enough to type
PURGE_EVERY = dt.timedelta(hours=1)  # purge-on-write runs at most this often per process
MAX_NOTE_CHARS = 1000


class UnknownAnswer(BotError):
    """An answer id that names no recorded question (mistyped, or older than the retention)."""


@dataclass(frozen=True)
class VoteResult:
    """What a vote did: the verdict now on record and the member's earlier one, if any."""

    answer_id: str
    verdict: str
    previous: str | None
    question: str

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous != self.verdict

    def to_dict(self) -> dict:
        return {"answer_id": self.answer_id, "verdict": self.verdict, "previous": self.previous,
                "changed": self.changed, "question": self.question}


def utc_ts(moment: dt.datetime) -> int:
    return int(moment.astimezone(dt.timezone.utc).timestamp())


def is_answer_id(value: str) -> bool:
    return len(value) == ANSWER_ID_HEX and all(c in "0123456789abcdef" for c in value)


class Feedback:
    """Records questions and votes in the store of `parts`; `clock` is "now" (injectable for tests)."""

    def __init__(self, parts: Parts, clock: Callable[[], dt.datetime]) -> None:
        self._parts = parts
        self._clock = clock
        self._secret: bytes | None = None
        self._purged_at: dt.datetime | None = None

    @property
    def settings(self):
        return self._parts.settings

    @cached_property
    def store(self) -> FeedbackStore:
        return FeedbackStore(self._parts.store.config)

    def now(self) -> dt.datetime:
        return self._clock().astimezone(dt.timezone.utc)

    # -- members ------------------------------------------------------------------------------
    def member_hash(self, identity: str) -> str:
        """The stored stand-in for a member ("discord:<id>", "cli:<user>"): a keyed hash, 32 hex digits."""
        if self._secret is None:
            self._secret = self.store.secret()
        return hmac.new(self._secret, identity.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    # -- questions ----------------------------------------------------------------------------
    def record(self, result, *, scope: str | None = None, via: str = "") -> QuestionRecord | None:
        """Put an answer (an `Answer`, or a synthesis `Synthesis`) on record; its `answer_id` is the
        handle for votes. None when recording is off or the store failed (logged)."""
        if not self.settings.record_questions:
            return None
        scope = scope if scope is not None else self.settings.scope
        try:
            record = self._record_for(result, scope, via)
            self.store.add_question(record)
            self.purge_expired(every=PURGE_EVERY)
        except StoreError as err:
            log.warning("could not record a question (the answer is shown without feedback buttons): %s", err)
            return None
        except Exception:  # a bug here must not cost the member an answer already computed
            log.exception("recording a question failed (the answer is shown without feedback buttons)")
            return None
        return record

    def _record_for(self, result, scope: str, via: str) -> QuestionRecord:
        answer, refs, abstained, mode = _outcome(result)
        now = self.now()
        return QuestionRecord(
            answer_id=secrets.token_hex(ANSWER_ID_HEX // 2), scope=scope, question=answer.question,
            asked_at=now.isoformat(timespec="seconds"), asked_ts=utc_ts(now), abstained=abstained, mode=mode,
            via=via, sources=tuple(self._seen(scope, refs)),
            vector=encode([self._parts.embedder.embed_query(answer.question)]),
        )

    def _seen(self, scope: str, refs: list[SourceRef]) -> list[SourceSeen]:
        """The sources with the content hash of the version that was read (looked up in the registry)."""
        seen = []
        for ref in refs:
            record = self._parts.store.get_document(scope, ref.document_id)
            seen.append(SourceSeen(ref.document_id, record.content_hash if record else "", ref.title, ref.outlet,
                                   ref.url, ref.published_at))
        return seen

    def question(self, answer_id: str) -> QuestionRecord:
        answer_id = answer_id.strip().lower()
        found = self.store.get_question(answer_id) if is_answer_id(answer_id) else None
        if found is None:
            raise UnknownAnswer(
                f"no recorded answer with id '{answer_id}'; answer ids come with each answer and are kept "
                f"{self.settings.question_retention_days} days"
            )
        return found

    # -- votes --------------------------------------------------------------------------------
    def vote(self, answer_id: str, verdict: str, *, member: str, note: str = "", via: str = "",
             scope: str | None = None) -> VoteResult:
        """Store `member`'s verdict on an answer (a second vote replaces the first); with `scope`, only
        on an answer given in that scope (a Discord server votes on its own answers)."""
        if verdict not in VERDICTS:
            raise BotError(f"the verdict must be one of {', '.join(VERDICTS)}, not '{verdict}'")
        asked = self.question(answer_id)
        if scope is not None and asked.scope != scope:
            raise UnknownAnswer(f"answer '{asked.answer_id}' was not given here")
        vote = VoteRecord(
            answer_id=asked.answer_id, member=self.member_hash(member), verdict=verdict,
            at=self.now().isoformat(timespec="seconds"), scope=asked.scope, question=asked.question,
            asked_ts=asked.asked_ts, note=" ".join(note.split())[:MAX_NOTE_CHARS], via=via, sources=asked.sources,
        )
        previous = self.store.put_vote(vote)
        return VoteResult(asked.answer_id, verdict, previous.verdict if previous else None, asked.question)

    # -- retention ----------------------------------------------------------------------------
    def purge_expired(self, *, every: dt.timedelta | None = None) -> int:
        """Delete questions (and their votes) older than `question_retention_days`; with `every`, only
        if this process has not done so within that time."""
        now = self.now()
        if every is not None and self._purged_at is not None and now - self._purged_at < every:
            return 0
        self._purged_at = now
        cutoff = now - dt.timedelta(days=self.settings.question_retention_days)
        return self.store.purge(before_ts=utc_ts(cutoff))

    def purge_all(self, scope: str | None = None) -> int:
        """Forget every stored question, vote and re-check (of one scope, if given)."""
        return self.store.purge(scope=scope)


def _outcome(result) -> tuple[Answer, list[SourceRef], bool, str]:
    """(the extractive answer, the sources the member was shown, abstained?, mode) of an `Answer` or a
    `Synthesis` (told apart by shape: the library does not import the synthesis mode unless it is used)."""
    extractive = getattr(result, "extractive", None)
    if extractive is None:
        answer: Answer = result
        return answer, answer.closest if answer.abstained else answer.sources, answer.abstained, "extractive"
    if result.status == "answered":
        return extractive, list(result.sources), False, "synthesis"
    if result.status == "abstained":
        return extractive, extractive.closest, True, "synthesis"
    shown = extractive.closest if extractive.abstained else extractive.sources
    return extractive, shown, extractive.abstained, "fallback"

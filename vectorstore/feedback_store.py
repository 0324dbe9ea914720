"""Asked questions, members' votes on answers and the member-hash secret, in Chroma collections.

Kept in the same Chroma as the sources (a folder or a `chroma run` server), so several bot
processes against one server share every question and vote, and buttons under an answer keep
working whichever process answered it. Nothing here is searched by vector: records carry a
placeholder vector and are read by id or metadata filter (the question's own vector, for grouping,
rides in its metadata as a compact string). That keeps reads consistent across processes on an
embedded store, where another process's vector index would be stale, and means these writes never
force the chunk store's readers to reload (they do not bump its generation).

Writes on an embedded store are serialised across processes by their own lock file
(`feedback.lock`), not the ingest lock: recording a question must not wait for a long ingest.
A server serialises writes itself.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from vectorstore.chroma_connection import StoreConfig, connect, store_error
from vectorstore.errors import StoreError
from vectorstore.locking import write_lock

QUESTIONS = "citebot_questions"
VOTES = "citebot_votes"
META = "citebot_feedback_meta"  # the member-hash secret and cached re-checks of gap questions
SECRET_ID = "member-secret"
_PLACEHOLDER = [0.0]
_RETRIES = 6  # 0.05 s doubling, like ChromaStore's query retry
_BATCH = 500


@dataclass(frozen=True)
class SourceSeen:
    """A source an answer cited (or, for an abstention, one of the closest), as it was then."""

    document_id: str
    content_hash: str = ""
    title: str = ""
    outlet: str = ""
    url: str = ""
    published_at: str = ""


@dataclass(frozen=True)
class QuestionRecord:
    """One answered or abstained question. `sources` are the cited ones, or the closest for an abstention."""

    answer_id: str
    scope: str
    question: str
    asked_at: str  # ISO 8601, UTC
    asked_ts: int  # the same, in Unix seconds, for range filters and purging
    abstained: bool
    mode: str = "extractive"  # "extractive", "synthesis" or "fallback" (synthesis fell back to quotes)
    via: str = ""  # which adapter: "cli", "discord"
    sources: tuple[SourceSeen, ...] = ()
    vector: str = ""  # the question's embedding, vectorstore.sentence_vectors encoding ("" = none)

    @property
    def document_ids(self) -> list[str]:
        return [s.document_id for s in self.sources]

    @property
    def content_hashes(self) -> list[str]:
        return [s.content_hash for s in self.sources]


@dataclass(frozen=True)
class VoteRecord:
    """One member's verdict on one answer; `member` is a keyed hash, never a name or an id."""

    answer_id: str
    member: str
    verdict: str  # "helpful" or "wrong"
    at: str
    scope: str
    question: str
    asked_ts: int  # the question's, so a vote is purged with its question
    note: str = ""
    via: str = ""
    sources: tuple[SourceSeen, ...] = ()


@dataclass(frozen=True)
class Recheck:
    """A gap question asked again against the sources as they were (`fingerprint`)."""

    answer_id: str
    scope: str
    fingerprint: str
    answered: bool
    checked_at: str
    asked_ts: int
    sources: tuple[SourceSeen, ...] = field(default_factory=tuple)


def _sources_json(sources: Sequence[SourceSeen]) -> str:
    return json.dumps([asdict(s) for s in sources], ensure_ascii=False)


def _sources(raw: str) -> tuple[SourceSeen, ...]:
    try:
        return tuple(SourceSeen(**s) for s in json.loads(raw or "[]"))
    except (ValueError, TypeError):
        return ()


def _meta(record) -> dict:
    data = asdict(record)
    data["sources"] = _sources_json(record.sources)
    return data


def _question(meta: dict) -> QuestionRecord:
    return QuestionRecord(**{**meta, "sources": _sources(meta.get("sources", ""))})


def _vote(meta: dict) -> VoteRecord:
    return VoteRecord(**{**meta, "sources": _sources(meta.get("sources", ""))})


def _recheck(meta: dict) -> Recheck:
    return Recheck(**{**meta, "sources": _sources(meta.get("sources", ""))})


class FeedbackStore:
    """Questions, votes and the member secret of one store (same `StoreConfig` as its `ChromaStore`)."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._client = connect(config)
        try:
            self._questions = self._client.get_or_create_collection(QUESTIONS, embedding_function=None)
            self._votes = self._client.get_or_create_collection(VOTES, embedding_function=None)
            self._meta = self._client.get_or_create_collection(META, embedding_function=None)
        except Exception as err:
            raise store_error(config, err) from None

    def _call(self, fn, *args, **kwargs):
        """`fn(...)`, retried briefly on Chroma's transient compaction error, else one StoreError.

        Chroma 1.x can fail a request with "hnsw segment reader" while another client's writes are
        compacted (chroma-core/chroma#4212); it clears within moments and these calls are safe to repeat
        (reads, upserts, deletes by id or filter).
        """
        delay = 0.05
        for attempt in range(_RETRIES + 1):
            try:
                return fn(*args, **kwargs)
            except StoreError:
                raise
            except Exception as err:
                if attempt == _RETRIES or "hnsw segment reader" not in str(err):
                    raise store_error(self.config, err) from None
                time.sleep(delay)
                delay *= 2

    @contextmanager
    def _writing(self) -> Iterator[None]:
        if self.config.url:
            yield
            return
        with write_lock(self.config.path / "feedback.lock", timeout_s=self.config.lock_timeout_s):
            yield

    # -- the member-hash secret -----------------------------------------------------------------
    def secret(self) -> bytes:
        """The store's secret for hashing member ids, made on first use and then the same for every process.

        Two processes creating it at once both `add` theirs; Chroma keeps the first record with an
        id and ignores a second add, so both then read back the same one.
        """
        got = self._call(self._meta.get, ids=[SECRET_ID], include=["documents"])
        if not got["ids"]:
            with self._writing():
                self._call(self._meta.add, ids=[SECRET_ID], embeddings=[_PLACEHOLDER],
                           documents=[secrets.token_hex(32)], metadatas=[{"kind": "secret"}])
            got = self._call(self._meta.get, ids=[SECRET_ID], include=["documents"])
        return bytes.fromhex(got["documents"][0])

    # -- questions ------------------------------------------------------------------------------
    def add_question(self, record: QuestionRecord) -> None:
        with self._writing():
            self._call(self._questions.upsert, ids=[record.answer_id], embeddings=[_PLACEHOLDER], metadatas=[_meta(record)])

    def get_question(self, answer_id: str) -> QuestionRecord | None:
        got = self._call(self._questions.get, ids=[answer_id], include=["metadatas"])
        return _question(got["metadatas"][0]) if got["ids"] else None

    def questions(self, *, scope: str | None = None, since_ts: int | None = None, abstained: bool | None = None,
                  answer_ids: Sequence[str] | None = None) -> list[QuestionRecord]:
        """Stored questions matching every given filter, in no particular order."""
        clauses: list[dict] = []
        if scope is not None:
            clauses.append({"scope": scope})
        if since_ts is not None:
            clauses.append({"asked_ts": {"$gte": since_ts}})
        if abstained is not None:
            clauses.append({"abstained": abstained})
        if answer_ids is not None:
            if not answer_ids:
                return []
            clauses.append({"answer_id": {"$in": sorted(set(answer_ids))}})
        return [_question(m) for m in self._rows(self._questions, clauses)]

    def _rows(self, collection, clauses: list[dict]) -> Iterator[dict]:
        where = _where(clauses)
        offset = 0
        while True:
            got = self._call(collection.get, where=where, include=["metadatas"], limit=_BATCH, offset=offset)
            yield from got["metadatas"]
            if len(got["ids"]) < _BATCH:
                return
            offset += _BATCH

    # -- votes ----------------------------------------------------------------------------------
    @staticmethod
    def vote_id(answer_id: str, member: str) -> str:
        return f"{answer_id}|{member}"

    def put_vote(self, vote: VoteRecord) -> VoteRecord | None:
        """Store a member's vote on an answer, replacing their earlier one; return the replaced vote."""
        vote_id = self.vote_id(vote.answer_id, vote.member)
        with self._writing():
            got = self._call(self._votes.get, ids=[vote_id], include=["metadatas"])
            self._call(self._votes.upsert, ids=[vote_id], embeddings=[_PLACEHOLDER], metadatas=[_meta(vote)])
        return _vote(got["metadatas"][0]) if got["ids"] else None

    def votes(self, *, scope: str | None = None, verdict: str | None = None,
              answer_ids: Sequence[str] | None = None) -> list[VoteRecord]:
        clauses: list[dict] = []
        if scope is not None:
            clauses.append({"scope": scope})
        if verdict is not None:
            clauses.append({"verdict": verdict})
        if answer_ids is not None:
            if not answer_ids:
                return []
            clauses.append({"answer_id": {"$in": sorted(set(answer_ids))}})
        return [_vote(m) for m in self._rows(self._votes, clauses)]

    # -- re-checks of gap questions -------------------------------------------------------------
    def get_recheck(self, answer_id: str) -> Recheck | None:
        got = self._call(self._meta.get, ids=[f"recheck|{answer_id}"], include=["metadatas"])
        if not got["ids"]:
            return None
        meta = {k: v for k, v in got["metadatas"][0].items() if k != "kind"}
        return _recheck(meta)

    def put_recheck(self, recheck: Recheck) -> None:
        with self._writing():
            self._call(self._meta.upsert, ids=[f"recheck|{recheck.answer_id}"], embeddings=[_PLACEHOLDER],
                       metadatas=[{**_meta(recheck), "kind": "recheck"}])

    # -- retention ------------------------------------------------------------------------------
    def purge(self, *, before_ts: int | None = None, scope: str | None = None) -> int:
        """Delete questions asked before `before_ts` (None = all), with their votes and re-checks; returns
        how many questions went."""
        clauses: list[dict] = []
        if scope is not None:
            clauses.append({"scope": scope})
        if before_ts is not None:
            clauses.append({"asked_ts": {"$lt": before_ts}})
        ids = [m["answer_id"] for m in self._rows(self._questions, list(clauses))]
        if not ids and before_ts is not None:
            return 0  # votes and re-checks carry their question's time: none of them is older either
        with self._writing():
            for offset in range(0, len(ids), _BATCH):
                self._call(self._questions.delete, ids=ids[offset:offset + _BATCH])
            if clauses:
                self._call(self._votes.delete, where=_where(clauses))
            else:  # Chroma deletes by filter or by ids, never "everything": list them
                every = [self.vote_id(m["answer_id"], m["member"]) for m in self._rows(self._votes, [])]
                for offset in range(0, len(every), _BATCH):
                    self._call(self._votes.delete, ids=every[offset:offset + _BATCH])
            self._call(self._meta.delete, where=_where([*clauses, {"kind": "recheck"}]))
        return len(ids)


def _where(clauses: list[dict]) -> dict | None:
    """Chroma's filter for all of `clauses` (it wants one clause bare, several under $and)."""
    return None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}

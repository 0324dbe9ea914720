"""Every quotable sentence of the retrieved passages, scored against the question.

Scoring is kept apart from choosing (bot/engine/select.py) so that evaluation and the trained
judge (bot/engine/judge.py) see exactly the features the answer engine chooses from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.engine.attribution import CARRY_BACK, Attribution, attribute
from bot.engine.evidence import holds_answer_kind, names_the_one_asked_about
from bot.engine.sentences import MIN_SENTENCE_CHARS, passage_sentence_roles, passage_sentence_spans
from ingest.structure import FALLBACK_ROLES, QUOTABLE_ROLES
from vectorstore.embeddings import Embedder
from vectorstore.records import Passage
from vectorstore.sentence_vectors import decode_pairs as decode_sentence_vectors
from vectorstore.terms import distinctive_shares, query_terms, term_coverage, words

# Sentence scoring (measured on MultiHop-RAG dev, both halves of the split): meaning alone
# (question–sentence cosine) picks the sentence that holds the gold fact less often than the
# question's distinctive words do; adding their IDF-weighted share, less a little per rank of the
# passage the sentence came from, raised the share of citations from gold passages from 0.27 to
# 0.37 with the same coverage of the evidence articles.
RANK_PENALTY = 0.05
# Only this many sentences (the best by keywords and passage rank) are scored by meaning and can be
# quoted. Sentence vectors are stored at ingest, so scoring them all costs no model call; at 16,
# 18% of the evidence articles of MultiHop-RAG dev questions had no sentence in the shortlist
# (12% at 64, which takes every sentence of the top 8 passages).
EMBEDDED_CANDIDATES = 64
FULL_KEYWORD_TERMS = 8
# A sentence that holds what a typed question asks for (a number for "how many", a name for
# "who": bot/engine/evidence.py) gains this much; on MultiHop-RAG dev it is neutral for the
# retrieval-style metrics (citation precision 0.417 either way) and puts the answering
# sentence first on the sample corpus' "how many"/"where" questions.
ANSWER_KIND_BONUS = 0.1
# A short "who" question's sentence that names someone right beside a word of the question ("harbour
# master Ruth Okonjo" for "Who is the harbour master?") gains this more, and may be quoted below
# the quoting floors when another sentence of its article clears them: "Its chair, Denis Marlow,
# said …" shares no word with "the fishermen's cooperative" but the sentence before it. On the
# long "who" questions of MultiHop-RAG dev, naming outlets and dates, it cost citation precision.
ASKED_HOLDER_BONUS = 0.15
# Captions and key points that no body sentence repeats may be quoted, but a body sentence about
# as relevant comes first (a caption describes a photo, a bullet summarises).
FALLBACK_PENALTY = 0.1
# A question of at most this many content words is short: each of its words must count.
SHORT_QUESTION_TERMS = 7


@dataclass
class Candidate:
    passage: Passage
    start: int  # offsets into the document text
    end: int
    text: str
    score: float = 0.0
    attribution: Attribution = field(default_factory=lambda: Attribution("report"))
    vector: np.ndarray | None = None
    rank: int = 0  # of its passage in the retrieval order
    vocabulary: frozenset[str] = frozenset()  # its `words`, found once for every word-based score
    pooled: np.ndarray | None = None  # its vector stored at ingest (vectorstore/sentence_vectors.py), if any
    alone: np.ndarray | None = None  # the sentence embedded alone at ingest, if stored
    disputed: np.ndarray | None = None  # a dispute's vector alone without its background clause (bot/engine/disputes.py)
    keywords: float = 0.0  # bonus for the question's distinctive words, less a passage-rank cost (keyword_scores)
    judged: float = 0.0  # the trained judge's P(answers the question), bot/engine/judge.py
    relevance: float = 0.0  # the semantic score the quoting floor `min_sentence_score` applies to
    sim: float = 0.0  # the sentence's own cosine to the question (sentence-level evidence for abstention)
    fits: bool = True  # holds what the question asks for (bot/engine/evidence.py)
    names_asked: int = 0  # for "who": how surely it names the one asked about, 0..3 (evidence.names_the_one_asked_about)
    coverage: float = 0.0  # share of all the question's words it holds (vectorstore.terms.term_coverage)
    role: str = "body"  # its role in the article (ingest/structure.py); captions and key points are fallbacks
    before: tuple[str, ...] = ()  # the sentences above it in its passage, nearest first (whose speaker it may go on with)


def candidates_of(passages: list[Passage]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    found: list[Candidate] = []
    for rank, passage in enumerate(passages):
        spans, stored = passage_sentence_spans(passage)
        # vectors were stored for exactly the stored spans; chunks without either get none
        pooled, alone = decode_sentence_vectors(passage.extra.get("sentence_vectors", ""), len(spans)) if stored else ([], [])
        roles = passage_sentence_roles(passage, len(spans)) if stored else ("body",) * len(spans)
        for i, (s, e) in enumerate(spans):
            start, end = passage.start + s, passage.start + e
            text = passage.text[s:e]
            key = (passage.document_id, start)
            if key in seen or len(text) < MIN_SENTENCE_CHARS or roles[i] not in QUOTABLE_ROLES:
                continue  # headlines, bylines and datelines are never evidence
            seen.add(key)
            found.append(Candidate(
                passage, start, end, text, rank=rank, role=roles[i],
                pooled=pooled[i] if pooled else None, alone=alone[i] if alone else None,
                vocabulary=frozenset(words(text)),
                before=tuple(passage.text[a:b] for a, b in reversed(spans[max(0, i - CARRY_BACK):i])),
            ))
    return found


def keyword_scores(query: str, candidates: list[Candidate]) -> None:
    """Set each candidate's `keywords`: the IDF-weighted share of the question's content words it
    holds (`distinctive_shares`, IDF local to the candidates), less `RANK_PENALTY` per rank of
    its passage, scaled by how specific the question is.

    A share of two or three words moves in coarse steps (one word is a third of it), so short
    questions lean on meaning, long ones (named people, outlets, dates) on their words as well.
    """
    shares = distinctive_shares(query, [c.vocabulary for c in candidates])
    scale = min(1.0, len(query_terms(query)) / FULL_KEYWORD_TERMS)
    for candidate, share in zip(candidates, shares):
        candidate.keywords = scale * (share - RANK_PENALTY * candidate.rank)


def is_short(query: str) -> bool:
    """A question of few content words: its words are few enough that each must count (on a long
    one, naming outlets and dates, the ranking matches them already)."""
    return len(query_terms(query)) <= SHORT_QUESTION_TERMS


def _stored_vectors(candidate: Candidate, question_vector: np.ndarray) -> list[np.ndarray]:
    """Its vectors stored at ingest that fit the question's model, pooled first."""
    return [v for v in (candidate.pooled, candidate.alone) if v is not None and v.shape == question_vector.shape]


def score_candidates(
    query: str, passages: list[Passage], embedder: Embedder, answer_kind: str = "other",
    question_vector: np.ndarray | None = None,
) -> list[Candidate]:
    """Every quotable sentence of `passages`, the best `EMBEDDED_CANDIDATES` by keywords scored
    against `query`: meaning (`sim`), words (`keywords`, `coverage`), kind (`fits`), and labelled.

    Only shortlisted sentences get a `vector`; the rest cannot be quoted. Kept apart from the
    choice so that evaluation and the trained judge (bot/engine/judge.py) see exactly the
    features the answer engine chose from. A caller that needs the question's vector too (the
    judge does) passes it in, so the question is embedded once.
    """
    candidates = candidates_of(passages)
    if candidates:
        keyword_scores(query, candidates)
        shortlist = sorted(candidates, key=lambda c: (c.keywords, -c.rank), reverse=True)[:EMBEDDED_CANDIDATES]
        # only sentences without a vector stored at ingest go to the model
        if question_vector is None:
            question_vector = embedder.embed_query(query)
        short = is_short(query)
        stored_of = {id(c): _stored_vectors(c, question_vector) for c in shortlist}
        missing = [c for c in shortlist if not stored_of[id(c)]]
        fresh = embedder.embed_documents([c.text for c in missing]) if missing else []
        embedded = {id(c): v for c, v in zip(missing, fresh)}
        for candidate in shortlist:
            stored = stored_of[id(candidate)]
            vector = stored[0] if stored else embedded[id(candidate)]
            # the better of its meaning in context and alone (vectorstore/sentence_vectors.py)
            sim = max((float(v @ question_vector) for v in stored), default=float(vector @ question_vector))
            candidate.sim = sim
            candidate.fits = holds_answer_kind(candidate.text, answer_kind, query)
            candidate.names_asked = names_the_one_asked_about(candidate.text, query) if short and answer_kind == "person" else 0
            candidate.relevance = 0.75 * sim + 0.25 * candidate.passage.score
            candidate.score = (
                candidate.relevance + candidate.keywords
                + (ANSWER_KIND_BONUS if candidate.fits and answer_kind != "other" else 0.0)
                + (ASKED_HOLDER_BONUS if candidate.names_asked else 0.0)
                - (FALLBACK_PENALTY if candidate.role in FALLBACK_ROLES else 0.0)
            )
            candidate.vector = vector
            candidate.attribution = attribute(candidate.text, candidate.before)  # only shortlisted sentences can be quoted

    embedded_ones = [c for c in candidates if c.vector is not None]
    for candidate, coverage in zip(embedded_ones, term_coverage(query, [c.vocabulary for c in embedded_ones])):
        candidate.coverage = coverage
    return candidates

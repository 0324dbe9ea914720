"""Whether a quoted dispute disputes a quoted claim: what makes an answer read "The sources
disagree on this." Kept apart from quote selection because it is a judgement about two sentences'
meaning, not about the question.

A dispute often carries background in a clause set off by a comma ("No credible evidence … that
Ukraine was involved in the attack, which killed at least 139 people"): the clause is not what it
disputes, and a claim close to the sentence only through it ("more than 130 people had been
killed") is not disputed by it.
"""

from __future__ import annotations

import re

import numpy as np

from bot.engine.candidates import Candidate
from vectorstore.embeddings import Embedder

# A dispute is shown as disputing a quoted claim only when the two are about the same thing:
# their sentence vectors at least this close (sample corpus: the claims that the suspects
# headed for Ukraine vs "no credible evidence …", 0.47-0.71).
DISPUTE_LINK = 0.45
# ... and the dispute must itself bear on the question (its cosine to it at least this): on
# the sample corpus, "no evidence Ukraine was involved" disputes Putin's claim, but is not an
# answer to "where were the suspects arrested?" (0.28) and must not make that answer "disputed".
DISPUTE_RELEVANCE = 0.42
# A dispute is linked to a claim through its background clause when cutting the clause lowers
# their cosine (both embedded alone) by more than this (sample corpus: cut from the fact-check's
# sentence, the clause on the death toll lowers its cosine to "more than 130 people had been
# killed" by 0.23 and to Putin's and state television's Ukraine claims by at most 0.05).
BACKGROUND_DROP = 0.1
# ... a clause that ends the sentence: one after its subject names who disputes ("The union, which
# represents about 600 of the workers, rejected the company's explanation").
_BACKGROUND_CLAUSE = re.compile(r",\s+(?:which|who|whose|where)\b[^,;:]*(?=[.!?]?[”\"'’]?\s*$)")


def mark_what_disputes_dispute(candidates: list[Candidate], embedder: Embedder) -> None:
    """Give each dispute with a background clause its vector without it (`Candidate.disputed`),
    in one model call; only disputes whose sentence's vector alone was stored at ingest, which
    the claims it is compared with have too. The one model call on sentences at question time
    (every other sentence vector is stored at ingest), so the caller makes it only for a question
    of one fact, where a closing clause is most often what links a dispute to the answer."""
    marked = [c for c in candidates if c.attribution.kind == "dispute" and c.alone is not None and _BACKGROUND_CLAUSE.search(c.text)]
    if not marked:
        return
    vectors = embedder.embed_documents([_BACKGROUND_CLAUSE.sub("", c.text) for c in marked])
    for c, v in zip(marked, vectors):
        v = np.asarray(v, dtype=np.float32)
        c.disputed = v / (np.linalg.norm(v) or 1.0)


def _linked_by_its_background(dispute: Candidate, claim: Candidate) -> bool:
    if dispute.disputed is None or claim.alone is None:  # `disputed` is made only beside a stored `alone`
        return False
    return float(dispute.disputed @ claim.alone) < float(dispute.alone @ claim.alone) - BACKGROUND_DROP


def disputes_one_of(dispute: Candidate, claims: list[Candidate]) -> bool:
    """Is `dispute` about one of `claims` (close in meaning, and not only through its background
    clause) and about the question, rather than about something else in the same story?"""
    return dispute.sim >= DISPUTE_RELEVANCE and any(
        float(dispute.vector @ c.vector) >= DISPUTE_LINK and not _linked_by_its_background(dispute, c) for c in claims
    )

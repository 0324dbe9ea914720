"""Selecting quotes: pick the sentences that answer, quote them verbatim, cite them, or abstain.

No sentence of an answer is generated: every statement is a quote of stored text at recorded
offsets, labelled with whose claim it is. When nothing relevant enough is found, the answer says
so with `CANNOT_ANSWER` and lists the closest sources instead of guessing.
"""

from __future__ import annotations

import re

from bot.engine.abstention import ASKING_WORDS, answers_alone, asks_what_the_story_never_mentions
from bot.engine.answer import Answer, Citation, SourceRef, closest_sources, source_ref
from bot.engine.candidates import Candidate, is_short, score_candidates
from bot.engine.disputes import disputes_one_of, mark_what_disputes_dispute
from bot.engine.evidence import STARTERS, asked_act, date_precision
from bot.engine.judge import SentenceJudge, judge_features
from bot.engine.subject import answer_subject, asks_for_a_name, name_the_subject, of_the_named, question_names
from ingest.structure import FALLBACK_ROLES
from vectorstore.embeddings import Embedder
from vectorstore.records import Passage
from vectorstore.terms import CALENDAR_WORDS, query_terms

MAX_QUOTES_PER_DOCUMENT = 3
SAME_DOCUMENT_PENALTY = 0.02
MMR_LAMBDA = 0.75
# The answer kinds whose answer is one fact (a number, a date, a place): quotes much less close
# to the question than the one that answers are left out.
SINGLE_FACT_KINDS = ("count", "date", "place")
# A cause is often told without a word that marks it ("the fire was travelling underground through
# the peat"), so a "why" question's kind ranks and leads its quotes but never makes it abstain.
UNCHECKED_KINDS = ("other", "reason")
# A typed question is answered only by a sentence of its kind that holds a fair share of the
# question's words or is close in meaning: "Who is the mayor of Port Ellery?" over an article
# that names no mayor finds names (coverage 0.2, cosine 0.4) but nothing about a mayor. On
# MultiHop-RAG dev, applied to long questions too, it abstained on 3 of 99 answerable "who"
# questions and on 10 "which company" ones: it applies to short questions only.
# A key-point bullet and the body sentence it summarises are this close (messy test corpus:
# "About 1,800 warehouse workers walked out…" vs the body's sentence, 0.7-0.9).
SAME_FACT = 0.6
# A short question's quotes come from articles whose best sentence's relevance is within this of
# the best article's (messy test corpus: unrelated stories' sentences at 0.35 beside answers at 0.6;
# the sample corpus' five Crocus articles lie within 0.08 of each other for the canonical question).
STORY_MARGIN = 0.15
# ... and, unless they use the words the best article shares with the question, whose best passage
# is within this of the best passage (five messy sets: the article that answers a short question
# lies within 0.08 of the best passage, and the sample corpus' Crocus articles within 0.105 of it for
# the canonical question; unrelated sample articles had given 7 of the sets' 1,097 quotes).
PASSAGE_STORY_MARGIN = 0.12
TYPED_MIN_COVERAGE = 0.35
TYPED_MIN_SIM = 0.45



def _select(
    candidates: list[Candidate], settings, query: str, outlets: set[str] = frozenset(), short: bool = False,
    dates: set = frozenset(),
) -> list[Candidate]:
    """Greedy pick of relevant sentences that spreads over documents and sides of a dispute.

    Maximal marginal relevance: a sentence that repeats one already picked (two reports of the
    same statement) is worth less than one that adds a new fact.
    A sentence's value drops a little for each sentence already taken from its document, so one
    article does not crowd out the others. A question that names outlets ("what did TechCrunch
    report…") is answered from those outlets when they hold relevant sentences. If claims were
    picked but the passages also hold a relevant sentence disputing them, that sentence is
    included, from any outlet: showing one side of a contested story would mislead. A short
    question is answered from the articles of its story only (`_from_the_story`).
    """
    relevant = [c for c in candidates if c.vector is not None and c.relevance >= settings.min_sentence_score]
    relevant = [c for c in relevant if c.role not in FALLBACK_ROLES or not _said_in_the_body(c, relevant)]
    if relevant:  # a sentence far less relevant than the best is from another story
        floor = max(c.relevance for c in relevant) - settings.quote_relevance_spread
        relevant = [c for c in relevant if c.relevance >= floor]
        articles = {c.passage.document_id for c in relevant}
        taken = {id(c) for c in relevant}
        relevant += [c for c in candidates if c.names_asked and id(c) not in taken and c.passage.document_id in articles]
    if short and relevant:
        relevant = _from_the_story(relevant, candidates, query, outlets)
    pool = _of_the_named_days([c for c in relevant if c.passage.outlet in outlets] or list(relevant), dates)
    chosen: list[Candidate] = []
    per_document: dict[str, int] = {}
    seen_text: set[str] = set()

    def value(c: Candidate) -> float:
        redundancy = max((float(c.vector @ o.vector) for o in chosen), default=0.0)
        return (
            MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * redundancy
            - SAME_DOCUMENT_PENALTY * per_document.get(c.passage.document_id, 0)
        )

    while pool and len(chosen) < settings.max_quotes:
        best = max(pool, key=value)
        pool.remove(best)
        norm = " ".join(best.text.lower().split())
        if norm in seen_text or per_document.get(best.passage.document_id, 0) >= MAX_QUOTES_PER_DOCUMENT:
            continue
        seen_text.add(norm)
        per_document[best.passage.document_id] = per_document.get(best.passage.document_id, 0) + 1
        chosen.append(best)
    taken = {id(c) for c in chosen}
    claims = [c for c in chosen if c.attribution.kind == "claim"]
    disputes = [c for c in relevant if c.attribution.kind == "dispute" and id(c) not in taken and disputes_one_of(c, claims)]
    if claims and not any(disputes_one_of(c, claims) for c in chosen if c.attribution.kind == "dispute") and disputes:
        best_dispute = max(disputes, key=lambda c: c.score)
        if len(chosen) >= settings.max_quotes:  # make room: a second quote of an article goes first
            repeated = [c for c in chosen if per_document[c.passage.document_id] > 1]
            reports = repeated or [c for c in chosen if c.attribution.kind != "claim"] or chosen
            chosen.remove(min(reports, key=lambda c: c.score))
        chosen.append(best_dispute)
    return chosen


def _of_the_named_days(pool: list[Candidate], dates: set) -> list[Candidate]:
    """A question that names a day ("the Verge article published on October 4") means that day's
    article: of an outlet with one published on a named day, only those are quoted."""
    if not dates:
        return pool
    days = {d.isoformat() for d in dates}
    on_the_day = {id(c) for c in pool if c.passage.published_at[:10] in days}
    dated_outlets = {c.passage.outlet for c in pool if id(c) in on_the_day}
    return [c for c in pool if c.passage.outlet not in dated_outlets or id(c) in on_the_day]


def _from_the_story(relevant: list[Candidate], candidates: list[Candidate], query: str, outlets: set[str]) -> list[Candidate]:
    """The sentences of articles whose best sentence is within `STORY_MARGIN` of the best article's:
    a short question is about one story, and an article far less relevant is about another one,
    even when one of its sentences clears the quoting floors. An article whose best passage is also
    more than `PASSAGE_STORY_MARGIN` below the best passage is kept only if it uses every word the
    best article shares with the question, or is of an outlet the question names: "How many people
    have been arrested over the museum break-in?" is not about the Moscow attack's arrests, but two
    short reports of one dam's crack, one far closer to the question than the other, are one story.
    Within the passage margin, an article that shares words with the question but none of those the
    best article shares matched another sense of them: "Which officer is heading the hunt for the
    thieves?" is not about men "heading for Ukraine". One that shares no word at all is kept: it
    may say the same thing in other words ("diversion" for "detour")."""
    best: dict[str, float] = {}
    for c in relevant:
        best[c.passage.document_id] = max(best.get(c.passage.document_id, -1.0), c.relevance)
    passage_best: dict[str, float] = {}
    vocabulary: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for c in candidates:
        passage_best[c.passage.document_id] = max(passage_best.get(c.passage.document_id, -1.0), c.passage.score)
        vocabulary.setdefault(c.passage.document_id, set()).update(c.vocabulary)
        names.setdefault(c.passage.document_id, set()).update(_names_in(c.text))
    floor = max(best.values()) - STORY_MARGIN
    passage_floor = max(passage_best.values()) - PASSAGE_STORY_MARGIN
    lead = max(best, key=best.get)
    asked = set(query_terms(query))
    story_words = {t for t in asked if t in vocabulary[lead]}
    # of those, the ones that can name a topic: not "long" or "must" ("How long is the detour …")
    topic_words = {t for t in story_words - ASKING_WORDS if len(t) >= TOPIC_WORD_LETTERS}

    def of_the_story(c: Candidate) -> bool:
        document = c.passage.document_id
        shared = asked & vocabulary[document]
        # sharing no word of the question, it must share a name with a story the question's words
        # pick out (the towpath, not the ferry's "fuel bill" for "How much will the towpath repairs cost?")
        same_sense = bool(shared & story_words) if shared else (len(topic_words) < 2 or bool(names[document] & names[lead]))
        near = passage_best[document] >= passage_floor and same_sense
        return best[document] >= floor and (near or story_words <= vocabulary[document] or c.passage.outlet in outlets)

    return [c for c in relevant if of_the_story(c)]


TOPIC_WORD_LETTERS = 5
HONORIFIC_WORDS = frozenset("mr mrs ms miss dr sir cllr".split())
_INNER_NAME = re.compile(r"(?<=[\w,;:’'\"”)]\s)[A-Z][\w'’\-]{2,}")


def _names_in(text: str) -> set[str]:
    """The capitalised words inside a sentence (not its first word): the places, people and bodies
    a story is about. Two reports of one story name the same ones whatever words they ask with."""
    return {m.group().lower() for m in _INNER_NAME.finditer(text)} - CALENDAR_WORDS - STARTERS - HONORIFIC_WORDS


def _said_in_the_body(c: Candidate, others: list[Candidate]) -> bool:
    """A caption or key-point bullet is quoted only when no body sentence of its article says the
    same: a summary line repeats the story, the body is where it is reported (and attributed)."""
    return any(
        o.role == "body" and o.passage.document_id == c.passage.document_id and float(o.vector @ c.vector) >= SAME_FACT
        for o in others
    )


def _with_the_asked_holder(chosen: list[Candidate], pool: list[Candidate], settings) -> list[Candidate]:
    """The quotes with the story's sentence naming the holder of the asked role in place of their
    weakest, when none names them as surely (one beside the question's act, "Owner Dimitri Kostas"
    for "Who owns the kiosk?", is surer than one beside its other words, "Anita Rowe said the kiosk
    …"): "Who manages the club?" is answered by "The manager, Kev Aldous, said …", which shares no
    word with it, not by the sentences that share the club's name."""
    taken = {id(c) for c in chosen}
    quotable = [c for c in pool if c.names_asked and c.vector is not None and c.relevance >= settings.min_sentence_score]
    surest = max((c.names_asked for c in quotable), default=0)
    holders = [c for c in quotable if c.names_asked == surest and id(c) not in taken]
    if not holders or any(c.names_asked >= surest for c in chosen):
        return chosen
    weakest = min(chosen, key=lambda c: c.score) if len(chosen) >= settings.max_quotes else None
    return [c for c in chosen if c is not weakest] + [max(holders, key=lambda c: c.score)]


def _answers_kind(c: Candidate, short: bool) -> bool:
    """For a typed question: of the asked kind and, for a short question, about what was asked
    (words or meaning). A long question's many words are matched by the ranking already; held to
    this test, 10 of MultiHop-RAG dev's answerable "which company …" questions abstained."""
    return c.fits and (not short or c.coverage >= TYPED_MIN_COVERAGE or c.sim >= TYPED_MIN_SIM)


def _with_one_of_the_kind(chosen: list[Candidate], candidates: list[Candidate], short: bool, settings) -> list[Candidate]:
    """The quotes with the best sentence of the asked kind (`_answers_kind`) of their articles in
    place of their weakest, when none of them is of that kind: the picks favour the question's
    words, and "In mitigation, Sallow's solicitor, Anita Grewal, said …" shares none of "Who was
    the landlord's lawyer in court?" while being its closest sentence. Unchanged when no such
    sentence clears the quoting floor."""
    articles = {c.passage.document_id for c in chosen}
    taken = {id(c) for c in chosen}
    of_kind = [
        c for c in candidates
        if c.vector is not None and id(c) not in taken and c.passage.document_id in articles
        and c.relevance >= settings.min_sentence_score and _answers_kind(c, short)
    ]
    if not of_kind:
        return chosen
    weakest = min(chosen, key=lambda c: c.score)
    return [c for c in chosen if c is not weakest] + [max(of_kind, key=lambda c: c.sim)]


def _unify_speakers(citations: list[Citation]) -> list[Citation]:
    """Call one person by one name: 'Putin' and 'Vladimir Putin' become 'Vladimir Putin'."""
    from dataclasses import replace

    names = {c.speaker for c in citations if c.speaker}
    canonical = {n: max((m for m in names if m == n or m.endswith(" " + n)), key=len) for n in names}
    return [replace(c, speaker=canonical.get(c.speaker, c.speaker)) for c in citations]


def compose_answer(
    question: str, query: str, passages: list[Passage], embedder: Embedder, settings, *,
    outlets: set[str] = frozenset(), answer_kind: str = "other", judge: SentenceJudge | None = None,
    dates: set = frozenset(),
) -> Answer:
    """Select, label and cite the sentences that answer `query`, or abstain.

    From question analysis: `outlets` the question names (their sentences are quoted first) and
    `answer_kind` ("count", "date", "place", "person", "reason" or "other": what the question asks for).
    Abstention judges passages and sentences: below `min_passage_score` a question is still
    answered when one sentence alone reaches `min_sentence_answer_score` (a long chunk whose one
    sentence answers); a typed question with no quotable sentence of its kind is abstained on.
    With a `judge`, its probability times `judge_weight` is added to each sentence's score: it
    ranks and picks the quotes, never decides abstention.
    """
    top = max((p.score for p in passages), default=0.0)  # hybrid order is by fused rank, not by score
    short = is_short(query)
    if not passages or (not short and top < settings.min_passage_score - settings.sentence_rescue_margin):
        return Answer(question, abstained=True, closest=closest_sources(passages), top_score=top)

    question_vector = embedder.embed_query(query)
    candidates = score_candidates(query, passages, embedder, answer_kind, question_vector)
    embedded_ones = [c for c in candidates if c.vector is not None]
    if judge is not None and settings.judge_weight > 0 and embedded_ones:
        features = judge_features(embedded_ones, question_vector, answer_kind, top, outlets)
        for candidate, p in zip(embedded_ones, judge.probabilities(features)):
            candidate.judged = float(p)
            candidate.score += settings.judge_weight * candidate.judged
    checked = answer_kind not in UNCHECKED_KINDS
    act = asked_act(query) if short and answer_kind == "person" else frozenset()
    if top < settings.min_passage_score and not any(answers_alone(c, settings, checked, short, act) for c in embedded_ones):
        return Answer(question, abstained=True, closest=closest_sources(passages), top_score=top)
    if checked and short and asks_what_the_story_never_mentions(query, passages, embedded_ones, answer_kind):
        return Answer(question, abstained=True, closest=closest_sources(passages), top_score=top)
    if answer_kind in SINGLE_FACT_KINDS:  # whether one fact is disputed (below); others embed nothing more
        mark_what_disputes_dispute(embedded_ones, embedder)
    pool = candidates
    if short:  # the outlets a question names pick whose quotes come first (`_select`), not the story
        story_names = question_names(query) - {w for outlet in outlets for w in outlet.split()}
        story_ids = {p.document_id for p in of_the_named(passages, story_names)}
        pool = [c for c in candidates if c.passage.document_id in story_ids]
    chosen = _select(pool, settings, query, outlets, short, dates)
    subject = answer_subject(query, passages) if asks_for_a_name(query, answer_kind) and not short else None
    named = None
    if subject is not None and chosen:
        chosen, named = name_the_subject(chosen, candidates, subject, settings.min_sentence_score, settings.max_quotes)
    if checked and chosen and not any(_answers_kind(c, short) for c in chosen):
        chosen = _with_one_of_the_kind(chosen, candidates, short, settings)
    if checked and short and answer_kind == "person" and chosen:
        chosen = _with_the_asked_holder(chosen, pool, settings)
    if checked and not any(_answers_kind(c, short) for c in chosen):
        chosen = []  # on the topic, but nothing quotable says what was asked
    if not chosen:
        return Answer(question, abstained=True, closest=closest_sources(passages), top_score=top)

    # the sentence that answers best leads (one added to name the subject in full; for a typed
    # question: among those of the asked kind, meaning counts double the keywords, which also
    # favour sentences that merely share the topic); the rest read claims, reports, then disputes
    order = {"claim": 0, "report": 1, "dispute": 2}
    # a "when" question's most exact date leads among the sentences of its kind about as close to it
    # as the closest one (meaning first: an exact date in a sentence about something else does not)
    near = max((c.sim for c in chosen if c.fits), default=0.0) - settings.single_fact_margin
    lead = named or max(chosen, key=lambda c: (c.fits, date_precision(c.text) if answer_kind == "date" and c.fits and c.sim >= near else 0, c.names_asked,
                                               c.sim + 0.5 * c.keywords if answer_kind != "other" else c.score))
    if answer_kind in SINGLE_FACT_KINDS:
        chosen = [c for c in chosen if c is lead or c.sim >= lead.sim - settings.single_fact_margin]
    rest = sorted((c for c in chosen if c is not lead), key=lambda c: (order[c.attribution.kind], -c.score))
    labelled = [(c, c.attribution) for c in [lead, *rest]]

    numbers: dict[str, int] = {}
    sources: list[SourceRef] = []
    citations: list[Citation] = []
    for c, attribution in labelled:
        p = c.passage
        if p.document_id not in numbers:
            numbers[p.document_id] = len(numbers) + 1
            sources.append(source_ref(numbers[p.document_id], p))
        citations.append(Citation(
            n=numbers[p.document_id], quote=c.text, document_id=p.document_id, start=c.start, end=c.end,
            title=p.title, outlet=p.outlet, author=p.author, published_at=p.published_at, url=p.url,
            score=round(c.score, 4), kind=attribution.kind, speaker=attribution.speaker,
        ))
    citations = _unify_speakers(citations)
    # a question of one fact is disputed only over that fact: "How many people died?" is not
    # "disagreed on" because the claims that answer it sit beside a doubt that Ukraine was involved
    claims = [c for c, a in labelled if a.kind == "claim" and (c.fits or answer_kind not in SINGLE_FACT_KINDS)]
    conflict = any(a.kind == "dispute" and disputes_one_of(c, claims) for c, a in labelled)
    return Answer(question, abstained=False, citations=citations, sources=sources, conflict=conflict, top_score=top)

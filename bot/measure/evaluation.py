"""Retrieval and grounding quality on MultiHop-RAG-style data (`citebot eval`).

The corpus is ingested with citebot's own pipeline (`Citebot.ingest` of the .jsonl), then every
question goes through the same retriever and answer engine a user gets. Metrics:

- fact level (the benchmark's own metric, comparable with published figures): a passage is
  relevant if a gold `fact`, with spaces and newlines removed, is a substring of the passage
  text with spaces and newlines removed. Hits@k, MRR@10, MAP@10 (normalised by
  min(#gold facts, 10)); null questions are excluded.
- article level: evidence articles (matched by URL) among the top-k passages' articles:
  recall@k and the share of questions with *all* evidence articles in the top 10.
- abstention: share of null questions abstained on (good) and of answerable ones (bad).
- citation precision: over all citations of non-abstaining answers to answerable questions, the
  share whose cited passage (the retrieved chunk the quote was taken from) contains a gold fact,
  or whose quote is itself part of a gold fact. `quote_precision` is the stricter view: the
  quoted sentence lies inside a gold fact. `cited_evidence` is its counterweight (precision alone
  rewards quoting less): the share of a question's evidence articles its answer quotes.
- answer level (does the answer carry the answer?): over questions whose gold answer is a name or
  phrase (not Yes/No, not the null questions' "Insufficient information."), `answer_in_quotes` is
  the share whose gold answer, case-insensitive, appears in the answer's quoted sentences (an
  abstention quotes nothing), `answer_in_passages` the same over the passages the answer engine
  read (the top `top_k`): its ceiling. `mean_quotes`: quotes per answered (non-abstaining) question.
- mean passage length in word-piece tokens of the embedding model, over all stored chunks.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import BotError

K_EVAL = 10
_SPACES = re.compile(r"[ \n\r\t]+")


class EvalDataError(BotError):
    """The queries or corpus file is missing or not in the expected format."""


def squash(text: str) -> str:
    """The benchmark's normalisation: remove spaces and newlines."""
    return _SPACES.sub("", text)


@dataclass(frozen=True)
class Query:
    id: str
    question: str
    question_type: str
    facts: tuple[str, ...]
    evidence_urls: tuple[str, ...]
    answer: str = ""  # the gold answer: a name, "Yes"/"no", or "Insufficient information."

    @property
    def is_null(self) -> bool:
        return not self.facts


def load_queries(path: Path, limit: int | None = None) -> list[Query]:
    """Read a queries .jsonl (`question`, `question_type`, `evidence: [{url, fact}]`)."""
    if not path.is_file():
        raise EvalDataError(f"queries file {path} does not exist; pass --queries FILE (a .jsonl)")
    queries: list[Query] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            evidence = row.get("evidence") or []
            queries.append(Query(
                id=str(row.get("id", lineno)), question=str(row["question"]),
                question_type=str(row.get("question_type") or "unknown"),
                facts=tuple(squash(e["fact"]) for e in evidence if e.get("fact")),
                evidence_urls=tuple(dict.fromkeys(e["url"] for e in evidence if e.get("url"))),
                answer=str(row.get("answer") or ""),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise EvalDataError(f"{path}:{lineno} is not a query row ({type(err).__name__}: {err})") from None
        if limit is not None and len(queries) >= limit:
            break
    if not queries:
        raise EvalDataError(f"queries file {path} holds no questions")
    return queries


# -- per-question metrics ---------------------------------------------------------------------
def relevant_flags(passage_texts: list[str], facts: Iterable[str]) -> list[bool]:
    squashed = [squash(t) for t in passage_texts]
    facts = [f for f in facts if f]
    return [any(f in s for f in facts) for s in squashed]


def fact_metrics(passage_texts: list[str], facts: tuple[str, ...]) -> dict[str, float]:
    """Hits@4, Hits@10, MRR@10, MAP@10 exactly as the benchmark's evaluation code defines them."""
    flags = relevant_flags(passage_texts[:K_EVAL], facts)
    first = next((i for i, f in enumerate(flags) if f), None)
    hits, precision_sum = 0, 0.0
    for i, flag in enumerate(flags):
        if flag:
            hits += 1
            precision_sum += hits / (i + 1)
    return {
        "hits@4": float(any(flags[:4])),
        "hits@10": float(any(flags)),
        "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
        "map@10": precision_sum / min(len(facts), K_EVAL) if facts else 0.0,
    }


def article_metrics(passage_urls: list[str], gold_urls: tuple[str, ...]) -> dict[str, float]:
    gold = set(gold_urls)
    out = {}
    for k in (4, 10):
        found = gold & set(passage_urls[:k])
        out[f"article_recall@{k}"] = len(found) / len(gold)
    out["all_evidence@10"] = float(gold <= set(passage_urls[:K_EVAL]))
    return out


# Gold answers a quote cannot contain verbatim: yes/no verdicts and the null questions' answer.
_VERDICTS = {"yes", "no", "insufficient information"}


def _fold(text: str) -> str:
    """Case-folded, whitespace runs as one space: the form answers and texts are compared in."""
    return _SPACES.sub(" ", text).strip().casefold()


def checkable_answer(query: Query) -> str:
    """The gold answer as a string to look for in quotes, or "" when there is none to look for
    (a null question, a Yes/No verdict). A trailing full stop is not part of it ("Sam Bankman-Fried.")."""
    answer = _fold(query.answer).rstrip(".").strip()
    return "" if query.is_null or answer in _VERDICTS else answer


def answer_found(answer: str, texts: Iterable[str]) -> bool:
    """Whether `answer` (from `checkable_answer`) occurs, case-insensitive, in any of `texts`."""
    return bool(answer) and any(answer in _fold(t) for t in texts)


def citation_flags(citations, passages, facts: tuple[str, ...]) -> tuple[list[bool], list[bool]]:
    """(passage-level, quote-level) precision flags, one per citation."""
    by_passage, by_quote = [], []
    for c in citations:
        quote = squash(c.quote)
        in_fact = any(quote in f for f in facts)
        source = next(
            (p for p in passages if p.document_id == c.document_id and p.start <= c.start and c.end <= p.end), None
        )
        in_passage = bool(source is not None and any(f in squash(source.text) for f in facts))
        by_passage.append(in_fact or in_passage)
        by_quote.append(in_fact)
    return by_passage, by_quote


# -- the run ----------------------------------------------------------------------------------
@dataclass
class QuestionResult:
    query: Query
    metrics: dict[str, float] = field(default_factory=dict)
    abstained: bool = False
    top_score: float = 0.0
    cited: list[bool] = field(default_factory=list)
    quoted: list[bool] = field(default_factory=list)
    cited_evidence: float | None = None  # share of the evidence articles the answer quotes
    quotes: int = 0  # quotes in the answer (0 when it abstained)
    answer_in_quotes: bool | None = None  # None: no checkable gold answer, or answers not run
    answer_in_passages: bool | None = None


@dataclass
class EvalReport:
    overall: dict[str, float | int | None]
    by_type: dict[str, dict[str, float | int | None]]
    settings: dict[str, object]
    timing: dict[str, float]
    counts: dict[str, int]

    def to_dict(self) -> dict:
        return {
            "overall": self.overall, "by_type": self.by_type, "settings": self.settings,
            "timing": self.timing, "counts": self.counts,
        }


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def summarise(results: list[QuestionResult], answers: bool = True) -> dict[str, float | int | None]:
    answerable = [r for r in results if not r.query.is_null]
    nulls = [r for r in results if r.query.is_null]
    out: dict[str, float | int | None] = {"questions": len(results), "answerable": len(answerable), "null": len(nulls)}
    keys = ["hits@4", "hits@10", "mrr@10", "map@10", "article_recall@4", "article_recall@10", "all_evidence@10"]
    for key in keys:
        out[key] = _mean([r.metrics[key] for r in answerable])
    checkable = [r for r in results if r.answer_in_passages is not None]
    out["answer_questions"] = len(checkable)
    out["answer_in_passages"] = _mean([float(r.answer_in_passages) for r in checkable])
    if not answers:
        out.update(null_abstention=None, false_abstention=None, citation_precision=None, quote_precision=None,
                   cited_evidence=None, answer_in_quotes=None, mean_quotes=None)
        return out
    out["null_abstention"] = _mean([float(r.abstained) for r in nulls])
    out["false_abstention"] = _mean([float(r.abstained) for r in answerable])
    cited = [flag for r in answerable if not r.abstained for flag in r.cited]
    quoted = [flag for r in answerable if not r.abstained for flag in r.quoted]
    out["citation_precision"] = _mean([float(f) for f in cited])
    out["quote_precision"] = _mean([float(f) for f in quoted])
    out["cited_evidence"] = _mean([r.cited_evidence for r in answerable if r.cited_evidence is not None])
    out["answer_in_quotes"] = _mean([float(r.answer_in_quotes) for r in checkable if r.answer_in_quotes is not None])
    out["mean_quotes"] = _mean([float(r.quotes) for r in results if not r.abstained])
    return out


def abstention_curve(results: list[QuestionResult], current: float) -> list[dict[str, float]]:
    """What each candidate `min_passage_score` would give, from one run at `current`.

    Exact for t ≥ `current`: a question abstains under t if its best passage scores below t, or
    if it abstained in this run with a best passage at or above `current` (another rule: no
    sentence relevant enough, an unknown outlet). Below `current` it is a lower bound, since a
    question under `current` may also have tripped another rule; calibrate from a low `current`.
    """
    def abstains(r: QuestionResult, t: float) -> bool:
        return r.top_score < t or (r.abstained and r.top_score >= current)

    curve = []
    for step in range(20, 71, 2):
        t = step / 100
        curve.append({
            "min_passage_score": t,
            "null_abstention": _mean([float(abstains(r, t)) for r in results if r.query.is_null]),
            "false_abstention": _mean([float(abstains(r, t)) for r in results if not r.query.is_null]),
        })
    return curve


ProgressFactory = Callable[[int, str], "object"]


def _count_tokens(texts: Iterable[str]) -> list[int]:
    """Word pieces of the bundled model's tokenizer (with [CLS]/[SEP]), untruncated."""
    from tokenizers import Tokenizer

    from vectorstore.embeddings import DEFAULT_MODEL, resolve_model_path

    tokenizer = Tokenizer.from_file(str(resolve_model_path(DEFAULT_MODEL) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    texts = list(texts)
    counts: list[int] = []
    for offset in range(0, len(texts), 1000):
        counts.extend(len(e.ids) for e in tokenizer.encode_batch(texts[offset:offset + 1000]))
    return counts


def run_eval(bot, queries: list[Query], corpus: Path, *, progress: Callable[[str, int], Callable[[int], None]] | None = None, answers: bool = True) -> EvalReport:
    """Ingest `corpus` into `bot`'s store (unchanged articles are skipped), then ask every question."""
    if not corpus.is_file():
        raise EvalDataError(f"corpus file {corpus} does not exist; pass --corpus FILE (a .jsonl)")
    noop = lambda n=1: None  # noqa: E731
    started = time.perf_counter()
    report = bot.ingest([str(corpus)], actor="eval", progress=progress("ingest", 0) if progress else None)
    ingest_s = time.perf_counter() - started
    if report.failed:
        first = report.failed[0]
        raise EvalDataError(f"{len(report.failed)} corpus items failed to ingest, first: {first.error}")

    token_counts = _count_tokens(text for _, text, _ in bot.store.iter_chunks(bot.settings.scope))
    tick = progress("questions", len(queries)) if progress else noop
    results: list[QuestionResult] = []
    started = time.perf_counter()
    for query in queries:
        passages = bot.retrieve(query.question, k=K_EVAL)
        result = QuestionResult(query)
        gold = checkable_answer(query)
        read = passages[: bot.settings.top_k]  # what the answer engine reads
        if gold:
            result.answer_in_passages = answer_found(gold, (p.text for p in read))
        if not query.is_null:
            result.metrics = {
                **fact_metrics([p.text for p in passages], query.facts),
                **article_metrics([p.url for p in passages], query.evidence_urls),
            }
        if answers:
            # what `ask` does, reusing this search: the top `top_k` of the top 10 are the same
            # passages (both searches draw the same candidate pools before fusion)
            answer = bot.answer_from(query.question, read)
            result.abstained, result.top_score = answer.abstained, answer.top_score
            result.quotes = 0 if answer.abstained else len(answer.citations)
            if gold:
                result.answer_in_quotes = not answer.abstained and answer_found(gold, (c.quote for c in answer.citations))
            if not query.is_null and not answer.abstained:
                result.cited, result.quoted = citation_flags(answer.citations, passages, query.facts)
                if query.evidence_urls:
                    cited_urls = {c.url for c in answer.citations}
                    result.cited_evidence = len(cited_urls & set(query.evidence_urls)) / len(query.evidence_urls)
        results.append(result)
        tick(1)
    questions_s = time.perf_counter() - started

    by_type: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        by_type[r.query.question_type].append(r)
    overall = summarise(results, answers)
    overall["mean_passage_tokens"] = round(statistics.fmean(token_counts), 1) if token_counts else None
    overall["max_passage_tokens"] = max(token_counts) if token_counts else None
    if answers:
        overall["abstention_curve"] = abstention_curve(results, bot.settings.min_passage_score)
    s = bot.settings
    return EvalReport(
        overall=overall,
        by_type={t: summarise(rs, answers) for t, rs in sorted(by_type.items())},
        settings={"min_passage_score": s.min_passage_score, "min_sentence_score": s.min_sentence_score,
                  "top_k": s.top_k, "chunk_max_chars": s.chunk_max_chars},
        timing={"ingest_s": round(ingest_s, 1), "questions_s": round(questions_s, 1),
                "per_question_ms": round(1000 * questions_s / len(queries), 1)},
        counts={"documents": len(bot.sources()), "chunks": len(token_counts),
                "added": report.count("added"), "unchanged": report.count("unchanged")},
    )


TABLE_COLUMNS = [
    ("hits@4", "Hits@4"), ("hits@10", "Hits@10"), ("mrr@10", "MRR@10"), ("map@10", "MAP@10"),
    ("article_recall@4", "ArtR@4"), ("article_recall@10", "ArtR@10"), ("all_evidence@10", "AllEv@10"),
    ("null_abstention", "NullAbst"), ("false_abstention", "FalseAbst"), ("citation_precision", "CitePrec"),
    ("quote_precision", "QuotePrec"), ("cited_evidence", "CitedEv"),
    ("answer_in_quotes", "AnsQuote"), ("answer_in_passages", "AnsPass"), ("mean_quotes", "Quotes"),
]


def format_table(report: EvalReport) -> str:
    """A plain-text table: one row overall, one per question type."""
    def cell(value) -> str:
        return "   -  " if value is None else f"{value:6.3f}"

    header = f"{'':<18}{'n':>5} " + " ".join(f"{label:>9}" for _, label in TABLE_COLUMNS)
    lines = [header]
    for name, row in [("overall", report.overall), *report.by_type.items()]:
        lines.append(f"{name:<18}{row['questions']:>5} " + " ".join(f"{cell(row.get(key)):>9}" for key, _ in TABLE_COLUMNS))
    o, t, c = report.overall, report.timing, report.counts
    lines.append(f"answers: AnsQuote/AnsPass = gold answer in the quotes / in the passages read, over the "
                 f"{o['answer_questions']} questions whose gold answer is not Yes/No/insufficient; "
                 f"Quotes = quotes per answered question")
    lines.append(
        f"passages: {c['chunks']} from {c['documents']} documents, mean {o['mean_passage_tokens']} tokens "
        f"(max {o['max_passage_tokens']}); abstention threshold min_passage_score={report.settings['min_passage_score']}, "
        f"min_sentence_score={report.settings['min_sentence_score']}"
    )
    lines.append(f"time: ingest {t['ingest_s']} s ({c['added']} added, {c['unchanged']} unchanged), "
                 f"questions {t['questions_s']} s ({t['per_question_ms']} ms each)")
    return "\n".join(lines)

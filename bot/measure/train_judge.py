"""Train the sentence judge (bot/engine/judge.py) on MultiHop-RAG's dev split, reproducibly.

    python -m bot.measure.train_judge --store DIR

ingests the corpus into DIR (articles already there are skipped), asks every answerable dev
question with the shipped engine (the judge off), and labels each sentence the engine could quote:
1 when it lies inside a gold evidence fact or holds the gold answer, else 0. The fit is
deterministic (Newton's method, fixed L2), so the same store gives the same weights.

`--half even|odd` writes weights trained on that half only (with `--out`), so that
`citebot eval --queries` on the other half, with CITEBOT_JUDGE_WEIGHTS_PATH pointing at them,
measures the judge on questions it never saw.

Before writing, it checks the judge on held-out questions: trained on one half of the split
(even or odd line), it must rank an answering sentence first more often than the hand-set score
does on the other half, both ways round; otherwise nothing is written and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.engine.judge import WEIGHTS, fit_judge, judge_features
from bot.engine.candidates import score_candidates
from bot.measure.evaluation import EvalDataError, answer_found, checkable_answer, load_queries, squash
from vectorstore.query_analysis import answer_kind, named_outlets

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "multihop"
L2 = 100.0


@dataclass
class Example:
    """One answered question's quotable sentences: features, labels and the hand-set scores."""

    half: int
    features: np.ndarray
    labels: np.ndarray
    hand_scores: np.ndarray


def collect(bot, queries) -> list[Example]:
    """The engine's own features for every answerable question it does not abstain on."""
    examples = []
    for i, q in enumerate(queries):
        if q.is_null:
            continue
        passages = bot.retrieve(q.question, k=10)[: bot.settings.top_k]
        if not passages or bot.answer_from(q.question, passages).abstained:
            continue
        kind = answer_kind(q.question)
        question_vector = bot.embedder.embed_query(q.question)
        candidates = [c for c in score_candidates(q.question, passages, bot.embedder, kind, question_vector) if c.vector is not None]
        if not candidates:
            continue
        outlets = named_outlets(q.question, sorted({p.outlet for p in passages if p.outlet}))
        top = max(p.score for p in passages)
        gold = checkable_answer(q)
        labels = [
            float(any(squash(c.text) in f for f in q.facts) or (bool(gold) and answer_found(gold, [c.text])))
            for c in candidates
        ]
        examples.append(Example(
            i % 2, judge_features(candidates, question_vector, kind, top, outlets),
            np.asarray(labels), np.asarray([c.score for c in candidates]),
        ))
    return examples


def first_answers(examples: list[Example], scores_of) -> float:
    """Share of questions (with some answering sentence) whose best-scored sentence answers."""
    hits = [float(e.labels[int(np.argmax(scores_of(e)))]) for e in examples if e.labels.any()]
    return float(np.mean(hits)) if hits else 0.0


def held_out_check(examples: list[Example]) -> list[dict]:
    rows = []
    for train_half in (0, 1):
        train = [e for e in examples if e.half == train_half]
        test = [e for e in examples if e.half != train_half]
        judge = fit_judge(np.vstack([e.features for e in train]), np.concatenate([e.labels for e in train]), l2=L2)
        rows.append({
            "trained_on": "even" if train_half == 0 else "odd",
            "tested_on_questions": len(test),
            "hand_score_first_answers": round(first_answers(test, lambda e: e.hand_scores), 3),
            "with_judge_first_answers": round(first_answers(test, lambda e: e.hand_scores + judge.probabilities(e.features)), 3),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.measure.train_judge", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="Data directory to ingest the corpus into (reused if it holds it).")
    parser.add_argument("--queries", type=Path, default=DEFAULT_DATA / "queries_dev.jsonl", help="Dev questions .jsonl (default: the dev split).")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DATA / "corpus.jsonl", help="Articles .jsonl (default: the full corpus).")
    parser.add_argument("--half", choices=("even", "odd"), default=None,
                        help="Train the written weights on this half of the questions only (by line: even = 1st, 3rd, …), to measure them on the other.")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help=f"Where to write the weights (default: {WEIGHTS.name} in bot/engine).")
    args = parser.parse_args(argv)

    from bot.errors import BotError
    from bot.library import Citebot
    from bot.settings import Settings

    try:
        queries = load_queries(args.queries)
        if not args.corpus.is_file():
            raise EvalDataError(f"corpus file {args.corpus} does not exist; pass --corpus FILE (a .jsonl)")
        bot = Citebot(Settings(home=args.store, judge_weight=0.0))
        report = bot.ingest([str(args.corpus)], actor="train-judge")
        if report.failed:
            raise EvalDataError(f"{len(report.failed)} corpus items failed to ingest, first: {report.failed[0].error}")
        examples = collect(bot, queries)
    except BotError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    checks = held_out_check(examples)
    print(json.dumps({"questions": len(examples), "sentences": int(sum(len(e.labels) for e in examples)), "held_out": checks}, indent=2))
    if any(c["with_judge_first_answers"] <= c["hand_score_first_answers"] for c in checks):
        print("error: the judge does not beat the hand-set score on both halves; weights not written", file=sys.stderr)
        return 1
    if args.half:
        examples = [e for e in examples if e.half == (0 if args.half == "even" else 1)]
    judge = fit_judge(
        np.vstack([e.features for e in examples]), np.concatenate([e.labels for e in examples]), l2=L2,
        trained_on=f"{args.queries.name}{f' ({args.half} half)' if args.half else ''}: {len(examples)} answered questions, "
                   f"{sum(len(e.labels) for e in examples)} sentences",
    )
    args.out.write_text(json.dumps(judge.to_json()) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

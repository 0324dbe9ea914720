"""`citebot eval`: measure retrieval, abstention and citations on a MultiHop-RAG-style split."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click

# the repository sits next to shared/ (../shared from the repository root; this file is bot/cli/evaluate.py)
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "multihop"


@click.command("eval")
@click.option("--queries", "queries_path", type=click.Path(path_type=Path), default=None,
              help="Questions .jsonl (id, question, answer, question_type, evidence[{url, fact}]). Default: the dev split.")
@click.option("--corpus", "corpus_path", type=click.Path(path_type=Path), default=None,
              help="Articles .jsonl (title, source, url, published_at, body). Default: the full corpus.")
@click.option("--smoke", is_flag=True, help="Use the small smoke split (smoke_queries/smoke_corpus) unless files are given.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N questions.")
@click.option("--store", "store_home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Reuse this data directory (articles already there are not re-embedded). Default: a fresh temporary store.")
@click.option("--no-answers", is_flag=True, help="Score retrieval only (quicker): skip the answer engine, abstention and citations.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (overall, by_type, timing) on stdout.")
def eval_command(queries_path: Path | None, corpus_path: Path | None, smoke: bool, limit: int | None,
                 store_home: Path | None, no_answers: bool, as_json: bool) -> None:
    """Ingest a corpus into a fresh store and score every question's retrieval, abstention and citations.

    \b
    Metrics: fact-level Hits@4/Hits@10/MRR@10/MAP@10 (the MultiHop-RAG benchmark's own metric),
    article-level recall and all-evidence@10, null/false abstention, citation and quote precision,
    cited evidence, the gold answer in the quotes and in the passages read (questions with a name
    answer), quotes per answer, mean passage tokens, wall times.
    Settings (thresholds, retrieval) come from CITEBOT_* as usual.
    """
    from tqdm import tqdm

    from bot.measure.evaluation import format_table, load_queries, run_eval
    from bot.library import Citebot
    from bot.settings import Settings

    prefix = "smoke_" if smoke else ""
    queries_path = queries_path or DEFAULT_DATA / f"{prefix}queries{'' if smoke else '_dev'}.jsonl"
    corpus_path = corpus_path or DEFAULT_DATA / f"{prefix}corpus.jsonl"
    queries = load_queries(queries_path, limit)

    bars: list[tqdm] = []

    def progress(stage: str, total: int):
        for old in bars:
            old.close()
        bar = tqdm(total=total or None, desc=stage, unit="q" if total else "doc", file=sys.stderr, leave=False)
        bars.append(bar)
        return bar.update

    with tempfile.TemporaryDirectory(prefix="citebot-eval-") as tmp:
        home = store_home or Path(tmp)
        bot = Citebot(Settings(home=home))
        try:
            report = run_eval(bot, queries, corpus_path, progress=progress, answers=not no_answers)
        finally:
            for bar in bars:
                bar.close()
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    else:
        click.echo(f"citebot eval: {queries_path.name} over {corpus_path.name}")
        click.echo(format_table(report))

"""`citebot bench`: run the performance benchmark and print a table or one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.evaluate import DEFAULT_DATA


def _table(r: dict) -> str:
    r = {"cold_ask_cpu_median_s": float("nan"), **r}  # also renders JSON saved by older versions of the bench
    r.setdefault("cold_ask_no_daemon_median_s", r["cold_ask_median_s"])
    r.setdefault("cold_ask_no_daemon_runs_s", r["cold_ask_runs_s"])
    r.setdefault("cold_ask_no_daemon_cpu_median_s", r["cold_ask_cpu_median_s"])
    r.setdefault("query_cpu_p50_ms", {str(s): float("nan") for s in r["query_sizes"]})
    r.setdefault("query_answered", {str(s): "?" for s in r["query_sizes"]})
    b = r["cold_breakdown_s"]
    lines = [
        f"embedding backend        {r['embedding_backend']}",
        f"cold `citebot ask`       no daemon: median {r['cold_ask_no_daemon_median_s']:.2f} s over {len(r['cold_ask_no_daemon_runs_s'])} runs "
        f"(runs: {', '.join(f'{x:.2f}' for x in r['cold_ask_no_daemon_runs_s'])}); CPU time median {r['cold_ask_no_daemon_cpu_median_s']:.2f} s; "
        f"peak RSS {r['cold_ask_rss_mb']:.0f} MB",
        f"  breakdown              interpreter {b['interpreter_s']:.2f} s, imports {b['imports_s']:.2f} s, "
        f"store open {b['store_open_s']:.2f} s, model load {b['model_load_s']:.2f} s, first query {b['first_query_s']:.2f} s",
        *_daemon_lines(r),
        f"ingest                   {r['ingest_articles']} articles, {r['ingest_chunks']} chunks in {r['ingest_seconds']:.1f} s: "
        f"{r['ingest_chunks_per_s']:.1f} chunks/s, {r['ingest_articles_per_s']:.2f} articles/s; peak RSS {r['ingest_rss_mb']:.0f} MB",
        f"raw encode (ST, torch)   {r['raw_encode_chunks_per_s']:.1f} chunks/s at batch {r['raw_encode_batch_size']}  "
        f"→ ingest / raw = {r['ingest_ratio_to_raw']:.2f}",
        f"store on disk            {r['ingest_store_mb']:.1f} MB after ingest",
        "",
        f"{'chunks':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU p50':>8} {'answered':>9} {'bot RSS MB':>11} {'store MB':>9} {'build s':>8}",
    ]
    for size in r["query_sizes"]:
        k = str(size)
        lines.append(
            f"{size:>8} {r['query_p50_ms'][k]:>8.1f} {r['query_p95_ms'][k]:>8.1f} {r['query_p99_ms'][k]:>8.1f} "
            f"{r['query_cpu_p50_ms'][k]:>8.1f} {r['query_answered'][k]:>9} "
            f"{r['bot_like_process_rss_mb'][k]:>11.0f} {r['store_mb'][k]:>9.1f} {r['store_build_s'][k]:>8.1f}"
        )
    largest = str(r["query_sizes"][-1])
    lines += [
        f"({r['query_count']} questions per size; 'bot RSS' = a long-lived process that loads Citebot with the model "
        "and answers them, standing in for the Discord bot; stores are built, and their keyword index synced, in another "
        "process first, as `citebot ingest` leaves them; RSS = that process's own peak (VmHWM), except for `citebot ask` "
        f"processes: wait4's ru_maxrss, which also counts the bench parent's {r.get('bench_parent_rss_mb') or 0:.0f} MB)",
        f"cold `citebot ask` peak RSS at {largest} chunks: {r['query_ask_process_rss_mb'][largest]:.0f} MB; "
        f"query_rss_mb (max of both) {r['query_rss_mb']:.0f} MB",
        f"filler: {r['filler_chunks']} synthetic + {r['real_chunks_in_query_store']} real chunks; {r['filler_method']}",
    ]
    return "\n".join(lines)


def _daemon_lines(r: dict) -> list[str]:
    """The cold-start rows for a warm daemon, and which of the two `cold_ask_median_s` is."""
    if "cold_ask_daemon_median_s" not in r:  # JSON saved by versions of the bench before the daemon
        return []
    runs = ", ".join(f"{x:.2f}" for x in r["cold_ask_daemon_runs_s"])
    return [
        f"  with a warm daemon     median {r['cold_ask_daemon_median_s']:.2f} s over {len(r['cold_ask_daemon_runs_s'])} runs "
        f"(runs: {runs}); CPU median {r['cold_ask_daemon_cpu_median_s']:.2f} s in the client + "
        f"{r['cold_ask_daemon_server_cpu_s']:.2f} s in the daemon; daemon peak RSS {r['daemon_rss_mb']:.0f} MB",
        f"  cold_ask_median_s is   {r['cold_ask_median_is']}",
    ]


@click.command("bench")
@click.option("--quick", is_flag=True, help="Tiny sizes (a few articles, a few hundred chunks): checks the bench runs, numbers mean little.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the table.")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=DEFAULT_DATA,
              show_default=True, help="Folder with the multihop benchmark's corpus.jsonl and queries_dev.jsonl.")
@click.option("--articles", type=click.IntRange(1), default=None, help="Articles of the corpus to ingest (default 150; quick: 2).")
@click.option("--sizes", default=None, help="Comma-separated store sizes in chunks for query latency (default 1000,10000,100000).")
@click.option("--queries", "query_count", type=click.IntRange(1), default=None, help="Questions timed per store size (default 60).")
@click.option("--cold-runs", type=click.IntRange(1), default=None, help="Fresh `citebot ask` processes timed (default 5).")
def bench_command(quick: bool, as_json: bool, data: Path, articles: int | None, sizes: str | None,
                  query_count: int | None, cold_runs: int | None) -> None:
    """Measure cold start, ingestion vs. the raw model, warm query latency at several store sizes,
    peak memory and store size. Works in a scratch folder; your store is never touched.

    Takes ~10 minutes at the default sizes on a 2-core machine (building 100k chunks dominates).
    """
    from bot.measure.bench import BenchConfig, run_bench

    corpus, queries = data / "corpus.jsonl", data / "queries_dev.jsonl"
    for f in (corpus, queries):
        if not f.is_file():
            raise click.BadParameter(f"{f} is missing; point --data at the multihop benchmark folder", param_hint="--data")
    cfg = BenchConfig.quick_config(corpus, queries) if quick else BenchConfig(corpus, queries)
    if articles:
        cfg.articles = articles
    if sizes:
        try:
            cfg.sizes = sorted(int(s) for s in sizes.split(",") if s.strip())
        except ValueError:
            raise click.BadParameter(f"'{sizes}' is not a list of numbers like 1000,10000", param_hint="--sizes") from None
    if query_count:
        cfg.query_count = query_count
    if cold_runs:
        cfg.cold_runs = cold_runs
    result = run_bench(cfg, log=lambda msg: click.echo(f"bench: {msg}", err=True))
    click.echo(json.dumps(result) if as_json else _table(result))
    sys.stdout.flush()

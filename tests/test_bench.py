"""`citebot bench --quick` runs end to end and reports every documented number (no timing limits)."""

import json
import os
import subprocess
import sys

import pytest

from tests.benchmark_data import MULTIHOP, require_benchmark
from tests.conftest import REPO


@pytest.mark.slow
def test_quick_bench_reports_every_documented_number_as_json():
    data = require_benchmark("corpus.jsonl", "queries_dev.jsonl")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--quick", "--json", "--data", str(data)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    sizes = [str(s) for s in report["query_sizes"]]
    assert len(sizes) >= 2
    for key in ("cold_ask_median_s", "cold_ask_cpu_median_s", "cold_ask_daemon_median_s", "cold_ask_daemon_cpu_median_s",
                "cold_ask_no_daemon_median_s", "daemon_rss_mb", "ingest_ratio_to_raw", "query_rss_mb", "ingest_chunks_per_s",
                "ingest_articles_per_s", "raw_encode_chunks_per_s", "ingest_rss_mb", "ingest_store_mb"):
        assert report[key] > 0, key
    for key in ("query_p50_ms", "query_p95_ms", "query_p99_ms", "bot_like_process_rss_mb", "store_mb"):
        assert set(report[key]) == set(sizes), key
        assert all(v > 0 for v in report[key].values()), key
    assert all(report["query_p50_ms"][s] <= report["query_p99_ms"][s] for s in sizes)
    assert report["cold_ask_median_s"] == report["cold_ask_daemon_median_s"]  # the default at a terminal after one ask
    assert report["cold_ask_daemon_server_cpu_s"] >= 0
    assert set(report["cold_breakdown_s"]) == {"interpreter_s", "imports_s", "store_open_s", "model_load_s", "first_query_s"}
    assert report["ingest_chunks"] > 0 and report["ingest_articles"] == 2
    # the largest store was really grown to its size with filler chunks
    assert report["filler_chunks"] + report["real_chunks_in_query_store"] >= int(sizes[-1])
    assert report["store_mb"][sizes[-1]] > report["store_mb"][sizes[0]]


def test_full_size_bench_config_is_plain_data():
    """The default (non-quick) configuration is what `citebot bench` reports; it must be plain values.
    (Only paths to the benchmark: this runs without the data.)"""
    from dataclasses import asdict

    from bot.measure.bench import BenchConfig

    cfg = BenchConfig(MULTIHOP / "corpus.jsonl", MULTIHOP / "queries_dev.jsonl")
    assert cfg.quick is False and cfg.sizes == [1_000, 10_000, 100_000]
    json.dumps(asdict(cfg), default=str)

"""Benchmark tests skip with one line on a fresh clone and fail in CI; no other test needs ../shared."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmark_data import REPO, benchmarks_required, require_benchmark

TESTS = REPO / "tests"
# The benchmark tier: the only tests that may read ../shared, each through require_benchmark.
BENCHMARK_TESTS = {"test_eval.py", "test_multihop_smoke.py", "test_bench.py", "test_judge.py"}
# The gate itself, and the check that store_checks no longer reads it (points the old name at nothing).
GATE_FILES = {"benchmark_data.py", "test_benchmark_gate.py", "test_news_articles.py"}
READS_BENCHMARK = re.compile(
    r"\bMULTIHOP\b|/\s*[\"']shared[\"']|benchmarks/multihop|smoke_(corpus|queries)\.jsonl|queries_dev\.jsonl")


@pytest.mark.parametrize(("env", "required"), [
    ({}, False), ({"CI": "true"}, True), ({"CI": "1"}, True), ({"CI": "false"}, False), ({"CI": ""}, False),
    ({"CITEBOT_REQUIRE_BENCHMARKS": "1"}, True), ({"CITEBOT_REQUIRE_BENCHMARKS": "0"}, False),
    ({"CITEBOT_REQUIRE_BENCHMARKS": "1", "CI": "false"}, True),
])
def test_the_environment_decides_whether_a_missing_benchmark_fails(env, required):
    assert benchmarks_required(env) is required


def test_missing_data_skips_with_one_line_naming_its_source_or_fails_when_required(tmp_path):
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_benchmark("corpus.jsonl", data=tmp_path / "absent", required=False)
    line = str(skipped.value)
    assert "\n" not in line and "../shared/benchmarks/multihop" in line and "MultiHop-RAG" in line
    with pytest.raises(pytest.fail.Exception) as failed:
        require_benchmark("corpus.jsonl", data=tmp_path / "absent", required=True)
    assert "CITEBOT_REQUIRE_BENCHMARKS" in str(failed.value)
    (tmp_path / "present").mkdir()
    (tmp_path / "present" / "corpus.jsonl").write_text("{}\n")
    assert require_benchmark("corpus.jsonl", data=tmp_path / "present", required=True) == tmp_path / "present"


def _run_pytest_on(tmp_path: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    """A one-test pytest run (own rootdir, no conftest) whose benchmark folder does not exist."""
    (tmp_path / "test_needs_benchmark.py").write_text(
        "from pathlib import Path\n"
        "from tests.benchmark_data import require_benchmark\n\n"
        "def test_needs_it():\n"
        f"    require_benchmark('corpus.jsonl', data=Path({str(tmp_path / 'no-shared')!r}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CITEBOT_REQUIRE_BENCHMARKS")}
    env.update(PYTHONPATH=str(REPO), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", **env_extra)  # no third-party plugins: fast
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider", "test_needs_benchmark.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_under_citebot_require_benchmarks_a_missing_benchmark_fails_the_run(tmp_path):
    local = _run_pytest_on(tmp_path, {})
    assert local.returncode == 0, local.stdout
    assert "1 skipped" in local.stdout
    assert [line for line in local.stdout.splitlines() if line.startswith("SKIPPED")] == [
        line for line in local.stdout.splitlines() if "MultiHop-RAG" in line]  # one line per skip, saying where from
    for env in ({"CITEBOT_REQUIRE_BENCHMARKS": "1"}, {"CI": "true"}):
        required = _run_pytest_on(tmp_path, env)
        assert required.returncode == 1 and "1 failed" in required.stdout, (env, required.stdout)


def test_only_the_benchmark_tier_reads_shared_and_only_through_the_gate():
    for path in sorted(TESTS.rglob("*.py")):
        if path.name in GATE_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(REPO)
        assert not re.search(r"skipif\([^)]*(MULTIHOP|shared|benchmark)", text, re.S), f"{where}: use require_benchmark, not skipif"
        if path.name in BENCHMARK_TESTS:
            assert "require_benchmark(" in text, f"{where} must gate its benchmark tests with require_benchmark"
        else:
            assert not READS_BENCHMARK.search(text), f"{where} reads the benchmark: only {sorted(BENCHMARK_TESTS)} may"

"""The one gate for tests that need the MultiHop-RAG benchmark data, which the repository lacks.

Why: the benchmark (../shared/benchmarks/multihop beside the checkout) is provided to CI but not
to someone who clones the repo, so its tests (smoke eval, smoke retrieval, bench) skip there with
one line saying where the data comes from. In CI a skip would hide a lost tier, so with
CITEBOT_REQUIRE_BENCHMARKS=1 (set by .ci/run) or CI set (CI=true, what CI runners export) a
missing file fails the test instead. Every other test runs on data the repository holds.
Benchmark tests call `require_benchmark` (or use the `multihop` fixture); tests/test_benchmark_gate.py
checks that no test reads the benchmark any other way.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MULTIHOP = REPO.parent / "shared" / "benchmarks" / "multihop"
REQUIRE_ENV = "CITEBOT_REQUIRE_BENCHMARKS"
_OFF = {"", "0", "false", "no", "off"}


def benchmarks_required(env: Mapping[str, str]) -> bool:
    """Whether a missing benchmark is a failure: CITEBOT_REQUIRE_BENCHMARKS=1, or CI set (not to 0/false)."""
    return env.get(REQUIRE_ENV, "").strip().lower() not in _OFF or env.get("CI", "").strip().lower() not in _OFF


# Read once at import (collection time): the autouse fixture in conftest.py removes every
# CITEBOT_* variable before each test runs, so the test-time environment cannot tell.
REQUIRED = benchmarks_required(os.environ)


def require_benchmark(*files: str, data: Path | None = None, required: bool | None = None) -> Path:
    """The benchmark folder, if it holds `files`; else skip (locally) or fail (in CI) with one line."""
    data = MULTIHOP if data is None else data
    missing = [name for name in files or ("corpus.jsonl",) if not (data / name).is_file()]
    if not missing:
        return data
    caller = inspect.currentframe().f_back.f_code.co_name  # pytest reports this file's line, so name the test
    line = (f"{caller}: needs {', '.join(missing)} from ../shared/benchmarks/multihop (the MultiHop-RAG benchmark, "
            f"beside the repo in CI, not part of it); not found at {data}")
    if REQUIRED if required is None else required:
        pytest.fail(f"{line}; {REQUIRE_ENV}=1 or CI is set, so a missing benchmark fails", pytrace=False)
    pytest.skip(line)

"""Helpers for the shared-store tests: article files (tests/news_articles.py), real CLI processes, consistency checks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.news_articles import write_articles  # noqa: F401 (the tests' article files)
from vectorstore.chroma_store import ChromaStore


def cli_env(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.update({f"CITEBOT_{k.upper()}": v for k, v in settings.items()})
    return env


def start_cli(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def kill_at(env: dict[str, str], point: str, *args: str, timeout_s: float = 120) -> str:
    """Run `citebot ARGS` until the store's test hook pauses at `point`, then SIGKILL it.

    Returns the process's stderr up to the pause (for diagnostics). Fails if it never pauses.
    """
    proc = start_cli({**env, "CITEBOT_TEST_PAUSE_AT": point}, *args)
    seen = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # blocks line by line; the hook flushes its line before sleeping
            seen.append(line)
            if f"paused at {point}" in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=timeout_s)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"never paused at {point}: {''.join(seen)[-2000:]}"
    return "".join(seen)


def live_chunk_counts(store: ChromaStore) -> dict[tuple[str, str], int]:
    """How many chunks of each document's *live* version (the registry's hash) are stored."""
    registry = {(r.scope, r.document_id): r.content_hash for r in store.list_documents()}
    counts: dict[tuple[str, str], int] = {}
    for _, _, meta in store.iter_chunks():
        key = (meta["scope"], meta["document_id"])
        if registry.get(key) == meta["content_hash"]:
            counts[key] = counts.get(key, 0) + 1
    return counts


def assert_every_document_complete(store: ChromaStore) -> None:
    """Each registered document has exactly its chunk_count live chunks: none half-present."""
    counts = live_chunk_counts(store)
    for record in store.list_documents():
        assert counts.get((record.scope, record.document_id), 0) == record.chunk_count, record.title


def assert_no_duplicates(store: ChromaStore) -> None:
    ids = [cid for cid, _, _ in store.iter_chunks()]
    assert len(ids) == len(set(ids))
    locators = [(r.scope, r.url or r.origin) for r in store.list_documents()]
    assert len(locators) == len(set(locators))

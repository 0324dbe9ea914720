"""Helpers for the shared-store tests: real article files, real CLI processes, consistency checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import MULTIHOP, REPO
from vectorstore.chroma_store import ChromaStore


def write_articles(path: Path, start: int, count: int, min_chars: int = 2500) -> Path:
    """`count` multi-chunk benchmark articles (read-only source) as one JSONL file in tmp."""
    rows = []
    with (MULTIHOP / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if len(row.get("body") or "") >= min_chars:
                rows.append(row)
            if len(rows) >= start + count:
                break
    path.write_text("".join(json.dumps(r) + "\n" for r in rows[start:start + count]), encoding="utf-8")
    return path


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

"""The source registry shared by processes through a real `chroma run` server.

Two citebot clients point at one server: a moderator's decision made through one applies to
ingestion through the other at once, with no local side file involved.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.library import Citebot
from tests.conftest import make_settings

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_url(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.fail("the 'chroma' command (from the chromadb package) is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail("chroma run exited at start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_tier_set_through_one_client_governs_ingestion_through_another(tmp_path, chroma_url, embedder):
    moderator = Citebot(make_settings(tmp_path / "a", chroma_url=chroma_url), embedder=embedder)
    ingester = Citebot(make_settings(tmp_path / "b", chroma_url=chroma_url), embedder=embedder)
    article = tmp_path / "x.md"
    article.write_text("---\ntitle: X\nurl: https://spam.example.net/x\n---\n\nA short story about a harbour.\n")

    moderator.set_trust("spam.example.net", "blocked", actor="mod")
    assert [(e.domain, e.tier) for e in ingester.trust_entries()] == [("spam.example.net", "blocked")]
    refused = ingester.ingest([str(article)]).items[0]
    assert refused.status == "failed" and "is blocked" in refused.error

    moderator.set_trust("spam.example.net", "unknown", actor="mod")
    assert ingester.ingest([str(article)]).items[0].status == "added"
    assert [e.action for e in ingester.audit()[:3]] == ["ingest", "trust", "trust"]

"""The invented articles that the crash-safety and shared-store tests ingest: no ../shared needed."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

from ingest.chunking import chunk_document
from ingest.formats import parse_bytes
from tests import store_checks
from tests.news_articles import article

FICTIONAL_HOST = re.compile(r"\.example(\.(com|org|net))?$")  # reserved for examples (RFC 2606)


def test_store_checks_writes_multi_chunk_articles_without_the_benchmark(tmp_path, monkeypatch):
    # Where the benchmark would be if store_checks still read it: nowhere (a fresh clone).
    monkeypatch.setattr(store_checks, "MULTIHOP", tmp_path / "no-shared", raising=False)
    path = store_checks.write_articles(tmp_path / "a.jsonl", 2, 6)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len({r["title"] for r in rows}) == len({r["url"] for r in rows}) == 6
    documents = parse_bytes(path.read_bytes(), name=path.name, origin=str(path))
    assert [d.title for d in documents] == [r["title"] for r in rows]
    for document in documents:
        assert len(chunk_document(document, max_chars=700)) >= 4  # the default chunk size: many chunks each
        assert FICTIONAL_HOST.search(urlparse(document.url).hostname), document.url


def test_the_same_index_always_gives_the_same_article():
    assert article(7) == article(7) and article(7) != article(8)
    assert len({article(i)["title"] for i in range(120)}) == 120
    assert all(FICTIONAL_HOST.search(urlparse(article(i)["url"]).hostname) for i in range(120))

"""One store shared by several citebot processes through a real `chroma run` server.

Covers: moving a store from embedded to a server (export/import, no re-embedding), the server
going away and coming back under a running citebot, a long-running embedded citebot seeing another
process's writes, and two ingest processes at once while a third process keeps asking.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from click.testing import CliRunner

from bot.main import cli
from bot.library import Citebot
from tests.chroma_server import ChromaServer
from tests.conftest import CANONICAL_QUESTION, make_settings
from tests.store_checks import (
    assert_every_document_complete,
    assert_no_duplicates,
    cli_env,
    start_cli,
    write_articles,
)
from vectorstore.errors import StoreUnavailable


def _stored(store):
    chunks, _, _ = store.collections()
    got = chunks.get(include=["embeddings", "documents"])
    # Chroma keeps float32 (the server's JSON prints them in float32's shortest form), so compare as float32.
    return {cid: (text, np.asarray(vec, dtype=np.float32).tobytes()) for cid, text, vec in zip(got["ids"], got["documents"], got["embeddings"])}


@pytest.mark.server
def test_export_from_embedded_then_import_into_server_keeps_vectors_and_answers(
    sample_home, chroma_server, embedder, tmp_path
):
    runner = CliRunner()
    dump = tmp_path / "store.jsonl"
    exported = runner.invoke(cli, ["export", str(dump), "--json"], env=cli_env(sample_home))
    assert exported.exit_code == 0, exported.output
    server_env = cli_env(tmp_path / "home", chroma_url=chroma_server.url, chroma_database="migrated")
    imported = runner.invoke(cli, ["import", str(dump), "--json"], env=server_env)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["chunks"] == json.loads(exported.output)["chunks"] > 0
    assert json.loads(imported.output)["inexact_vectors"] == 0  # see vectorstore/cosine_roundtrip.py

    local = Citebot(make_settings(sample_home), embedder=embedder)
    shared = Citebot(make_settings(tmp_path / "home", chroma_url=chroma_server.url, chroma_database="migrated"), embedder=embedder)
    assert _stored(shared.store) == _stored(local.store)  # same ids, texts and vectors, bit for bit
    assert shared.sources() == local.sources()
    assert [e.to_dict() for e in shared.audit(limit=100)] == [e.to_dict() for e in local.audit(limit=100)]
    assert shared.ask(CANONICAL_QUESTION).to_dict() == local.ask(CANONICAL_QUESTION).to_dict()

    again = runner.invoke(cli, ["import", str(dump)], env=server_env)  # idempotent
    assert again.exit_code == 0 and shared.store.count_chunks() == local.store.count_chunks()


def test_import_refuses_a_file_embedded_with_another_model(sample_home, tmp_path):
    runner = CliRunner()
    dump = tmp_path / "store.jsonl"
    assert runner.invoke(cli, ["export", str(dump)], env=cli_env(sample_home)).exit_code == 0
    header, rest = dump.read_text().split("\n", 1)
    dump.write_text(header.replace("all-MiniLM-L6-v2", "some-other-model") + "\n" + rest)
    result = runner.invoke(cli, ["import", str(dump)], env=cli_env(tmp_path / "home"))
    assert result.exit_code == 2
    assert "some-other-model" in result.output and "Traceback" not in result.output
    assert Citebot(make_settings(tmp_path / "home")).sources() == []


@pytest.mark.server
def test_server_restart_gives_a_clear_error_then_recovers_without_restarting_citebot(tmp_path, embedder):
    server = ChromaServer(tmp_path / "db").start()
    try:
        bot = Citebot(make_settings(tmp_path / "home", chroma_url=server.url), embedder=embedder)
        article = write_articles(tmp_path / "a.jsonl", 0, 1)
        assert bot.ingest([str(article)]).count("added") == 1
        server.stop()
        with pytest.raises(StoreUnavailable) as down:
            bot.ask("What happened?")
        message = str(down.value)
        assert server.url in message and "chroma run" in message and "\n" not in message
        cli_down = CliRunner().invoke(cli, ["sources"], env=cli_env(tmp_path / "home", chroma_url=server.url))
        assert cli_down.exit_code == 4 and cli_down.output.count("\n") == 1 and server.url in cli_down.output
        server.start()  # same port, same data folder
        assert [r.title for r in bot.sources()] == [json.loads(article.read_text())["title"]]
        assert not bot.ask(bot.sources()[0].title).abstained
    finally:
        server.stop()


def test_a_long_running_citebot_on_the_embedded_store_finds_what_another_process_wrote(sample_home, tmp_path, embedder):
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    assert bot.sources() == [] and bot.retriever.search(CANONICAL_QUESTION) == []  # opened before the write
    dump = tmp_path / "store.jsonl"
    assert CliRunner().invoke(cli, ["export", str(dump)], env=cli_env(sample_home)).exit_code == 0
    writer = start_cli(cli_env(tmp_path / "home"), "import", str(dump))  # another process, no model load
    _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-2000:]
    assert not bot.ask(CANONICAL_QUESTION).abstained  # the vector index was reloaded, not stale


def _assert_hits_are_complete_documents(bot: Citebot, question: str) -> None:
    """Every document a search returns has all its live chunks stored (registry chunk_count)."""
    chunks = bot.store.collections()[0]
    for document_id in {p.document_id for p in bot.retriever.search(question)}:
        record = bot.store.get_document("global", document_id)
        assert record is not None
        stored = chunks.get(where={"$and": [{"document_id": document_id}, {"content_hash": record.content_hash}]}, include=[])
        assert len(stored["ids"]) == record.chunk_count, f"{record.title} is half-present"


@pytest.mark.server
@pytest.mark.slow
def test_two_ingest_processes_and_a_reader_share_one_server(chroma_server, tmp_path, embedder):
    """Two real `citebot ingest` processes write at once while this process keeps asking."""
    settings = {"chroma_url": chroma_server.url, "chroma_database": "two-writers"}
    first = write_articles(tmp_path / "first.jsonl", 0, 3)
    second = write_articles(tmp_path / "second.jsonl", 2, 3)  # one article in both
    titles = {json.loads(line)["title"] for f in (first, second) for line in f.read_text().splitlines()}
    bot = Citebot(make_settings(tmp_path / "home", **settings), embedder=embedder)
    writers = [start_cli(cli_env(tmp_path / f"home{i}", **settings), "ingest", str(f), "--json")
               for i, f in enumerate((first, second))]
    rounds = 0
    try:
        while any(w.poll() is None for w in writers) or rounds == 0:
            for question in sorted(titles)[:2]:
                bot.ask(question)  # never raises while others write
                _assert_hits_are_complete_documents(bot, question)
            rounds += 1
            time.sleep(0.3)  # leave the CPU to the writers
    finally:
        results = [w.communicate(timeout=300) for w in writers]
    for writer, (_, err) in zip(writers, results):
        assert writer.returncode == 0, err[-2000:]

    assert {r.title for r in bot.sources()} == titles and len(bot.sources()) == 5
    assert_no_duplicates(bot.store)
    assert_every_document_complete(bot.store)
    report = bot.store.check()
    assert report.orphan_chunks == 0 and report.incomplete_documents == []
    assert report.chunks == sum(r.chunk_count for r in bot.sources())
    for question in sorted(titles):
        _assert_hits_are_complete_documents(bot, question)

"""An ingest killed with SIGKILL at any point leaves a consistent store, and a rerun completes it.

Real `python -m bot ingest` processes are paused by the store's test hook
(`CITEBOT_TEST_PAUSE_AT`, see `vectorstore.chroma_metadata.pause_for_crash_test`) at a named point between
two writes and killed there; the test then looks at the store the way queries do, reruns the
ingest in-process, and runs the doctor.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.main import cli
from bot.library import Citebot
from tests.conftest import make_settings
from tests.store_checks import (
    assert_every_document_complete,
    assert_no_duplicates,
    cli_env,
    kill_at,
    live_chunk_counts,
    write_articles,
)

pytestmark = pytest.mark.slow


def _backend_env(backend: dict) -> dict[str, str]:
    return {k: str(v) for k, v in backend.items()}


def _titles(path) -> list[str]:
    return [json.loads(line)["title"] for line in path.read_text().splitlines()]


def test_kill_after_chunks_before_registry_leaves_the_document_invisible(tmp_path, embedder, backend):
    articles = write_articles(tmp_path / "a.jsonl", 20, 1)
    bot = Citebot(make_settings(tmp_path / "home", **backend), embedder=embedder)
    env = cli_env(tmp_path / "home", **_backend_env(backend))
    kill_at(env, "after_chunks", "ingest", str(articles))

    assert bot.sources() == []  # not registered: queries cannot see any of its chunks
    assert bot.retriever.search(_titles(articles)[0]) == []
    doctor = CliRunner().invoke(cli, ["doctor", "--json"], env=env)
    assert doctor.exit_code == 5 and json.loads(doctor.output)["orphan_chunks"] > 1
    assert json.loads(doctor.output)["incomplete_documents"] == []

    assert bot.ingest([str(articles)]).count("added") == 1  # the rerun finishes the job
    assert_no_duplicates(bot.store)  # same deterministic chunk ids: the orphans were overwritten
    assert_every_document_complete(bot.store)
    assert CliRunner().invoke(cli, ["doctor"], env=env).exit_code == 0


def test_kill_after_registry_during_an_update_shows_only_the_new_version(tmp_path, embedder):
    articles = write_articles(tmp_path / "a.jsonl", 21, 1)
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    first = bot.ingest([str(articles)]).items[0]
    row = json.loads(articles.read_text())
    row["body"] = "Correction: the figures were revised on Monday. " + row["body"]
    articles.write_text(json.dumps(row) + "\n")
    kill_at(cli_env(tmp_path / "home"), "after_registry", "ingest", str(articles))

    [record] = bot.sources()
    assert record.content_hash != first.content_hash  # the registry names the new version...
    assert_every_document_complete(bot.store)  # ...and all its chunks are there
    hits = bot.retriever.search("figures were revised", k=20)
    assert hits and all(p.extra["chunk_index"] < record.chunk_count for p in hits)
    assert {p.chunk_id.split("|")[2] for p in hits} == {record.content_hash[:16]}  # old chunks never surface
    found = bot.store.check()
    assert found.orphan_chunks == first.chunks and found.incomplete_documents == []

    assert bot.ingest([str(articles)]).items[0].status == "unchanged"
    repaired = bot.store.check(repair=True)
    assert repaired.orphan_chunks == first.chunks
    assert bot.store.check().orphan_chunks == 0 and bot.store.count_chunks() == record.chunk_count


def test_kill_between_documents_keeps_the_finished_ones_and_the_rerun_adds_the_rest(tmp_path, embedder):
    articles = write_articles(tmp_path / "a.jsonl", 22, 3)
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    kill_at(cli_env(tmp_path / "home"), "after_document", "ingest", str(articles))

    assert len(bot.sources()) == 1
    assert_every_document_complete(bot.store)
    assert bot.store.check().orphan_chunks == 0

    statuses = [i.status for i in bot.ingest([str(articles)]).items]
    assert sorted(statuses) == ["added", "added", "unchanged"]
    assert {r.title for r in bot.sources()} == set(_titles(articles))
    assert_no_duplicates(bot.store)
    assert_every_document_complete(bot.store)
    assert sum(live_chunk_counts(bot.store).values()) == bot.store.count_chunks()

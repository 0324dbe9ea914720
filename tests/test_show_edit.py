"""`show` gives back exactly what is stored; `edit` corrects an article's metadata without re-embedding,
everywhere answers read it (citations, filters, the keyword index, other processes), audited."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest

from bot.engine.render import render_answer
from bot.errors import BotError, SourceNotKnown
from bot.library import Citebot
from ingest.formats import parse_bytes
from tests.conftest import REPO, SAMPLE_CORPUS, make_settings
from tests.store_checks import cli_env, kill_at

HARBOR = "https://news.example.org/harbor-wire/2024/03/23/crocus-city-hall-attack"
HARBOR_FILE = SAMPLE_CORPUS / "2024-03-23-harbor-wire-concert-hall-attack.md"
# A question only Harbor Wire's article answers in full, so its quotes show that article's metadata.
HARBOR_QUESTION = "What did Putin say in his televised address about the attackers?"

# Three paragraphs; the second holds a sentence far over the 700-character chunk budget, so the
# chunker cuts it at spaces and the chunks around it do not overlap: `show` must fill the gaps.
LONG_SENTENCE = " ".join(["The ledger listed barrels of brine, crates of salted cod and coils of rope"] * 14) + "."
LONG_ARTICLE = f"""---
title: Harbour ledger found in a cellar
outlet: Coast Weekly
published: 2024-02-02
url: https://coast.example.org/ledger
---

A ship's ledger from 1887 was found in a cellar on Quay Street. The museum said it was in good condition.

{LONG_SENTENCE}

Curator Ada Brenn said the ledger would be shown from May. It will be digitised first.
"""


@pytest.fixture
def corpus_bot(tmp_path, embedder) -> Citebot:
    """The sample corpus in a store of its own (these tests change it)."""
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    report = bot.ingest([str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed
    return bot


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


# -- show --------------------------------------------------------------------------------------
def test_show_gives_back_each_articles_cleaned_text_exactly_with_its_sentences(sample_bot, source_texts):
    for url, text in source_texts.items():
        view = sample_bot.show(url)
        assert view.text == text, url
        assert view.sentences and [s.n for s in view.sentences] == list(range(1, len(view.sentences) + 1))
        assert all(text[s.start:s.end] == s.text for s in view.sentences), "offsets point into the cleaned text"
        assert [s.start for s in view.sentences] == sorted(s.start for s in view.sentences)


def test_show_reassembles_paragraphs_and_an_over_long_sentence_split_across_chunks(citebot):
    citebot.ingest_bytes(LONG_ARTICLE.encode(), name="ledger.md")
    [doc] = parse_bytes(LONG_ARTICLE.encode(), name="ledger.md", origin="ledger.md")
    view = citebot.show("Harbour ledger")
    assert view.record.chunk_count >= 3
    assert view.text == doc.text and view.text.count("\n\n") == 2
    assert view.sentences[0].text == "A ship's ledger from 1887 was found in a cellar on Quay Street."
    assert view.sentences[-1].text == "It will be digitised first."


def test_show_marks_roles_stored_with_the_chunks_and_calls_the_rest_body(citebot):
    """The seam with ingest: a chunk's `sentence_roles` metadata, one role per stored sentence;
    chunks stored without it (older stores) show every sentence as body."""
    from ingest.structure import ROLES

    citebot.ingest_bytes(LONG_ARTICLE.encode(), name="ledger.md")
    stored = citebot.show("Harbour ledger")
    assert stored.roles_stored is True and {s.role for s in stored.sentences} <= set(ROLES)
    chunks, _, _ = citebot.store.collections()
    got = chunks.get(include=["metadatas"])
    bare = [{**m, "sentence_roles": ""} for m in got["metadatas"]]  # as if stored before roles were
    chunks.update(ids=got["ids"], metadatas=bare)
    old = citebot.show("Harbour ledger")
    assert old.roles_stored is False and {s.role for s in old.sentences} == {"body"}
    first = next(i for i, m in enumerate(bare) if m["chunk_index"] == 0)
    count = len(bare[first]["sentences"].split(","))
    roles = ["headline", "caption"] + ["body"] * (count - 2)
    chunks.update(ids=[got["ids"][first]], metadatas=[{**bare[first], "sentence_roles": ",".join(roles)}])
    view = citebot.show("Harbour ledger")
    assert view.roles_stored is True
    assert [s.role for s in view.sentences[:3]] == ["headline", "caption", "body"]


def test_show_cli_prints_metadata_then_one_numbered_sentence_a_line_and_json(sample_bot):
    env = cli_env(sample_bot.settings.home)
    text = run_cli(env, "show", "Gunmen kill dozens")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("doc-") and "title      Gunmen kill dozens at concert hall" in text.stdout
    assert "outlet     Harbor Wire" in text.stdout and "published  2024-03-23" in text.stdout
    assert lines[11].split()[:3] == ["1", "0-168", "body"] and lines[11].endswith("setting the building alight.")
    payload = json.loads(run_cli(env, "show", HARBOR, "--json").stdout)
    assert payload["source"]["outlet"] == "Harbor Wire" and payload["source"]["tier"] == "unknown"
    first = payload["sentences"][0]
    assert payload["text"][first["start"]:first["end"]] == first["text"] and first["role"] == "body"


def test_an_ambiguous_source_is_one_line_listing_the_candidates(sample_bot):
    result = run_cli(cli_env(sample_bot.settings.home), "show", "Crocus")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "matches 3 sources" in result.stderr and result.stderr.count("doc-") == 3


# -- edit --------------------------------------------------------------------------------------
def test_after_an_edit_ask_cites_the_new_metadata_and_nothing_was_re_embedded(corpus_bot):
    before = corpus_bot.show(HARBOR).record
    chunks, _, _ = corpus_bot.store.collections()
    vectors = chunks.get(where={"document_id": before.document_id}, include=["embeddings"])
    edit = corpus_bot.edit(HARBOR, actor="mod_ana", title="Concert hall attack near Moscow", outlet="Harbor Wire Daily",
                           author="I. Valko", published="2024-03-22", url="https://harborwire.example.org/crocus")
    assert {name for name, _, _ in edit.changes} == {"title", "outlet", "author", "published_at", "url"}

    answer = corpus_bot.ask(HARBOR_QUESTION)
    cited = [c for c in answer.citations if c.document_id == before.document_id]
    assert cited, "the edited article is still cited"
    c = cited[0]
    assert (c.title, c.outlet, c.author, c.published_at, c.url) == (
        "Concert hall attack near Moscow", "Harbor Wire Daily", "I. Valko", "2024-03-22", "https://harborwire.example.org/crocus")
    text = render_answer(answer)
    assert "Harbor Wire Daily" in text and "Concert hall attack near Moscow" in text and "Gunmen kill" not in text
    after = chunks.get(where={"document_id": before.document_id}, include=["embeddings"])
    assert after["ids"] == vectors["ids"] and (after["embeddings"] == vectors["embeddings"]).all()
    assert corpus_bot.show(edit.after.document_id).record.content_hash == before.content_hash


def test_an_edit_is_audited_with_who_when_and_old_to_new(corpus_bot):
    corpus_bot.edit("Gunmen kill dozens", actor="mod_ana", outlet="Harbor Wire Daily")
    entry = corpus_bot.audit(limit=1)[0]
    assert (entry.action, entry.actor, entry.title) == ("edit", "mod_ana", "Gunmen kill dozens at concert hall outside Moscow; four suspects detained")
    assert entry.detail == "outlet: 'Harbor Wire' -> 'Harbor Wire Daily'" and entry.at.startswith("20")


def test_the_keyword_index_and_outlet_filters_follow_an_edit(corpus_bot):
    corpus_bot.retrieve("concert hall")  # the keyword index is built with the old metadata
    record = corpus_bot.edit(HARBOR, title="Zorvath attack on Crocus City Hall", outlet="Harbor Wire Daily",
                             published="2024-03-21").after
    corpus_bot.retrieve("concert hall")  # next question: the index catches up
    lexical = corpus_bot.retriever.lexical
    outlets, _ = lexical.facets(record.scope)
    assert "Harbor Wire Daily" in outlets and "Harbor Wire" not in outlets
    hits = lexical.search("zorvath", k=5, scope=record.scope)
    assert hits and all(f"|{record.document_id}|" in h for h in hits), "the new title's words find the article"
    day = dt.date(2024, 3, 21)
    dated = corpus_bot.retrieve("Crocus City Hall", since=day, until=day)
    assert {p.document_id for p in dated} == {record.document_id}, "the date filter reads the new date"


def test_setting_what_is_already_there_changes_and_audits_nothing(corpus_bot):
    audit = corpus_bot.audit()
    edit = corpus_bot.edit(HARBOR, outlet="Harbor Wire", published="2024-03-23")
    assert edit.changes == [] and corpus_bot.audit() == audit


BAD_EDITS = [
    ({"published": "next tuesday"}, "not a date"),
    ({"url": "javascript:alert(1)"}, "not an http(s) address"),
    ({"title": "  "}, "needs a title"),
    ({}, "nothing to change"),
]


def test_a_bad_edit_is_refused_with_its_reason_and_changes_nothing(corpus_bot):
    before, audit = corpus_bot.sources(), corpus_bot.audit()
    for fields, phrase in BAD_EDITS:
        with pytest.raises(BotError, match=re.escape(phrase)):
            corpus_bot.edit(HARBOR, **fields)
    assert corpus_bot.sources() == before and corpus_bot.audit() == audit


def test_editing_a_source_that_is_not_there_names_the_listing(corpus_bot):
    with pytest.raises(SourceNotKnown, match="no ingested source matches 'Atlantis'; see 'citebot sources'"):
        corpus_bot.edit("Atlantis", title="x")


def test_edit_cli_reaches_a_running_bot_and_prints_json(corpus_bot):
    """The Discord bot or daemon keeps its Citebot open while a moderator edits from the shell."""
    corpus_bot.ask(HARBOR_QUESTION)  # caches warm: registry, keyword index
    env = cli_env(corpus_bot.settings.home)
    result = run_cli(env, "edit", HARBOR, "--outlet", "Harbor Wire Daily", "--published", "2024-03-22", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["edited"] is True and payload["after"]["outlet"] == "Harbor Wire Daily"
    assert {c["field"] for c in payload["changes"]} == {"outlet", "published_at"}
    answer = corpus_bot.ask(HARBOR_QUESTION)
    outlets = {c.outlet for c in answer.citations if c.url == HARBOR}
    assert outlets == {"Harbor Wire Daily"}
    assert corpus_bot.audit(limit=1)[0].actor == corpus_bot.settings.ingested_by


@pytest.mark.slow
def test_an_edit_killed_between_chunks_and_registry_still_cites_the_old_metadata_and_a_rerun_completes_it(corpus_bot):
    env = cli_env(corpus_bot.settings.home)
    kill_at(env, "after_chunk_metadata", "edit", HARBOR, "--outlet", "Harbor Wire Daily")
    assert corpus_bot.show(HARBOR).record.outlet == "Harbor Wire"
    cited = {c.outlet for c in corpus_bot.ask(HARBOR_QUESTION).citations if c.url == HARBOR}
    assert cited == {"Harbor Wire"}, "answers cite what the registry says, never half an edit"
    assert [e.action for e in corpus_bot.audit(limit=1)] == ["ingest"]
    assert run_cli(env, "edit", HARBOR, "--outlet", "Harbor Wire Daily").returncode == 0
    cited = {c.outlet for c in corpus_bot.ask(HARBOR_QUESTION).citations if c.url == HARBOR}
    assert cited == {"Harbor Wire Daily"}


def test_an_edit_reads_back_the_same_on_the_embedded_store_and_a_chroma_server(backend_citebot):
    backend_citebot.ingest([str(HARBOR_FILE)])
    record = backend_citebot.edit(HARBOR, outlet="Harbor Wire Daily", published="2024-03-22").after
    [listed] = backend_citebot.sources()
    assert listed == record and listed.outlet == "Harbor Wire Daily"
    passages = backend_citebot.retrieve("Which region were the suspects detained in?")
    assert passages and {(p.outlet, p.published_at) for p in passages} == {("Harbor Wire Daily", "2024-03-22")}
    assert backend_citebot.show(HARBOR).text.startswith("Armed men opened fire")

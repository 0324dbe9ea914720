"""The keyword index: filters select rows without changing the ranking; it stays a rebuildable
cache of the store, following other processes' changes by reading only what changed."""

import datetime as dt
import shutil

import pytest

from bot.library import Citebot
from tests.conftest import make_settings
from vectorstore import lexical


def _day(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


FILTERS = [
    {"outlet": "Clearview Factcheck"},
    {"outlet": {"$in": ["Eastern Desk", "Harbor Wire"]}},
    {"$and": [{"published_ord": {"$gte": _day("2024-03-24")}}, {"published_ord": {"$lte": _day("2024-03-26")}}]},
    {"$and": [{"outlet": {"$ne": "Eastern Desk"}}, {"published_ord": {"$gt": _day("2024-03-23")}}]},
    {"published_ord": {"$lt": _day("2024-03-25")}},
    {"published_ord": _day("2024-03-24")},
]
QUESTION = "Did the suspects head to Ukraine after the Crocus City Hall attack?"


@pytest.fixture
def bot(sample_home, embedder):
    return Citebot(make_settings(sample_home), embedder=embedder)


@pytest.fixture
def index(bot, tmp_path):
    idx = lexical.LexicalIndex(tmp_path / "kw.sqlite")  # its own copy, built from the store
    idx.sync(bot.store)
    yield idx
    idx.close()


def _matches(meta: dict, where: dict) -> bool:
    """The filter's meaning, spelled out on one chunk's metadata (Chroma's semantics)."""
    if "$and" in where:
        return all(_matches(meta, part) for part in where["$and"])
    [(field, cond)] = where.items()
    [(op, value)] = cond.items() if isinstance(cond, dict) else [("$eq", cond)]
    have = meta.get(field)
    return {
        "$eq": lambda: have == value, "$ne": lambda: have != value, "$in": lambda: have in value,
        "$gt": lambda: have > value, "$gte": lambda: have >= value, "$lt": lambda: have < value, "$lte": lambda: have <= value,
    }[op]()


@pytest.mark.parametrize("where", FILTERS, ids=["outlet", "outlets", "dates", "not-outlet-and-after", "before", "on-day"])
def test_a_filtered_search_is_the_unfiltered_ranking_with_other_rows_dropped(bot, index, where):
    everything = index.search(QUESTION, k=1000)
    meta = {cid: m for cid, _, m in bot.store.iter_chunks()}
    expected = [cid for cid in everything if _matches(meta[cid], where)][:10]
    assert expected, "the filter should keep some of the sample corpus"
    assert index.search(QUESTION, k=10, where=where) == expected


def test_a_filter_on_a_field_the_index_does_not_hold_is_refused(index):
    assert index.search(QUESTION, k=10, where={"author": "Someone"}) is None
    assert index.search(QUESTION, k=10, where={"outlet": {"$nin": ["Eastern Desk"]}}) is None


def test_words_are_matched_by_stem_and_without_accents(tmp_path, embedder):
    from tests.test_hybrid_retrieval import _article

    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "Divers were recovering the café's anchors after the storm.")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    bot.ingest([str(tmp_path / "a.md")])
    index = bot.retriever.lexical
    index.sync(bot.store)
    for query in ("recovered anchor", "cafe"):
        assert [p.title for p in bot.store.get_passages(index.search(query, k=5))] == ["Harbour news"], query


def test_documents_another_process_ingests_are_indexed_without_rereading_the_others(tmp_path, embedder, monkeypatch):
    from tests.test_hybrid_retrieval import _article

    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    reader = Citebot(make_settings(home), embedder=embedder)
    reader.ingest([str(tmp_path / "a.md")])
    assert reader.retrieve("Zephyrine ferry aground")
    # another process's handle on the same store, one that leaves the keyword index alone
    writer = Citebot(make_settings(home, hybrid_search=False), embedder=embedder)
    _article(tmp_path / "b.md", "Bridge works", "Coast Daily", "Crews closed the Ostravel bridge for repairs overnight.")
    writer.ingest([str(tmp_path / "b.md")])
    read = []
    original = reader.store.iter_chunks
    # a pass-through recorder (nothing is faked): which chunks did the sync read?
    monkeypatch.setattr(reader.store, "iter_chunks", lambda **kw: (read.append(row) or row for row in original(**kw)))
    hits = reader.retriever.lexical.search("Ostravel bridge", k=5) if reader.retriever.lexical.sync(reader.store) else []
    assert [p.title for p in reader.store.get_passages(hits)] == ["Bridge works"]
    assert read and {meta["document_id"] for _, _, meta in read} == {reader.store.get_passages(hits)[0].document_id}


def test_a_reader_sees_what_another_process_indexed(tmp_path, embedder):
    from tests.test_hybrid_retrieval import _article

    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    reader = Citebot(make_settings(home), embedder=embedder)
    reader.ingest([str(tmp_path / "a.md")])
    assert reader.retrieve("Zephyrine ferry")  # the reader's index is built and loaded
    assert reader.retriever.lexical.search("Ostravel", k=5) == []
    writer = Citebot(make_settings(home), embedder=embedder)
    _article(tmp_path / "b.md", "Bridge works", "Coast Daily", "Crews closed the Ostravel bridge for repairs overnight.")
    writer.ingest([str(tmp_path / "b.md")])
    assert writer.retriever.lexical.sync(writer.store) == 0  # the writer's ingest indexed it
    assert reader.retriever.lexical.sync(reader.store) == 0  # nothing left for the reader to do…
    assert len(reader.retriever.lexical.search("Ostravel", k=5)) == 1  # …but its searches see the new commit


def test_lost_postings_are_rebuilt_from_the_store(bot, index):
    expected = index.search(QUESTION, k=10)
    index.close()
    shutil.rmtree(index.postings_dir)  # the bookkeeping file still claims every document is indexed
    reopened = lexical.LexicalIndex(index.path)
    try:
        assert reopened.search(QUESTION, k=10) == []
        assert reopened.sync(bot.store) > 0
        assert reopened.search(QUESTION, k=10) == expected
    finally:
        reopened.close()


def test_a_sync_that_fails_half_way_is_redone_without_duplicates(bot, index, tmp_path, monkeypatch):
    expected = index.search(QUESTION, k=10)
    fresh = lexical.LexicalIndex(tmp_path / "other.sqlite")
    write = fresh._write_postings

    def commit_then_die(*args):
        write(*args)
        raise KeyboardInterrupt  # tantivy has committed; the process dies before the bookkeeping does

    monkeypatch.setattr(fresh, "_write_postings", commit_then_die)
    with pytest.raises(KeyboardInterrupt):
        fresh.sync(bot.store)
    monkeypatch.undo()
    assert fresh.sync(bot.store) > 0
    try:
        assert fresh.search(QUESTION, k=10) == expected
    finally:
        fresh.close()


def test_an_old_fts5_index_file_is_deleted(tmp_path, embedder):
    (tmp_path / "home" / "lexical").mkdir(parents=True)
    old = tmp_path / "home" / "lexical" / "chunks.sqlite"
    old.write_bytes(b"SQLite format 3\x00")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    assert bot.retriever.lexical is not None and not old.exists()


def test_a_search_in_one_scope_leaves_out_the_other_scopes(tmp_path, embedder):
    from tests.test_hybrid_retrieval import _article

    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    _article(tmp_path / "b.md", "Harbour notes", "Coast Daily", "The ferry Zephyrine was refloated on Tuesday morning.")
    first = Citebot(make_settings(home, scope="first"), embedder=embedder)
    first.ingest([str(tmp_path / "a.md")])
    second = Citebot(make_settings(home, scope="second"), embedder=embedder)
    second.ingest([str(tmp_path / "b.md")])
    index = second.retriever.lexical
    index.sync(second.store)
    for scope, title in (("first", "Harbour news"), ("second", "Harbour notes")):
        hits = index.search("ferry Zephyrine", k=10, scope=scope)
        assert [p.title for p in second.store.get_passages(hits)] == [title]
        filtered = index.search("ferry Zephyrine", k=10, scope=scope, where={"outlet": "Coast Daily"})
        assert [p.title for p in second.store.get_passages(filtered)] == [title]


def test_postings_written_with_another_schema_are_rebuilt(bot, index):
    import tantivy

    expected = index.search(QUESTION, k=10)
    index.close()
    shutil.rmtree(index.postings_dir)
    other = tantivy.SchemaBuilder()
    other.add_text_field("body", stored=True)
    index.postings_dir.mkdir()
    tantivy.Index(other.build(), path=str(index.postings_dir))  # e.g. left by an unreleased build
    reopened = lexical.LexicalIndex(index.path)
    try:
        assert reopened.sync(bot.store) > 0
        assert reopened.search(QUESTION, k=10) == expected
    finally:
        reopened.close()


def test_an_update_blocked_by_another_process_says_so_and_then_succeeds(tmp_path, embedder):
    import sqlite3

    from tests.test_hybrid_retrieval import _article
    from vectorstore.errors import StoreBusy

    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    Citebot(make_settings(home, hybrid_search=False), embedder=embedder).ingest([str(tmp_path / "a.md")])
    store = Citebot(make_settings(home), embedder=embedder).store
    index = lexical.LexicalIndex(home / "lexical" / "keywords.sqlite", busy_timeout_s=0.2)
    other = sqlite3.connect(str(index.path), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process is mid-update
        with pytest.raises(StoreBusy, match="another citebot process is updating the keyword index"):
            index.sync(store)
        other.execute("ROLLBACK")
        assert index.sync(store) == 1
        assert index.search("Zephyrine", k=5)
    finally:
        other.close()
        index.close()

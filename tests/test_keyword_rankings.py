"""Filtered keyword searches reuse one deep ranking of the question's words; results must not change."""

import datetime as dt

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
]
QUESTION = "Did the suspects head to Ukraine after the Crocus City Hall attack?"


@pytest.fixture
def index(sample_home, embedder, tmp_path):
    bot = Citebot(make_settings(sample_home), embedder=embedder)
    idx = lexical.LexicalIndex(tmp_path / "kw.sqlite")  # its own copy, built from the store
    idx.sync(bot.store)
    yield idx
    idx.close()


@pytest.mark.parametrize("where", FILTERS, ids=["outlet", "outlets", "dates", "not-outlet-and-after"])
def test_a_filtered_search_equals_the_same_filter_in_sql(index, where):
    index.search(QUESTION, k=30)  # the unfiltered search a question runs first
    reused = index.search(QUESTION, k=10, where=where)
    clauses, params = lexical._sql_filter(where)
    direct = index._query(lexical.query_terms(QUESTION), None, clauses, params, 0.5, 10)
    assert reused and set(reused) == set(direct)


def test_a_filtered_search_finds_rows_beyond_the_deep_ranking(index, monkeypatch):
    monkeypatch.setattr(lexical, "DEEP_RANKING", 2)  # the deep ranking now holds too few rows
    clauses, params = lexical._sql_filter(FILTERS[2])
    direct = index._query(lexical.query_terms(QUESTION), None, clauses, params, 0.5, 5)
    assert len(direct) > 2
    assert set(index.search(QUESTION, k=5, where=FILTERS[2])) == set(direct)


def test_documents_another_process_ingests_are_indexed_without_rereading_the_others(tmp_path, embedder, monkeypatch):
    from tests.test_hybrid_retrieval import _article

    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    reader = Citebot(make_settings(home), embedder=embedder)
    reader.ingest([str(tmp_path / "a.md")])
    assert reader.retrieve("Zephyrine ferry aground")
    writer = Citebot(make_settings(home), embedder=embedder)  # another process's handle on the same store
    _article(tmp_path / "b.md", "Bridge works", "Coast Daily", "Crews closed the Ostravel bridge for repairs overnight.")
    writer.ingest([str(tmp_path / "b.md")])
    read = []
    original = reader.store.iter_chunks
    # a pass-through recorder (nothing is faked): which chunks did the sync read?
    monkeypatch.setattr(reader.store, "iter_chunks", lambda **kw: (read.append(row) or row for row in original(**kw)))
    hits = reader.retriever.lexical.search("Ostravel bridge", k=5) if reader.retriever.lexical.sync(reader.store) else []
    assert [p.title for p in reader.store.get_passages(hits)] == ["Bridge works"]
    assert read and {meta["document_id"] for _, _, meta in read} == {reader.store.get_passages(hits)[0].document_id}


def test_an_index_built_before_the_filter_table_gets_it_from_its_own_rows(index):
    clauses, params = lexical._sql_filter(FILTERS[0])
    terms = lexical.query_terms(QUESTION)
    expected = index._query(terms, None, clauses, params, 0.5, 10)
    index._db.execute("DELETE FROM chunk_meta")
    index._db.execute("DELETE FROM meta WHERE key = 'chunk_meta'")  # as an index written by an older citebot
    reopened = lexical.LexicalIndex(index.path)
    try:
        assert expected and reopened._query(terms, None, clauses, params, 0.5, 10) == expected
    finally:
        reopened.close()


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

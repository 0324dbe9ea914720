"""Dense search within a narrow filter runs exactly over the chunks the keyword index lists;
it must find what Chroma's own filtered search finds."""

import dataclasses

import pytest

from bot.library import Citebot
from tests.conftest import make_settings
from tests.test_keyword_rankings import FILTERS, QUESTION


@pytest.fixture
def bot(sample_home, embedder):
    bot = Citebot(make_settings(sample_home), embedder=embedder)
    bot.retriever.lexical.sync(bot.store)
    return bot


@pytest.mark.parametrize("where", FILTERS, ids=["outlet", "outlets", "dates", "not-outlet-and-after", "before", "on-day"])
@pytest.mark.parametrize("exact_limit", [500, 1], ids=["exact", "too-many-for-exact"])
def test_a_filtered_dense_search_finds_what_chromas_filtered_search_finds(bot, where, exact_limit):
    retriever = dataclasses.replace(bot.retriever, exact_limit=exact_limit)
    vector = bot.embedder.embed_query(QUESTION)
    ours = retriever._dense(vector, 8, None, where)
    chroma = bot.store.search(vector, k=8, where=where)
    assert chroma, "the filter should keep some of the sample corpus"
    assert [chunk_id for chunk_id, _ in ours] == [p.chunk_id for p in chroma]
    assert [round(score, 4) for _, score in ours] == [round(p.score, 4) for p in chroma]


def test_chunks_of_a_removed_article_are_not_found_by_the_exact_search(tmp_path, embedder):
    from tests.test_hybrid_retrieval import _article

    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    _article(tmp_path / "b.md", "Harbour notes", "Coast Daily", "The ferry Zephyrine was refloated on Tuesday morning.")
    reader = Citebot(make_settings(home), embedder=embedder)
    reader.ingest([str(tmp_path)])
    vector = reader.embedder.embed_query("ferry Zephyrine")
    reader.retriever.lexical.sync(reader.store)
    def titles() -> list[str]:
        hits = reader.retriever._dense(vector, 5, None, {"outlet": "Coast Daily"})
        return [p.title for p in reader.store.get_passages([chunk_id for chunk_id, _ in hits])]

    assert len(titles()) == 2
    Citebot(make_settings(home), embedder=embedder).remove("Harbour notes")  # another process, no sync here
    assert titles() == ["Harbour news"]


def test_which_chunks_are_live_is_told_from_their_ids(tmp_path, embedder):
    """Rankers keep only chunks of each article's current version, without reading the chunks."""
    from tests.test_hybrid_retrieval import _article

    path = _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    bot.ingest([str(path)])
    old = [chunk_id for chunk_id, _, _ in bot.store.iter_chunks()]
    _article(path, "Harbour news", "Coast Daily", "The ferry Zephyrine was refloated on Tuesday, the harbour master said.")
    bot.ingest([str(path)])
    new = [chunk_id for chunk_id, _, _ in bot.store.iter_chunks()]
    assert old and new and not set(old) & set(new)
    assert bot.store.live_ids(old + new) == set(new)  # the replaced version's ids are not live
    assert bot.store.live_ids(new, scope="another-server") == set()
    assert bot.store.live_ids(["an-id-of-another-shape"]) == {"an-id-of-another-shape"}  # left to the metadata check

"""Hybrid retrieval: the BM25 keyword index follows the Chroma store, and questions are split by outlet/date."""

import datetime as dt
from pathlib import Path

from bot.library import Citebot
from tests.conftest import make_settings
from vectorstore.query_plan import find_dates, find_outlets, outlet_aliases, plan, split_parts, strip_facets


def _article(path: Path, title: str, outlet: str, body: str, published: str = "2024-03-25") -> Path:
    path.write_text(
        f"---\ntitle: {title}\noutlet: {outlet}\npublished: {published}\nurl: https://example.org/{path.stem}\n---\n\n{body}\n"
    )
    return path


def test_a_rare_word_is_found_by_keyword_search(citebot, tmp_path):
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    _article(tmp_path / "b.md", "Weather", "Coast Daily", "Storms are expected over the harbour this week, forecasters said.")
    citebot.ingest([str(tmp_path)])
    assert citebot.retriever.lexical.sync(citebot.store) == 0  # the ingest already indexed both
    ids = citebot.retriever.lexical.search("What happened to the Zephyrine?", k=5)
    top = citebot.store.get_passages(ids)
    assert [p.title for p in top] == ["Harbour news"]


def test_keyword_index_follows_removals_made_by_another_process(tmp_path, embedder):
    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    reader = Citebot(make_settings(home), embedder=embedder)
    reader.ingest([str(tmp_path / "a.md")])
    assert reader.retrieve("Zephyrine ferry aground")
    other = Citebot(make_settings(home), embedder=embedder)  # same store, its own handle (another process)
    other.remove("Harbour news")
    assert reader.retrieve("Zephyrine ferry aground") == []
    assert reader.retriever.lexical.search("Zephyrine", k=5) == []


def test_keyword_index_is_rebuilt_when_deleted(citebot, tmp_path):
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    citebot.ingest([str(tmp_path / "a.md")])
    citebot.retrieve("Zephyrine")
    path = citebot.retriever.lexical.path
    citebot.retriever.lexical.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    fresh = Citebot(citebot.settings, embedder=citebot.embedder)
    assert [p.title for p in fresh.retrieve("Zephyrine ferry")][:1] == ["Harbour news"]


def test_outlets_named_in_a_question_are_found_by_full_name_or_head():
    aliases = outlet_aliases(["TechCrunch", "The Verge", "Cnbc | World Business News Leader", "Sporting News"])
    question = "Does the TechCrunch article agree with what CNBC reported, unlike the Verge?"
    assert find_outlets(question, aliases) == [["TechCrunch"], ["Cnbc | World Business News Leader"], ["The Verge"]]
    assert find_outlets("Who won the match?", aliases) == []


def test_outlets_an_answer_should_quote_are_named_with_a_capital_letter():
    from vectorstore.query_analysis import named_outlets

    outlets = ["TechCrunch", "The Verge", "Fortune", "Cnbc | World Business News Leader"]
    assert named_outlets("Did TechCrunch and the Verge both cover it, as CNBC did?", outlets) == {
        "TechCrunch", "The Verge", "Cnbc | World Business News Leader"}
    assert named_outlets("Did the company's fortune change after the launch?", outlets) == set()
    assert named_outlets("What did Fortune say about the launch?", outlets) == {"Fortune"}


def test_dates_in_a_question_become_day_filters():
    assert find_dates("between the report on October 2, 2023, and the one from Oct 7th", 2023) == [
        dt.date(2023, 10, 2), dt.date(2023, 10, 7)]
    [sub] = plan("What did it say on 2024-03-25?", [], default_year=None)
    assert sub.where["$and"][0]["published_ord"]["$gte"] == dt.date(2024, 3, 24).toordinal()


def test_search_within_a_named_outlet_brings_its_article_up(citebot, tmp_path):
    body = "The city council approved the new budget for the harbour on Tuesday."
    _article(tmp_path / "a.md", "Budget vote", "Coast Daily", body)
    for i in range(6):
        _article(tmp_path / f"n{i}.md", f"Budget story {i}", "Inland Herald", f"Story {i}: the council approved the budget for roads. {body}")
    citebot.ingest([str(tmp_path)])
    plain = Citebot(make_settings(citebot.settings.home, analyze_queries=False), embedder=citebot.embedder)
    question = "What did Coast Daily report about the budget the council approved?"
    assert "Coast Daily" in [p.outlet for p in citebot.retrieve(question, k=3)]
    assert plain.retrieve(question, k=8)  # same store without query analysis still answers


def test_a_question_about_an_outlet_we_do_not_hold_abstains(citebot, tmp_path):
    _article(tmp_path / "a.md", "Budget vote", "Coast Daily", "The city council approved the new harbour budget on Tuesday.")
    citebot.ingest([str(tmp_path / "a.md")])
    assert not citebot.ask("What did the Coast Daily article say about the harbour budget the council approved?").abstained
    answer = citebot.ask("What did a Reuters report say about the harbour budget the council approved?")
    assert answer.abstained and answer.citations == []


def test_named_sources_are_capitalised_attributions_only():
    from vectorstore.query_analysis import named_sources, unknown_sources

    assert named_sources("Does the TechCrunch article agree with a piece by The Verge?") == ["The Verge", "TechCrunch"]
    assert named_sources("What did the police say in their report on October 3?") == []
    assert named_sources("Did the 'Harbour Wire' report mention it?") == []  # quoted titles are not outlets
    assert unknown_sources("Does a Bloomberg article agree with the TechCrunch report?", ["TechCrunch"]) == ["Bloomberg"]


def test_a_multi_part_question_is_split_where_it_turns_to_its_next_claim():
    question = ("Does the TechCrunch article say the new chip is fast, while The Verge article says "
                "the battery life of the laptop is poor?")
    assert split_parts(question) == [
        "Does the TechCrunch article say the new chip is fast", "The Verge article says the battery life of the laptop is poor"]
    assert split_parts("Did Messi and Alvarez both score in the final against France?") == [
        "Did Messi and Alvarez both score in the final against France?"]  # a plain "and" is one claim


def test_each_part_is_searched_with_its_own_words_within_the_outlet_it_names():
    question = "Did Coast Daily report the ferry ran aground, while the Inland Herald says the bridge toll doubled?"
    subs = plan(question, ["Coast Daily", "Inland Herald"])
    assert [(s.text, s.where) for s in subs] == [
        ("Did Coast Daily report the ferry ran aground", {"outlet": "Coast Daily"}),
        ("the Inland Herald says the bridge toll doubled", {"outlet": "Inland Herald"}),
    ]


def test_passages_a_part_found_are_scored_against_the_whole_question(citebot, tmp_path):
    _article(tmp_path / "a.md", "Ferry aground", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    _article(tmp_path / "b.md", "Toll rise", "Inland Herald", "The toll on the river bridge doubled this week, drivers said.")
    _article(tmp_path / "c.md", "Weather", "Coast Daily", "Storms are expected over the harbour this week, forecasters said.")
    citebot.ingest([str(tmp_path)])
    question = "Did Coast Daily report the ferry ran aground, while the Inland Herald says the bridge toll doubled?"
    top = citebot.retrieve(question, k=2)
    assert {p.title for p in top} == {"Ferry aground", "Toll rise"}  # one article per part
    rescored = {p.chunk_id: p.score for p in citebot.store.get_passages(
        [p.chunk_id for p in top], query_embedding=citebot.embedder.embed_query(question))}
    assert all(abs(p.score - rescored[p.chunk_id]) < 1e-5 for p in top)


def test_keyword_queries_leave_out_outlet_names_and_dates():
    outlets = ["TechCrunch", "Cnbc | World Business News Leader"]
    question = "Did the TechCrunch report of October 7, 2023 and CNBC on 2023-10-09 mention the chip ban?"
    assert strip_facets(question, outlets) == "Did the report of and on mention the chip ban?"
    assert strip_facets("TechCrunch", outlets) == "TechCrunch"  # nothing else to search for: keep it


def test_an_articles_further_passages_yield_only_to_nearly_as_strong_hits_of_other_articles():
    from vectorstore.retriever import discount_by_article

    scores = {"a1": 1.0, "a2": 0.9, "b1": 0.8, "a3": 0.7, "c1": 0.2}
    order = discount_by_article(list(scores), dict(scores), lambda c: c[0], 0.7)
    assert order == ["a1", "b1", "a2", "a3", "c1"]  # a2 (0.63) yields to b1, a3 (0.34) still beats weak c1
    assert discount_by_article(list(scores), dict(scores), lambda c: c[0], 1.0) == list(scores)  # 1.0 = off


def test_an_ingest_leaves_the_keyword_index_up_to_date(citebot, tmp_path):
    """The moderator who ingests waits for the keyword index, not the first member who asks."""
    from vectorstore.lexical import LexicalIndex

    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    report = citebot.ingest([str(tmp_path / "a.md")])
    assert report.warnings == []
    index = LexicalIndex(citebot.settings.home / "lexical" / "keywords.sqlite")  # as another process sees it
    try:
        assert [p.title for p in citebot.store.get_passages(index.search("Zephyrine", k=5))] == ["Harbour news"]
        assert index.sync(citebot.store) == 0  # nothing left for a question to do
    finally:
        index.close()


def test_an_overwritten_keyword_index_is_rebuilt_from_the_store(tmp_path, embedder):
    home = tmp_path / "home"
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    Citebot(make_settings(home), embedder=embedder).ingest([str(tmp_path / "a.md")])
    (home / "lexical" / "keywords.sqlite").write_bytes(b"not a database" * 100)
    bot = Citebot(make_settings(home), embedder=embedder)
    assert [p.title for p in bot.retrieve("What happened to the Zephyrine?")][:1] == ["Harbour news"]
    assert bot.retriever.lexical.search("Zephyrine", k=5)  # found by the rebuilt keyword index itself


def test_a_keyword_index_that_cannot_be_updated_loses_no_article(tmp_path, embedder):
    home = tmp_path / "home"
    (home / "lexical" / "keywords.sqlite").mkdir(parents=True)  # a folder where the index file belongs
    bot = Citebot(make_settings(home), embedder=embedder)
    _article(tmp_path / "a.md", "Harbour news", "Coast Daily", "The ferry Zephyrine ran aground near the pier on Monday.")
    report = bot.ingest([str(tmp_path / "a.md")])
    assert [i.status for i in report.items] == ["added"]
    assert len(report.warnings) == 1 and "keyword index" in report.warnings[0] and "next question" in report.warnings[0]
    assert [d.title for d in bot.store.list_documents()] == ["Harbour news"]


def test_day_first_dates_are_read_but_a_lowercase_may_is_no_month():
    assert find_dates("What did the Courier report on 4 October?", 2025) == [dt.date(2025, 10, 4)]
    assert find_dates("the 4th of October 2023 report", 2025) == [dt.date(2023, 10, 4)]
    assert find_dates("said 5 may be hurt", 2025) == []
    assert find_dates("on 30 February 2024", 2024) == []

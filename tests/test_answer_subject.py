"""A long "who …?" question that describes someone without naming them is answered with a quote
that names them in full (bot/engine/subject.py), not only with sentences that call them by
their surname."""

from __future__ import annotations

from bot.engine.subject import answer_subject, asks_for_a_name, names_in_full
from bot.library import Citebot
from tests.conftest import make_settings
from vectorstore.records import Passage

QUESTION = (
    "Who is the shipping executive who, according to reports in the Harbour Ledger and the Coastal Post, "
    "ordered three electric ferries and has been accused by the dockworkers' union of cutting night crews?"
)

ARTICLES = {
    "ferries.txt": (
        "Brightwater Lines orders three electric ferries\n\n"
        "By Tomas Reyne, Harbour Ledger, 2 May 2025\n\n"
        "Brightwater Lines has run the island ferries since 1998. On Thursday its chief executive, Ilves, "
        "ordered three battery-powered ferries for the island routes, to be built in Gdansk. Ilves said the "
        "electric ferries would cut the fuel bill by a third. The first is due to enter service in the "
        "spring of 2027, Ilves told shipping reporters.\n"
    ),
    "profile.txt": (
        "Profile: the engineer at the helm\n\n"
        "By Lena Park, Coastal Post, 1 April 2025\n\n"
        "Marta Ilves has led Brightwater Lines since 2019. She trained as a naval engineer in Tallinn and "
        "worked at a shipyard for a decade. Colleagues describe her as blunt and hard-working. She lives on "
        "one of the islands her ferries serve.\n"
    ),
    "crews.txt": (
        "Union says ferry night crews were cut\n\n"
        "By Anna Solberg, Coastal Post, 9 June 2025\n\n"
        "The dockworkers' union accused the ferry operator of cutting its night crews by a quarter without "
        "consulting staff. Ilves has denied that safety is affected, the union's spokesman said. The union "
        "wants the harbour authority to review the rosters before the summer season. Ilves is due to meet "
        "union leaders next week, according to the company. Passengers reported longer waits at the "
        "night crossing in May.\n"
    ),
    "bakery.txt": (
        "Harbour bakery wins regional prize\n\n"
        "By Lena Park, Coastal Post, 3 June 2025\n\n"
        "A bakery on the harbour front has won the regional bread prize for its rye loaf. Owner Piet Dorn "
        "said the recipe came from his grandmother. The prize carries a grant for new ovens.\n"
    ),
}


def _passage(document_id: str, text: str, outlet: str) -> Passage:
    return Passage(chunk_id=document_id + "#0", document_id=document_id, text=text, start=0, end=len(text),
                   score=0.5, outlet=outlet)


def test_the_subject_is_the_name_several_articles_share_and_the_question_does_not_use():
    passages = [
        _passage("a", "Chief executive Marta Ilves announced the order. Ilves said it would cut fuel costs.", "Harbour Ledger"),
        _passage("b", "The union accused the operator. Ilves has denied that safety is affected.", "Coastal Post"),
        _passage("c", "Owner Piet Dorn said the recipe came from his grandmother.", "Coastal Post"),
    ]
    subject = answer_subject(QUESTION, passages)
    assert subject is not None
    assert (subject.key, subject.full, subject.articles) == ("Ilves", "Marta Ilves", 2)
    assert names_in_full("Chief executive Marta Ilves announced the order.", subject)
    assert not names_in_full("Ilves has denied that safety is affected.", subject)


def test_a_name_only_one_article_uses_is_no_subject():
    passages = [
        _passage("a", "Owner Piet Dorn said the recipe came from his grandmother.", "Coastal Post"),
        _passage("b", "The union accused the operator of cutting night crews.", "Coastal Post"),
    ]
    assert answer_subject(QUESTION, passages) is None


def test_names_the_question_or_the_outlets_use_are_not_the_subject():
    passages = [
        _passage("a", "The Harbour Ledger reported that Brightwater Lines ordered ferries.", "Harbour Ledger"),
        _passage("b", "Brightwater Lines said the Harbour Ledger was right.", "Coastal Post"),
    ]
    subject = answer_subject("Which company did the Harbour Ledger say had ordered ferries?", passages)
    assert subject is not None and subject.full == "Brightwater Lines"
    assert answer_subject("What did Brightwater Lines order, according to the Harbour Ledger?", passages) is None


def test_which_and_what_name_questions_ask_for_a_name_but_what_did_questions_do_not():
    assert asks_for_a_name("Which football club set an unwanted record?", "other")
    assert asks_for_a_name("What is the name of the chatbot reported by both outlets?", "other")
    assert asks_for_a_name("Who said the figure was wrong?", "person")
    assert not asks_for_a_name("What did the mayor say about the bridge?", "other")
    assert not asks_for_a_name("Did the suspects head to Ukraine?", "other")


def test_a_long_who_question_quotes_a_sentence_that_names_its_subject_in_full(tmp_path, embedder):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    assert not bot.ingest([str(folder)], actor="test").failed
    answer = bot.ask(QUESTION)
    assert not answer.abstained
    # only the profile names her in full; the articles on the ferries and the crews say "Ilves"
    assert "Marta Ilves" in answer.citations[0].quote, [c.quote for c in answer.citations]

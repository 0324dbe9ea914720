"""A short question that names its story ("the Birchwood fire") is answered from the articles
that write that name, not from another story whose sentences are alike (bot/engine/subject.py
`of_the_named`): two heath fires in one store, each with its own figures."""

from __future__ import annotations

import pytest

from bot.engine.subject import of_the_named, question_names
from bot.library import Citebot
from tests.conftest import make_settings
from vectorstore.records import Passage

ARTICLES = {
    "moorside.txt": (
        "Moorside blaze forces families out overnight\n\n"
        "By Iris Channing, Fellgate Standard, 14 July 2025\n\n"
        "Families in Moorside spent the night in a school hall after flames swept across the moor behind "
        "their streets on Sunday. Around 70 firefighters from four stations worked through the night to hold "
        "the fire back from the houses, the fire service said. Crews expected to stay at the scene until "
        "Wednesday.\n"
    ),
    "ashgrove.txt": (
        "Ashgrove residents told to leave as moor fire spreads\n\n"
        "By Colm Treadway, Valley Gazette, 16 July 2025\n\n"
        "Residents of Ashgrove were told to leave their homes on Tuesday as a fire on the hills above the "
        "village spread towards the main road. The county council opened a rest centre at the leisure club. "
        "A council spokesperson said the road would stay closed overnight and asked drivers to avoid the "
        "area.\n"
    ),
}


def _passage(document_id: str, text: str, title: str = "", outlet: str = "") -> Passage:
    return Passage(chunk_id=document_id + "#0", document_id=document_id, text=text, start=0, end=len(text),
                   score=0.5, title=title, outlet=outlet)


def test_the_names_of_a_question_are_its_capitalised_words_but_the_first_and_dates():
    assert question_names("How many firefighters are at the Birchwood fire?") == {"Birchwood"}
    assert question_names("Who chairs the governors at St Aldric's?") == {"St", "Aldric"}
    assert question_names("What happened in Ashgrove on Tuesday?") == {"Ashgrove"}
    assert question_names("Where were the suspects arrested?") == set()


def test_only_the_articles_writing_most_of_the_names_stay():
    passages = [
        _passage("a", "Flames swept across the moor behind Moorside."),
        _passage("b", "Residents were told to leave as the fire spread.", title="Ashgrove residents told to leave"),
        _passage("c", "Around 70 firefighters worked through the night."),
    ]
    assert [p.document_id for p in of_the_named(passages, frozenset({"Ashgrove"}))] == ["b"]
    assert of_the_named(passages, frozenset({"Harrowfield"})) == passages  # named nowhere: nothing to go by
    assert of_the_named(passages, frozenset()) == passages


@pytest.fixture(scope="module")
def fires(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("fires")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    bot = Citebot(make_settings(tmp_path_factory.mktemp("home")), embedder=embedder)
    report = bot.ingest([str(folder)], actor="test")
    assert not report.failed
    return bot


def test_a_question_naming_one_fire_is_not_answered_with_the_other_fires_figures(fires):
    answer = fires.ask("How many firefighters are tackling the Ashgrove fire?")
    quoted = " ".join(c.quote for c in answer.citations)
    assert "70 firefighters" not in quoted
    assert all(c.outlet == "Valley Gazette" for c in answer.citations)


def test_the_fire_that_gives_the_figure_is_still_quoted_for_it(fires):
    answer = fires.ask("How many firefighters are tackling the Moorside fire?")
    assert not answer.abstained
    assert "70 firefighters" in answer.citations[0].quote
    assert {c.outlet for c in answer.citations} == {"Fellgate Standard"}


def test_an_outlet_named_by_the_question_is_written_by_each_of_its_articles_whatever_the_case():
    passages = [
        _passage("a", "The council approved repairs to the old harbour wall.", "Council approves repairs", "Harbour Ledger"),
        _passage("b", "The repairs have been delayed.", "Harbour wall repairs delayed", "Harbour Ledger"),
    ]
    assert of_the_named(passages, frozenset({"Harbour", "Ledger"})) == passages

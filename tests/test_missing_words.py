"""The missing-word abstention rule (bot/engine/select.py) asks whether a story uses a
question's words; a word counts as used in another form of its family (vectorstore/terms.py),
and words that only ask (how a thing goes, who holds a post, where a thing stands) never count."""

from __future__ import annotations

import pytest

from bot.library import Citebot
from tests.conftest import make_settings

from bot.engine.abstention import ASKING_WORDS, HOLDING_WORDS, PLACING_WORDS
from vectorstore.terms import missing_terms


@pytest.mark.parametrize(("question", "story"), [
    ("When will parents meet the trust leadership?", "Parents are due to meet trust leaders on 11 September."),
    ("Who chairs the rowing club?", "Chairman Ivo Brandt said the rowing club would move."),
    ("Who designed the footbridge?", "The footbridge designer, Ana Ruiz, said it would open in May."),
])
def test_another_form_of_the_same_word_family_is_the_same_word(question, story):
    assert missing_terms(question, [story]) == []


@pytest.mark.parametrize(("question", "story", "missing"), [
    ("How many firefighters came?", "The fire burned all night.", ["many", "firefighters", "came"]),
    ("When was the quay built?", "The quay is being rebuilt by builders.", ["built"]),
    ("Who designed the footbridge?", "The footbridge opened in May.", ["designed"]),
])
def test_a_short_shared_opening_or_another_word_is_still_missing(question, story, missing):
    assert missing_terms(question, [story]) == missing


def test_light_verbs_ask_nothing_the_story_must_repeat():
    story = ["An angler stepped forward on Friday and passed his photographs to the agency."]
    assert missing_terms("When did the angler come forward?", story, ASKING_WORDS) == []
    assert missing_terms("Who did the angler give the photographs to?", story, ASKING_WORDS) == []
    assert missing_terms("Who did the angler give the photographs to?", story) == ["give"]


def test_words_that_only_ask_for_a_post_or_a_place_are_ignored_by_the_rule():
    assert missing_terms("Who leads the rowing club?", ["Its chief executive, Ivo Brandt, said the rowing club …"], HOLDING_WORDS) == []
    assert missing_terms("Where will the depot be built?", ["The depot on Harrow Lane will hold 40 buses."], PLACING_WORDS) == []


SCHOOL = (
    "Kestow Academy told to improve after inspection\n\n"
    "By Nia Fairbanks, Kestow Herald, 19 March 2026\n\n"
    "Kestow Academy has been told it requires improvement after inspectors found that 24 percent of pupils "
    "were persistently absent last year. The attendance study's lead author, Dr Omar Feld, said the "
    "figures had been checked twice. A parent, Lisa Moran, said the "
    "trust had moved three head teachers to other schools in four years. The trust's chief executive, Paul "
    "Venner, rejected the claim that heads had been moved away, saying two of them had retired.\n"
)
BAKERY = (
    "Kestow bakery to open second shop\n\n"
    "By Nia Fairbanks, Kestow Herald, 20 March 2026\n\n"
    "A family bakery in Kestow will open a second shop on Mill Street in June, its owner, Rosa Lind, said. "
    "The bakery employs 12 people and will hire six more for the new shop, which will sell bread and cakes.\n"
)


@pytest.fixture(scope="module")
def school(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("school")
    (folder / "school.txt").write_text(SCHOOL, encoding="utf-8")
    (folder / "bakery.txt").write_text(BAKERY, encoding="utf-8")
    bot = Citebot(make_settings(tmp_path_factory.mktemp("home")), embedder=embedder)
    assert not bot.ingest([str(folder)], actor="test").failed
    return bot


def test_a_disputing_verb_is_held_by_a_story_that_disputes_in_other_words(school):
    answer = school.ask("Who disputed the parent's claim about head teachers?")
    assert not answer.abstained
    assert any("rejected the claim" in c.quote for c in answer.citations)


def test_a_disputing_verb_is_still_missing_from_a_story_that_disputes_nothing(school):
    assert school.ask("Who denied that the bakery would hire more staff?").abstained


def test_proportion_asks_for_the_form_a_number_takes(school):
    answer = school.ask("What proportion of Kestow pupils are persistently absent?")
    assert not answer.abstained
    assert any("24 percent" in c.quote for c in answer.citations)


def test_led_asks_who_held_the_post(school):
    answer = school.ask("Who led the attendance study?")
    assert not answer.abstained
    assert any("Omar Feld" in c.quote for c in answer.citations)

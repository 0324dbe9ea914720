"""The missing-word abstention rule (bot/engine/select.py) asks whether a story uses a
question's words; a word counts as used in another form of its family (vectorstore/terms.py),
and words that only ask (how a thing goes, who holds a post, where a thing stands) never count."""

from __future__ import annotations

import pytest

from bot.engine.select import HOLDING_WORDS, PLACING_WORDS
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


def test_words_that_only_ask_for_a_post_or_a_place_are_ignored_by_the_rule():
    assert missing_terms("Who leads the rowing club?", ["Its chief executive, Ivo Brandt, said the rowing club …"], HOLDING_WORDS) == []
    assert missing_terms("Where will the depot be built?", ["The depot on Harrow Lane will hold 40 buses."], PLACING_WORDS) == []

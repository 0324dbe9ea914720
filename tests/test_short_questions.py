"""Short questions over a pasted local story (tests/corpus/short, written for this project: a
headline, a byline line, a "Read more" trailer) beside the sample corpus, with the real model and
store. A short question's few words are diluted by everything else in a chunk, so its best passage
often scores below `min_passage_score`; it is then judged by its sentences one by one. These are
the behaviours that path must keep: the sentence that answers is found, and a sentence that merely
shares the question's names or its number is not taken for an answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library import Citebot
from tests.conftest import SAMPLE_CORPUS, make_settings

SHORT = Path(__file__).parent / "corpus" / "short"


@pytest.fixture(scope="module")
def short_bot(tmp_path_factory, product_embedder) -> Citebot:
    home = tmp_path_factory.mktemp("short-home")
    report = Citebot(make_settings(home), embedder=product_embedder).ingest([str(SHORT), str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed, report.failed
    return Citebot(make_settings(home), embedder=product_embedder)


def test_a_post_named_only_in_an_according_to_clause_is_answered_with_its_holder(short_bot):
    answer = short_bot.ask("Who is the water board's chief engineer?")
    assert not answer.abstained
    assert answer.top_score < short_bot.settings.min_passage_score  # the sentence-by-sentence path
    first = answer.citations[0]
    assert "according to the board's chief engineer, Tobias Ferrant" in first.quote
    assert first.speaker == "Tobias Ferrant"


def test_when_something_starts_is_answered_by_when_it_comes_into_force(short_bot):
    answer = short_bot.ask("When will the restriction start?")
    assert not answer.abstained
    assert "will come into force on 1 June" in answer.citations[0].quote


def test_a_count_question_is_answered_by_the_number_of_its_story(short_bot):
    answer = short_bot.ask("How many leaks has the board repaired?")
    assert not answer.abstained and "repaired 212 leaks" in answer.citations[0].quote


def test_a_count_question_whose_only_number_is_its_own_year_is_abstained_on(short_bot):
    # the story names the flood of 1998 but no deaths; another article's death toll is not its answer
    answer = short_bot.ask("How many people died in the flood of 1998?")
    assert answer.abstained, [c.quote for c in answer.citations]
    assert answer.closest


def test_a_time_told_from_the_event_answers_when_and_an_exact_date_about_something_else_does_not_lead(short_bot):
    # the sample corpus: the arrests are dated only "several hours after the shooting"; the attack's
    # own sentence dates the shooting to the day but says nothing of the arrests
    answer = short_bot.ask("When were the suspects arrested?")
    assert not answer.abstained
    assert "detained in the Bryansk region" in answer.citations[0].quote
    assert "several hours after the shooting" in answer.citations[0].quote


def test_a_death_toll_is_not_disagreed_on_because_its_sentence_also_doubts_who_was_behind_the_attack(short_bot):
    # "No credible evidence … that Ukraine was involved in the attack, which killed at least 139
    # people" is a dispute, but not of "more than 130 people had been killed"
    answer = short_bot.ask("How many people died in the concert hall attack?")
    assert not answer.abstained and not answer.conflict
    assert any("130 people had been killed" in c.quote for c in answer.citations)


def test_the_canonical_question_is_still_disagreed_on(short_bot):
    answer = short_bot.ask("Did the suspects head to Ukraine?")
    assert answer.conflict and any(c.kind == "dispute" for c in answer.citations)

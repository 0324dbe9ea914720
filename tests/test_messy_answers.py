"""Answers over messy, real-world-shaped articles (tests/corpus/messy: a pasted .txt with a byline and
trailers, Markdown, a news page, a PDF, JSONL rows and a feed, all with captions, photo credits,
key-point bullets and datelines), with the real model and store.

tests/corpus/messy_questions.json holds paraphrased questions: numbers, people, dates, places,
claims and disputes, each with a few words of the sentence that answers it; and questions on the
same stories that the articles do not answer, which must be abstained on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library import Citebot
from tests.conftest import REPO, SAMPLE_CORPUS, make_settings

MESSY = REPO / "tests" / "corpus" / "messy"
QUESTIONS = json.loads((REPO / "tests" / "corpus" / "messy_questions.json").read_text(encoding="utf-8"))
ANSWERABLE = [q for q in QUESTIONS if q["kind"] != "unanswerable"]
UNANSWERABLE = [q for q in QUESTIONS if q["kind"] == "unanswerable"]


@pytest.fixture(scope="module")
def messy_home(tmp_path_factory, embedder) -> Path:
    """The messy corpus beside the sample corpus (so unrelated stories compete), ingested once."""
    home = tmp_path_factory.mktemp("messy-home")
    report = Citebot(make_settings(home), embedder=embedder).ingest([str(MESSY), str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed, report.failed
    return home


@pytest.fixture
def messy_bot(messy_home, embedder) -> Citebot:
    return Citebot(make_settings(messy_home), embedder=embedder)


def test_the_question_set_is_large_and_mixed():
    kinds = {q["kind"] for q in ANSWERABLE}
    assert len(QUESTIONS) >= 40 and len(UNANSWERABLE) >= 8
    assert {"number", "person", "date", "place", "claim", "dispute"} <= kinds


# Measured on 2026-12-02 with the shipped engine: 39-40 of 46 answerable questions quote the
# sentence that answers them and 5-6 of 8 unanswerable ones are abstained on (the range: the two
# embedding back ends, pooled vs fresh sentence vectors). Later that day, with the trained judge and
# the role-holder check for short "who" questions (bot/engine/evidence.py): 41 of 46, 5 of 8, and
# the answering sentence is the first quote for 31 of the 46; then, with a count question's counted
# word allowed to be a unit and only a sentence at cosine 0.7 overriding the story's missing words:
# 42 of 46, 7 of 8, 32 first. The misses are printed when this test runs; the floors, a little
# below, keep what works from slipping back.
MIN_ANSWERED = 40
MIN_ABSTAINED = 6
MIN_LEADING = 29


def _outcomes(bot: Citebot) -> list[tuple[dict, bool, str, bool]]:
    """(question, answered well, what was seen, the answering sentence is the first quote)."""
    results = []
    for item in QUESTIONS:
        answer = bot.ask(item["q"])
        if item["kind"] == "unanswerable":
            good = answer.abstained and bool(answer.closest)
            seen = "abstained" if answer.abstained else " | ".join(c.quote[:60] for c in answer.citations[:2])
        else:
            good = not answer.abstained and any(item["quote"] in c.quote for c in answer.citations)
            seen = f"abstained ({answer.top_score:.2f})" if answer.abstained else answer.citations[0].quote[:80]
        leads = item["kind"] != "unanswerable" and not answer.abstained and item["quote"] in answer.citations[0].quote
        results.append((item, good, seen, leads))
    return results


def test_answerable_questions_quote_the_answering_sentence_and_others_are_abstained_on(messy_bot, capsys):
    results = _outcomes(messy_bot)
    answered = sum(good for item, good, _, _ in results if item["kind"] != "unanswerable")
    abstained = sum(good for item, good, _, _ in results if item["kind"] == "unanswerable")
    leading = sum(leads for *_, leads in results)
    with capsys.disabled():  # the misses go to CI's log whether the floors hold or not
        print(f"\nmessy corpus: {answered}/{len(ANSWERABLE)} answered with the answering sentence, "
              f"{abstained}/{len(UNANSWERABLE)} unanswerable abstained, the answering sentence first in {leading}")
        for item, good, seen, _ in results:
            if not good:
                print(f"  miss [{item['kind']}] {item['q']} -> {seen}")
    assert answered >= MIN_ANSWERED and abstained >= MIN_ABSTAINED and leading >= MIN_LEADING


def test_no_quote_is_a_photo_credit_headline_byline_or_trailer(messy_bot):
    banned = ("Photo:", "Photo/", "Credit:", "Read more", "Read the original", "Sign up", "Subscribe", "Follow us", "By Marta Ilves")
    for item in QUESTIONS:
        for c in messy_bot.ask(item["q"]).citations:
            assert not any(b in c.quote for b in banned), (item["q"], c.quote)


def test_what_a_count_question_counts_may_be_given_as_a_unit(messy_bot):
    answer = messy_bot.ask("How much land has the Birchwood fire burned?")  # the story gives hectares, never "land"
    assert not answer.abstained
    assert "hectares" in answer.citations[0].quote


def test_a_question_on_the_story_asking_what_it_never_mentions_is_abstained_on(messy_bot):
    answer = messy_bot.ask("When was Kell Reservoir built?")  # the reservoir story has dates, none of its building
    assert answer.abstained and answer.closest


def test_a_short_question_is_answered_from_its_own_story_only(messy_bot):
    # the tailings-spill story has a sentence about water that clears the quoting floors
    answer = messy_bot.ask("Do campaigners accept Upland Water's leakage figure?")
    assert not answer.abstained
    assert {c.title for c in answer.citations} == {next(c.title for c in answer.citations if "Kell Reservoir" in c.title)}
    assert any("closer to 29 percent" in c.quote for c in answer.citations)

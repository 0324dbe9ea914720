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


@pytest.mark.parametrize("item", ANSWERABLE, ids=[q["q"] for q in ANSWERABLE])
def test_an_answerable_question_quotes_the_sentence_that_answers_it(messy_bot, item):
    answer = messy_bot.ask(item["q"])
    assert not answer.abstained, f"abstained (best passage {answer.top_score:.2f})"
    quotes = [c.quote for c in answer.citations]
    assert any(item["quote"] in q for q in quotes), quotes


@pytest.mark.parametrize("item", UNANSWERABLE, ids=[q["q"] for q in UNANSWERABLE])
def test_a_question_the_articles_do_not_answer_is_abstained_on(messy_bot, item):
    answer = messy_bot.ask(item["q"])
    assert answer.abstained, [c.quote for c in answer.citations]
    assert answer.closest, "an abstention names the closest sources"


def test_no_quote_is_a_photo_credit_headline_byline_or_trailer(messy_bot):
    banned = ("Photo:", "Photo/", "Credit:", "Read more", "Read the original", "Sign up", "Subscribe", "Follow us", "By Marta Ilves")
    for item in QUESTIONS:
        for c in messy_bot.ask(item["q"]).citations:
            assert not any(b in c.quote for b in banned), (item["q"], c.quote)

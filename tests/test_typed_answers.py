"""A typed question ("who …?") whose closest sentence shares none of its words is still answered
by that sentence when the sentences picked for their words do not say what was asked
(bot/engine/select.py `_with_one_of_the_kind`). On the second messy test set: "Who was the
landlord's lawyer in court?" over "In mitigation, Sallow's solicitor, Anita Grewal, said …"."""

from __future__ import annotations

import numpy as np

from bot.engine.candidates import Candidate
from bot.engine.select import _answers_kind, _with_one_of_the_kind
from bot.settings import Settings
from vectorstore.records import Passage

SETTINGS = Settings(home="/nonexistent")


def _candidate(text: str, *, document: str = "a", sim: float, coverage: float, fits: bool, score: float) -> Candidate:
    passage = Passage(chunk_id=document + "#0", document_id=document, text=text, start=0, end=len(text), score=0.5)
    return Candidate(passage, 0, len(text), text, score=score, vector=np.ones(3), sim=sim, relevance=sim,
                     coverage=coverage, fits=fits)


PICKED = [
    _candidate("The court heard the landlord had been warned.", sim=0.30, coverage=0.3, fits=False, score=0.9),
    _candidate("A council spokesperson said the landlord was written to.", sim=0.40, coverage=0.2, fits=True, score=0.8),
]
LAWYER = _candidate("In mitigation, his solicitor, Hannah Brisk, said he had paid.", sim=0.47, coverage=0.0, fits=True, score=0.6)


def test_the_closest_sentence_of_the_asked_kind_takes_the_weakest_quotes_place():
    assert not any(_answers_kind(c, short=True) for c in PICKED)
    chosen = _with_one_of_the_kind(PICKED, [*PICKED, LAWYER], short=True, settings=SETTINGS)
    assert LAWYER in chosen and len(chosen) == len(PICKED)
    assert PICKED[1] not in chosen  # the weakest by score made room


def test_a_sentence_of_another_article_or_below_the_quoting_floor_is_not_brought_in():
    elsewhere = _candidate("Her solicitor, Ann Roe, said so.", document="b", sim=0.5, coverage=0.0, fits=True, score=0.6)
    faint = _candidate("Solicitor Ann Roe was there.", sim=SETTINGS.min_sentence_score - 0.01, coverage=0.6, fits=True, score=0.6)
    assert _with_one_of_the_kind(PICKED, [*PICKED, elsewhere, faint], short=True, settings=SETTINGS) == PICKED


def test_a_why_question_is_not_abstained_on_for_want_of_a_causal_word(tmp_path, embedder):
    from bot.library import Citebot
    from tests.conftest import make_settings

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "fire.txt").write_text(
        "Moor fire still smouldering a week on\n\nBy Iris Channing, Fellgate Standard, 21 July 2025\n\n"
        "The moor fire above Moorside was still smouldering on Monday, a week after it started. Crews said the "
        "fire had burrowed into the dry peat and was creeping along under the surface, where water from the "
        "hoses could not reach it. Residents were told to keep windows shut.\n", encoding="utf-8")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    assert not bot.ingest([str(folder)], actor="test").failed
    answer = bot.ask("Why is the Moorside fire so hard to put out?")
    assert not answer.abstained
    assert any("burrowed into the dry peat" in c.quote for c in answer.citations)


CLUB = (
    "Harbury Athletic sold to local consortium\n\n"
    "By Lena Marsh, Harbury Echo, 14 April 2026\n\n"
    "Harbury Athletic have been sold to a consortium of local business owners, ending ten years of ownership "
    "by the Pryor family. Harbury Athletic's supporters' trust said it welcomed the sale but wanted the ground "
    "protected. The manager, Kev Aldane, said players had been told of the deal at training on Tuesday. "
    "Harbury Athletic play their next home game on Saturday, and the supporters' trust will meet the new owners next week.\n"
)


def test_who_holds_the_asked_post_is_quoted_though_the_sentence_shares_no_word(tmp_path, embedder):
    from bot.library import Citebot
    from tests.conftest import make_settings

    (tmp_path / "club.txt").write_text(CLUB, encoding="utf-8")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    assert not bot.ingest([str(tmp_path / "club.txt")], actor="test").failed
    answer = bot.ask("Who manages Harbury Athletic?")
    assert not answer.abstained
    assert "Kev Aldane" in answer.citations[0].quote

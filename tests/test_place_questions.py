"""A "where" question is answered by the sentence that places the thing asked about, even when
the story never uses the question's verb of placing ("be built", "live"): the missing-word
abstention rule (bot/engine/select.py) does not count those verbs."""

from __future__ import annotations

import pytest

from bot.library import Citebot
from tests.conftest import make_settings

ARTICLE = (
    "Council approves £9m bus depot for Fenmoor\n\n"
    "By Petra Lindqvist, Fenmoor Courier, 8 May 2025\n\n"
    "Fenmoor council has approved a £9 million bus depot that will let the town's operator run an all-electric "
    "fleet by 2028. The transport officer, Colm Hardy, said Fenmoor's new bus depot on Harrow Lane would hold 40 "
    "buses and charge them overnight from a substation next to the site. Work is due to start in the autumn. "
    "Residents of Harrow Lane have asked for a noise barrier along the depot's northern edge, and the council "
    "said it would consider one when the final plans are drawn up.\n"
)


@pytest.fixture(scope="module")
def depot(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("depot")
    (folder / "depot.txt").write_text(ARTICLE, encoding="utf-8")
    bot = Citebot(make_settings(tmp_path_factory.mktemp("home")), embedder=embedder)
    assert not bot.ingest([str(folder)], actor="test").failed
    return bot


def test_where_a_thing_will_be_built_is_answered_by_where_it_will_be(depot):
    answer = depot.ask("Where will the new bus depot be built?")
    assert not answer.abstained
    assert "on Harrow Lane" in answer.citations[0].quote



def test_a_question_holding_most_of_the_storys_words_is_not_abstained_on_for_its_verb_of_placing(depot):
    answer = depot.ask("Where will Fenmoor's new bus depot be built?")
    assert not answer.abstained
    assert "on Harrow Lane" in answer.citations[0].quote

"""The rerank of the top passages (bot/rerank.py): plain passages, no model, no store; and once
through a real store, where only the order inside the window may change."""

from bot.engine.rerank import best_sentence_shares, rerank
from tests.conftest import make_settings
from vectorstore.records import Passage

QUESTION = "Which striker scored twice for Harbour United in the cup final against Millbrook?"
TOPIC = "The cup final drew a record crowd to the stadium on Saturday afternoon."
ANSWER = "Striker Ana Ruiz scored twice as Harbour United beat Millbrook in the cup final."


def _passage(n: int, text: str, document: str | None = None) -> Passage:
    return Passage(f"c{n}", document or f"d{n}", text, 0, len(text), 0.5)


def _on_topic(n: int, document: str | None = None) -> Passage:
    return _passage(n, f"{TOPIC} Fans of both clubs travelled for the match number {n}.", document)


def test_the_passage_whose_sentence_holds_the_questions_distinctive_words_moves_up():
    passages = [_on_topic(0), _on_topic(1), _on_topic(2), _passage(3, f"{TOPIC} {ANSWER}")]
    assert [p.chunk_id for p in rerank(QUESTION, passages, weight=2.0)][0] == "c3"


def test_weight_zero_keeps_the_fused_order():
    passages = [_on_topic(0), _on_topic(1), _passage(2, ANSWER)]
    assert rerank(QUESTION, passages, weight=0.0) == passages


def test_only_the_order_changes_never_the_set():
    passages = [_on_topic(0), _passage(1, ANSWER), _on_topic(2), _passage(3, "Nothing of note here at all, really.")]
    assert sorted(p.chunk_id for p in rerank(QUESTION, passages, weight=5.0)) == ["c0", "c1", "c2", "c3"]


def test_words_every_passage_shares_do_not_lift_one_of_them():
    shares = best_sentence_shares(QUESTION, [_on_topic(0), _on_topic(1), _passage(2, ANSWER)])
    assert shares[2] > 0.5 > shares[0] and shares[0] == shares[1]


def test_an_articles_second_passage_yields_to_another_articles_nearly_as_strong_one():
    same = [_passage(0, ANSWER, "a"), _passage(1, f"{ANSWER} Again.", "a")]
    other = _passage(2, "Ana Ruiz, a striker, scored twice in the cup final as Harbour United saw off Millbrook.", "b")
    order = [p.chunk_id for p in rerank(QUESTION, [*same, other], weight=2.0)]
    assert order == ["c0", "c2", "c1"]


def test_ask_and_eval_see_the_same_order(citebot, tmp_path):
    """`ask` takes top_k passages and eval 10: the rerank window is fixed, so the first top_k agree."""
    for i, body in enumerate([TOPIC, f"{TOPIC} Tickets sold out.", ANSWER, f"{TOPIC} Rain fell."]):
        (tmp_path / f"a{i}.md").write_text(f"---\ntitle: Final {i}\noutlet: Coast Daily\n---\n{body}\n", encoding="utf-8")
    citebot.ingest([str(tmp_path)])
    ten = citebot.retrieve(QUESTION, k=10)
    two = citebot.retrieve(QUESTION, k=2)
    assert [p.chunk_id for p in two] == [p.chunk_id for p in ten[:2]]
    assert "Ana Ruiz" in ten[0].text
    plain = type(citebot)(make_settings(citebot.settings.home, rerank_weight=0.0), embedder=citebot.embedder)
    assert {p.chunk_id for p in plain.retrieve(QUESTION, k=10)} == {p.chunk_id for p in ten}

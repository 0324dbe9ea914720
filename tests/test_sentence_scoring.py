"""How the answer engine weighs a question's words when it picks sentences (no model needed)."""

from bot.engine.candidates import FULL_KEYWORD_TERMS, RANK_PENALTY, candidates_of, keyword_scores
from vectorstore.records import Passage


def _passages(*texts: str) -> list[Passage]:
    return [Passage(f"c{i}", f"d{i}", t, 0, len(t), 0.5) for i, t in enumerate(texts)]


def _scores(question: str, *texts: str) -> dict[str, float]:
    candidates = candidates_of(_passages(*texts))
    keyword_scores(question, candidates)
    return {c.text: c.keywords for c in candidates}


LONG_QUESTION = (
    "Which company did the Harbor Wire report say was fined by regulators in Lisbon over its "
    "battery recycling plant emissions in March?"
)


def test_a_sentence_with_the_questions_rare_words_outranks_one_sharing_only_the_topic():
    rare = "Regulators in Lisbon fined Voltaic for emissions from its battery recycling plant."
    topical = "The company said the plant would reopen once the inspection of the site was finished."
    scores = _scores(LONG_QUESTION, topical, rare)
    assert scores[rare] > scores[topical] + 0.3


def test_words_every_candidate_shares_count_for_little():
    a = "Battery makers in Lisbon are expanding, and the plant hired new workers this year."
    b = "Battery prices fell again, analysts at a plant in the north said on Tuesday last week."
    c = "Battery recycling remains costly for every plant, according to an industry group."
    scores = _scores("Was the battery plant in Lisbon expanding?", a, b, c)
    assert max(scores, key=scores.get) == a  # only it holds "Lisbon" and "expanding"


def test_short_questions_lean_less_on_their_words_than_long_ones():
    text = "Regulators in Lisbon fined Voltaic for emissions from its battery recycling plant."
    other = "A spokesman declined to comment on the matter when reached by phone on Friday."
    short = _scores("Lisbon fine?", text, other)[text]
    long = _scores(LONG_QUESTION, text, other)[text]
    assert 0 < short < long
    assert short <= 2 / FULL_KEYWORD_TERMS + 1e-9


def test_a_sentence_from_a_lower_ranked_passage_costs_a_little():
    same = "Regulators in Lisbon fined Voltaic for emissions from its battery recycling plant."
    candidates = candidates_of(_passages(same, "Filler sentence that is long enough to count here.", same + " Again."))
    keyword_scores(LONG_QUESTION, candidates)
    first, later = candidates[0], candidates[-1]
    assert later.rank == 2 and first.rank == 0
    assert first.keywords - later.keywords > 2 * RANK_PENALTY * 0.99


def test_each_sentence_knows_the_sentences_above_it_in_its_passage():
    text = ("Harbour master Ruth Okonjo said the quay would close for repairs. "
            "“We cannot keep patching a wall that is older than the lighthouse.” The quay was opened by the town in 1884.")
    passage = Passage(chunk_id="a#0", document_id="a", text=text, start=0, end=len(text), score=0.5)
    first, second, third = candidates_of([passage])
    assert first.before == ()
    assert second.before == (first.text,)
    assert third.before == (second.text, first.text)

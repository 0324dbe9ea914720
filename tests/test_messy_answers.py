"""Answers over messy, real-world-shaped articles (tests/corpus/messy: a pasted .txt with a byline and
trailers, Markdown, a news page, a PDF, JSONL rows and a feed, all with captions, photo credits,
key-point bullets and datelines), with the real model and store.

tests/corpus/messy_questions.json holds paraphrased questions: numbers, people, dates, places,
claims and disputes, each with a few words of the sentence that answers it; and questions on the
same stories that the articles do not answer, which must be abstained on.

tests/corpus/second/ (six articles: two pasted .txt, a .txt with its credit at the foot, Markdown,
a news page, a JSONL row) and second_questions.json were written on 2026-12-03 by a helper who
had not read the engine, as a check of what the first set's tuning does to articles nobody tuned
on. Its first run: 35 of 61 answered, 4 of 14 abstained; three of its six articles had lost their
outlet or date to byline shapes the first set lacks.

tests/corpus/third/ (seven articles in six files: two pasted .txt, a .txt with its credit at the
foot, Markdown with images, links and a Related list, a news page without og:site_name, two JSONL
rows) and third_questions.json were written the same way later that day, after the changes the
second set led to. Its first run: 33 of 60 answered at the session's start, 37 with the changes
made before it was seen (one store with all three sets); 4 of 15 abstained either way.

tests/corpus/fourth/ (eight articles in seven files: a browser-pasted .txt whose outlet only its
photo credit names, a wire .txt with key points and a dateline without a year, Markdown with a
pull quote, a news page with a cookie banner and "Most read" links, a two-page PDF without info
fields, a two-item RSS feed, a JSONL row; two outlets disagree on one story) and
fourth_questions.json were written the same way a day later. Its first run, in its own store:
34 of 60 answered, 1 of 15 abstained, first in 24 at the session's start; 39, 1, 28 with each
sentence scored by the better of its vector in context and alone (chosen on the first three sets).

tests/corpus/fifth/ (eight articles in seven files: a browser-pasted .txt with a dateless byline, a
"Last modified on" line and "Explore more on these topics" tags, a wire .txt whose dateline names a
country before the day, Markdown with YAML front matter, a news page dated only by its
article:published_time, a PDF with no information dictionary, a JSONL row, a two-entry Atom feed;
two outlets disagree on one story) and fifth_questions.json were written the same way on
2026-12-03. Its first run, in its own store: 37 of 60 answered, 3 of 15 abstained, first in 27 at
the session's start; 31, 7, 22 with a rule tried on the other four sets that abstained when a short
question's asked-about word ("Which judge …", "How many spectators …") is absent from its story,
which was therefore dropped: readers ask with other words ("households" for "homes", "medic" for
"GP").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library import Citebot
from tests.conftest import REPO, SAMPLE_CORPUS, make_settings

MESSY = REPO / "tests" / "corpus" / "messy"
SECOND = REPO / "tests" / "corpus" / "second"
THIRD = REPO / "tests" / "corpus" / "third"
FOURTH = REPO / "tests" / "corpus" / "fourth"
QUESTIONS = json.loads((REPO / "tests" / "corpus" / "messy_questions.json").read_text(encoding="utf-8"))
THIRD_QUESTIONS = json.loads((REPO / "tests" / "corpus" / "third_questions.json").read_text(encoding="utf-8"))
SECOND_QUESTIONS = json.loads((REPO / "tests" / "corpus" / "second_questions.json").read_text(encoding="utf-8"))
FOURTH_QUESTIONS = json.loads((REPO / "tests" / "corpus" / "fourth_questions.json").read_text(encoding="utf-8"))
FIFTH = REPO / "tests" / "corpus" / "fifth"
FIFTH_QUESTIONS = json.loads((REPO / "tests" / "corpus" / "fifth_questions.json").read_text(encoding="utf-8"))
SIXTH = REPO / "tests" / "corpus" / "sixth"  # asked in tests/test_sixth_set.py
SIXTH_QUESTIONS = json.loads((REPO / "tests" / "corpus" / "sixth_questions.json").read_text(encoding="utf-8"))
ANSWERABLE = [q for q in QUESTIONS if q["kind"] != "unanswerable"]
UNANSWERABLE = [q for q in QUESTIONS if q["kind"] == "unanswerable"]


@pytest.fixture(scope="module")
def messy_home(tmp_path_factory, product_embedder) -> Path:
    """The messy corpus beside the sample corpus (so unrelated stories compete), ingested once."""
    home = tmp_path_factory.mktemp("messy-home")
    report = Citebot(make_settings(home), embedder=product_embedder).ingest([str(MESSY), str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed, report.failed
    return home


@pytest.fixture
def messy_bot(messy_home, product_embedder) -> Citebot:
    return Citebot(make_settings(messy_home), embedder=product_embedder)


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
# below, keep what works from slipping back. On 2026-12-03 the missing-word rule was held to
# questions the story matches word for word (it had abstained on 16 of the second set's 61
# answerable questions): 42 of 46, 4 of 8. All of these with sentence-transformers, which embeds
# each sentence alone at question time. Since 2026-12-03 (later) every set here is asked with the
# embedder citebot runs by default (ONNX, sentence vectors pooled in their chunk at ingest), so the
# floors hold what a user gets: 40 of 46, 4 of 8, 33 first (sentence-transformers: 42, 4, 32).
# On 2026-12-03, with each sentence scored by the better of its vector in context and alone
# (vectorstore/sentence_vectors.py): 42, 4, 33; with the rescue bar at 0.44, 43, 4, 33.
MIN_ANSWERED = 41
MIN_ABSTAINED = 4
MIN_LEADING = 31


def _outcomes(bot: Citebot, questions: list[dict] = QUESTIONS) -> list[tuple[dict, bool, str, bool]]:
    """(question, answered well, what was seen, the answering sentence is the first quote)."""
    results = []
    for item in questions:
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


def _report(name: str, questions: list[dict], results) -> tuple[int, int, int]:
    answered = sum(good for item, good, _, _ in results if item["kind"] != "unanswerable")
    abstained = sum(good for item, good, _, _ in results if item["kind"] == "unanswerable")
    leading = sum(leads for *_, leads in results)
    answerable = sum(q["kind"] != "unanswerable" for q in questions)
    print(f"\n{name}: {answered}/{answerable} answered with the answering sentence, "
          f"{abstained}/{len(questions) - answerable} unanswerable abstained, the answering sentence first in {leading}")
    for item, good, seen, _ in results:
        if not good:
            print(f"  miss [{item['kind']}] {item['q']} -> {seen}")
    return answered, abstained, leading


def test_answerable_questions_quote_the_answering_sentence_and_others_are_abstained_on(messy_bot, capsys):
    results = _outcomes(messy_bot)
    with capsys.disabled():  # the misses go to CI's log whether the floors hold or not
        answered, abstained, leading = _report("messy corpus", QUESTIONS, results)
    assert answered >= MIN_ANSWERED and abstained >= MIN_ABSTAINED and leading >= MIN_LEADING


def test_a_short_question_is_judged_by_its_sentences_however_low_its_best_passage_scores(messy_bot):
    # "chief executive" and "health board" are two words of a long chunk about a maternity unit:
    # the passage scores 0.18, far below where a long question abstains at once
    answer = messy_bot.ask("Who is the chief executive of the health board?")
    settings = messy_bot.settings
    assert answer.top_score < settings.min_passage_score - settings.sentence_rescue_margin
    assert not answer.abstained and "Board chief executive Martin Sayer" in answer.citations[0].quote


# --- the second set, written apart from the engine -----------------------------------------------

# Measured 2026-12-03 after the byline shapes it showed (ingest/lines.py) and the missing-word rule
# held to questions that match their story word for word (bot/engine/select.py): in this store
# (second set + sample corpus) 36 of 61 answered, 2 of 14 abstained, first in 27; in one store
# with both sets, 43, 2, 25 (before the two changes: 35, 4, 19). Far from the first set's
# figures: the engine's hand-set parts were tuned on the first set. Later that day, with a short
# question's quotes kept to the articles writing its names, "where" and "who" questions' kinds and
# verbs, and the default (ONNX) embedder: 45, 2, 27 (sentence-transformers: 37, 2, 26). Then, with
# sentences scored by the better of their vector in context and alone: 44, 1, 27 (the one set of
# four that lost; the four gained 9 answered and lost 1 abstention in all). With the rescue bar at
# 0.44: 46, 1, 28. On 2026-12-06, with a "when" question led by its most exact date
# (evidence.date_precision): 46, 1, 31.
SECOND_MIN_ANSWERED = 44
SECOND_MIN_ABSTAINED = 1
SECOND_MIN_LEADING = 30


def _bot_over(folder: Path, tmp_path_factory, embedder) -> Citebot:
    """A store holding `folder` beside the sample corpus, ingested once for its module."""
    home = tmp_path_factory.mktemp(folder.name + "-home")
    report = Citebot(make_settings(home), embedder=embedder).ingest([str(folder), str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed, report.failed
    return Citebot(make_settings(home), embedder=embedder)


def _quotes_in_exactly_one_article(folder: Path, questions: list[dict]) -> list[dict]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())]
    answerable = [q for q in questions if q["kind"] != "unanswerable"]
    for item in answerable:
        assert sum(text.count(item["quote"]) for text in texts) == 1, item["quote"]
    return answerable


def _holds_its_floors(bot: Citebot, name: str, questions: list[dict], floors: tuple[int, int, int], capsys) -> None:
    results = _outcomes(bot, questions)
    with capsys.disabled():  # the misses go to CI's log whether the floors hold or not
        answered, abstained, leading = _report(name, questions, results)
    assert answered >= floors[0] and abstained >= floors[1] and leading >= floors[2], (answered, abstained, leading)


@pytest.fixture(scope="module")
def second_bot(tmp_path_factory, product_embedder) -> Citebot:
    return _bot_over(SECOND, tmp_path_factory, product_embedder)


def test_the_second_sets_quotes_are_body_text_of_exactly_one_article():
    answerable = _quotes_in_exactly_one_article(SECOND, SECOND_QUESTIONS)
    assert len(answerable) >= 36 and len(SECOND_QUESTIONS) - len(answerable) >= 10


def test_the_second_set_is_answered_and_abstained_on_like_the_first(second_bot, capsys):
    _holds_its_floors(second_bot, "second corpus", SECOND_QUESTIONS,
                      (SECOND_MIN_ANSWERED, SECOND_MIN_ABSTAINED, SECOND_MIN_LEADING), capsys)


def test_every_second_set_article_is_named_by_its_outlet(second_bot):
    # three of the six lost outlet or date before ingest/lines.py read their byline shapes
    records = {r.outlet: r.published_at for r in second_bot.store.list_documents()}
    assert {"Ashbury Gazette", "The Denholm Mercury", "Kestow Chronicle", "Brinmouth Evening Post",
            "Wexcombe Echo", "Halden & District Herald"} <= set(records)
    assert records["Ashbury Gazette"] == "2025-02-11" and records["Kestow Chronicle"] == "2025-03-06"


# --- the third set, written apart from the engine after the second -------------------------------

# Measured 2026-12-03 in this store (third set + sample corpus): at the session's start 34 of 60
# answered, 4 of 15 abstained, first in 24; after the Markdown reading and byline shapes it showed
# (ingest/markdown.py, ingest/lines.py) and the missing-word rule's word families, 40, 4, 30
# (with the default ONNX embedder; sentence-transformers: 38, 4, 30). Then, with sentences scored
# by the better of their vector in context and alone: 43, 4, 33. Then with a sentence's rescue bar
# at 0.44, where MultiHop-RAG dev's null questions end (Settings.min_sentence_answer_score): 45, 3,
# 35 ("Who is the global chief executive of Halvorsen?" is now answered with the UK head's name).
THIRD_MIN_ANSWERED = 43
THIRD_MIN_ABSTAINED = 3
THIRD_MIN_LEADING = 33


@pytest.fixture(scope="module")
def third_bot(tmp_path_factory, product_embedder) -> Citebot:
    return _bot_over(THIRD, tmp_path_factory, product_embedder)


def test_the_third_sets_quotes_are_text_of_exactly_one_article():
    answerable = _quotes_in_exactly_one_article(THIRD, THIRD_QUESTIONS)
    assert len(answerable) >= 40 and len(THIRD_QUESTIONS) - len(answerable) >= 8


def test_the_third_set_is_answered_and_abstained_on(third_bot, capsys):
    _holds_its_floors(third_bot, "third corpus", THIRD_QUESTIONS,
                      (THIRD_MIN_ANSWERED, THIRD_MIN_ABSTAINED, THIRD_MIN_LEADING), capsys)


def test_every_third_set_article_is_named_by_its_outlet_date_and_author(third_bot):
    records = {r.outlet: (r.published_at, r.author) for r in third_bot.store.list_documents()}
    assert records["Harrowby Evening Post"] == ("2025-05-12", "Priya Venkatesan")  # not 'Updated'
    assert records["Kestrel Post"] == ("2025-06-19", "Owen Prichard")  # outlet-first byline in a JSONL body
    assert records["Northgate Chronicle"] == ("2025-05-08", "Marcus Bell")  # page metadata without the role
    assert records["Elmbury & District Advertiser"][0] == "2025-06-04"
    assert {"Fenbrook Courier", "The Tarrow Valley Gazette", "Brindle Bay Herald"} <= set(records)


def test_no_quote_of_the_markdown_article_holds_markup_or_a_related_link(third_bot):
    questions = ["How much over budget is the Old Mill Bridge repair?", "Who is the main contractor on the bridge?",
                 "Has a temporary footbridge opened at Old Mill Bridge?", "When will Old Mill Bridge reopen?"]
    quotes = [c.quote for q in questions for c in third_bot.ask(q).citations]
    assert any("Pellingford" in quote or "bridge" in quote for quote in quotes)
    for quote in quotes:
        assert not any(mark in quote for mark in ("**", "](", "![", "Temporary footbridge opens")), quote


# --- the fourth set, written apart from the engine a day later -----------------------------------

# Measured 2026-12-03 in this store (fourth set + sample corpus), after the faults its misses
# showed: a question's disputing verb ("Who denied …?") is held by a story that disputes in other
# words, "proportion" asks for a number's form, "led" for a post holder (bot/engine/select.py);
# and the outlet of a staff photographer's credit, a feed's outlet without its section, a
# dateline's or a file name's date (ingest/); and a who-question's post holder quoted though the
# sentence shares no word with it: 42 of 60 answered, 1 of 15 abstained, first in 30. With the
# rescue bar at 0.44: 43, 1, 31.
FOURTH_MIN_ANSWERED = 41
FOURTH_MIN_ABSTAINED = 1
FOURTH_MIN_LEADING = 29


@pytest.fixture(scope="module")
def fourth_bot(tmp_path_factory, product_embedder) -> Citebot:
    return _bot_over(FOURTH, tmp_path_factory, product_embedder)


@pytest.mark.parametrize(("folder", "questions"), [(FOURTH, FOURTH_QUESTIONS), (FIFTH, FIFTH_QUESTIONS), (SIXTH, SIXTH_QUESTIONS)],
                         ids=["fourth", "fifth", "sixth"])
def test_a_later_sets_quotes_are_text_of_exactly_one_article(folder, questions):
    """Checked on the articles as read (the PDF's text layer, the feed's entries), not the files."""
    from ingest.sources import expand_targets, read_targets

    texts = [d.text for r in read_targets(expand_targets([str(folder)])) for d in r.documents]
    assert len(texts) == 8
    answerable = [q for q in questions if q["kind"] != "unanswerable"]
    for item in answerable:
        assert sum(text.count(item["quote"]) for text in texts) == 1, item["quote"]
    assert len(answerable) >= 40 and len(questions) - len(answerable) >= 8


def test_the_fourth_set_is_answered_and_abstained_on(fourth_bot, capsys):
    _holds_its_floors(fourth_bot, "fourth corpus", FOURTH_QUESTIONS,
                      (FOURTH_MIN_ANSWERED, FOURTH_MIN_ABSTAINED, FOURTH_MIN_LEADING), capsys)


def test_every_fourth_set_article_is_named_by_its_outlet_date_and_author(fourth_bot):
    records = {(r.outlet, r.published_at[:10]): r.author for r in fourth_bot.store.list_documents()}
    assert records[("Ridgeway Gazette", "2026-03-30")] == "Hannah Pryce"  # named only by its photo credit
    assert records[("Northmoor Wire", "2026-03-03")] == ""  # dateline without a year: the file's name dates it
    assert records[("The Riverside Chronicle", "2026-04-15")] == "Sam Delaney"  # feed "… - Latest news"
    assert records[("The Riverside Chronicle", "2026-02-27")] == "Megan Ashworth"
    assert records[("The Wexmoor Courier", "2026-01-12")] == "Tomasz Wren"  # PDF without info fields
    assert records[("Castlegate Evening Post", "2026-04-14")] == "Daniel Okafor"
    assert records[("The Fenland Ledger", "2026-05-05")] == "Priya Raman"
    assert records[("Dunmore Observer", "2026-03-19")] == "Chloe Abara"


@pytest.mark.parametrize("folder", [FOURTH, FIFTH, SIXTH], ids=["fourth", "fifth", "sixth"])
def test_a_later_sets_pdf_is_what_its_build_script_makes(folder):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"build_{folder.name}_pdf", folder / "build_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.OUT.read_bytes() == module.build()


# --- the fifth set, written apart from the engine on 2026-12-03 -----------------------------------

# Measured 2026-12-03 in this store (fifth set + sample corpus) after its wire dateline's outlet
# (ingest/lines.py) and a short question's quotes held to articles whose best passage is near the
# best one (bot/engine/select.py): 37 of 60 answered, 3 of 15 abstained, first in 27; then with
# light verbs ("come across") asking nothing and a named building being a place: 39, 3, 29.
FIFTH_MIN_ANSWERED = 37
FIFTH_MIN_ABSTAINED = 2
FIFTH_MIN_LEADING = 27


@pytest.fixture(scope="module")
def fifth_bot(tmp_path_factory, product_embedder) -> Citebot:
    return _bot_over(FIFTH, tmp_path_factory, product_embedder)


def test_the_fifth_set_is_answered_and_abstained_on(fifth_bot, capsys):
    _holds_its_floors(fifth_bot, "fifth corpus", FIFTH_QUESTIONS,
                      (FIFTH_MIN_ANSWERED, FIFTH_MIN_ABSTAINED, FIFTH_MIN_LEADING), capsys)


def test_every_fifth_set_article_is_named_by_its_outlet_date_and_author(fifth_bot):
    records = {(r.outlet, r.published_at[:10]): r.author for r in fifth_bot.store.list_documents()}
    assert records[("Marsh Wire", "2026-06-03")] == "Hannah Olufemi"  # "HALBURY, England, June 3 (Marsh Wire) -"
    assert records[("The Kelverton Herald", "2026-06-09")] == "Morag Lindsay"  # "Last modified on …" line
    assert records[("The Brackwell Advertiser", "2026-02-27")] == "Owen Pritchard"  # PDF without an info dictionary
    assert records[("Dunmere Evening Post", "2026-05-28")] == "Rachel Okafor"  # YAML front matter
    assert records[("The Tarnside Ledger", "2026-06-16")] == "Priya Castellano"  # Atom feed "… — Business"
    assert records[("The Ravensby Echo", "2026-06-05")] == "Gemma Thwaite"  # page without og:site_name


def test_no_fifth_set_answer_quotes_an_article_of_another_story(fifth_bot):
    """The sample corpus beside it tells of an attack near Moscow; no question of the fifth set is
    about it. "How many people have been arrested over the museum break-in?" had quoted its arrests."""
    sample = {r.document_id for r in fifth_bot.store.list_documents() if r.published_at.startswith("2024")}
    assert len(sample) == 9
    for item in FIFTH_QUESTIONS:
        quoted = [c.quote for c in fifth_bot.ask(item["q"]).citations if c.document_id in sample]
        assert not quoted, (item["q"], quoted)

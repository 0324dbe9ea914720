"""Coverage gaps: abstained and voted-wrong questions grouped by meaning (the real model), newest
first with their closest sources; "answered now" once a source that answers arrives; retention
with an injected clock; `citebot gaps` as a user runs it."""

from __future__ import annotations

import json

import pytest

from bot.library import Citebot
from bot.library.feedback import UnknownAnswer
from tests.conftest import make_settings
from tests.feedback_fixtures import (
    BRIDGE,
    BRIDGE_PARAPHRASES,
    BRIDGE_QUESTION,
    MUSEUM,
    MUSEUM_QUESTION,
    MUSEUM_UPDATED,
    OTHER_TOPIC,
    Clock,
)
from tests.test_feedback import citebot


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(tmp_path, embedder, clock) -> Citebot:
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder, clock=clock)
    bot.ingest_bytes(MUSEUM.encode(), name="museum.md")
    return bot


def ask_and_record(bot: Citebot, question: str, clock: Clock | None = None, **options):
    if clock is not None:
        clock.advance(minutes=1)  # each question a minute after the last: "newest first" is well defined
    answer = bot.ask(question, **options)
    return answer, bot.record(answer, **options)


def test_paraphrases_of_one_gap_are_one_row_with_a_count_and_other_topics_stay_apart(bot, clock):
    for question in [BRIDGE_QUESTION, OTHER_TOPIC, *BRIDGE_PARAPHRASES]:
        answer, _ = ask_and_record(bot, question, clock)
        assert answer.abstained, question
    report = bot.gaps(recheck=False)
    assert [(g.question, g.count) for g in report.open] == [(BRIDGE_PARAPHRASES[-1], 4), (OTHER_TOPIC, 1)]
    bridge = report.open[0]
    assert set(bridge.also_asked) <= {BRIDGE_QUESTION, *BRIDGE_PARAPHRASES} and len(bridge.also_asked) == 3
    assert bridge.abstained == 4 and bridge.wrong_votes == 0
    assert bridge.closest and bridge.closest[0].title == "Harbour museum adds a whaling gallery"


def test_answered_questions_are_no_gap_but_a_wrong_vote_makes_one(bot, clock):
    _, asked = ask_and_record(bot, MUSEUM_QUESTION, clock)
    assert bot.gaps(recheck=False).open == []
    bot.vote(asked.answer_id, "wrong", member="discord:7")
    [gap] = bot.gaps(recheck=False).open
    assert (gap.question, gap.wrong_votes, gap.abstained) == (MUSEUM_QUESTION, 1, 0)
    assert [s.content_hash for s in gap.closest] == asked.content_hashes, "the sources the wrong answer cited"
    bot.vote(asked.answer_id, "helpful", member="discord:7")  # the member changed their mind
    assert bot.gaps(recheck=False).open == []


def test_the_newest_gap_comes_first(bot, clock):
    ask_and_record(bot, OTHER_TOPIC, clock)
    ask_and_record(bot, BRIDGE_QUESTION, clock)
    assert [g.question for g in bot.gaps(recheck=False).open] == [BRIDGE_QUESTION, OTHER_TOPIC]


def test_a_gap_moves_to_answered_now_after_a_source_that_answers_it_arrives(bot, clock):
    ask_and_record(bot, BRIDGE_QUESTION, clock)
    ask_and_record(bot, OTHER_TOPIC, clock)
    before = bot.gaps()
    assert [g.question for g in before.open] == [OTHER_TOPIC, BRIDGE_QUESTION] and before.answered_now == []
    bot.ingest_bytes(BRIDGE.encode(), name="bridge.md")
    after = bot.gaps()
    assert [g.question for g in after.open] == [OTHER_TOPIC]
    [now] = after.answered_now
    assert now.question == BRIDGE_QUESTION and [s.title for s in now.now_cites] == ["Elm Street bridge to open on 14 June"]


def test_a_wrong_answer_is_answered_now_only_once_a_new_version_or_source_is_cited(bot, clock):
    _, asked = ask_and_record(bot, MUSEUM_QUESTION, clock)
    bot.vote(asked.answer_id, "wrong", member="discord:7")
    bot.ingest_bytes(BRIDGE.encode(), name="bridge.md")  # new sources, but nothing new about the museum
    assert [g.question for g in bot.gaps().open] == [MUSEUM_QUESTION]
    bot.ingest_bytes(MUSEUM_UPDATED.encode(), name="museum.md")  # the corrected article
    report = bot.gaps()
    assert report.open == [] and [g.question for g in report.answered_now] == [MUSEUM_QUESTION]
    assert report.answered_now[0].now_cites[0].content_hash not in asked.content_hashes


def test_a_recheck_is_kept_until_the_sources_change(bot, clock):
    _, asked = ask_and_record(bot, BRIDGE_QUESTION, clock)
    bot.gaps()
    first = bot.feedback.store.get_recheck(asked.answer_id)
    clock.advance(hours=1)
    bot.gaps()
    assert bot.feedback.store.get_recheck(asked.answer_id) == first, "same sources: not asked again"
    bot.ingest_bytes(BRIDGE.encode(), name="bridge.md")
    bot.gaps()
    again = bot.feedback.store.get_recheck(asked.answer_id)
    assert again.checked_at > first.checked_at and again.answered and not first.answered


def test_since_lists_only_questions_asked_from_that_day(bot, clock):
    ask_and_record(bot, OTHER_TOPIC, clock)
    clock.advance(days=3)
    ask_and_record(bot, BRIDGE_QUESTION, clock)
    since = clock.now.date()
    assert [g.question for g in bot.gaps(since=since, recheck=False).open] == [BRIDGE_QUESTION]


def test_a_scope_sees_only_its_own_gaps(bot, clock):
    ask_and_record(bot, OTHER_TOPIC, clock, scope="guild:1")
    ask_and_record(bot, BRIDGE_QUESTION, clock)
    assert [g.question for g in bot.gaps(scope="guild:1", recheck=False).open] == [OTHER_TOPIC]
    assert [g.question for g in bot.gaps(recheck=False).open] == [BRIDGE_QUESTION]


def test_questions_and_their_votes_are_purged_after_the_retention(tmp_path, embedder, clock):
    bot = Citebot(make_settings(tmp_path / "home", question_retention_days=30), embedder=embedder, clock=clock)
    bot.ingest_bytes(MUSEUM.encode(), name="museum.md")
    _, old = ask_and_record(bot, MUSEUM_QUESTION, clock)
    bot.vote(old.answer_id, "wrong", member="discord:7")
    clock.advance(days=20)
    _, recent = ask_and_record(bot, BRIDGE_QUESTION, clock)
    clock.advance(days=11)  # the first question is now 31 days old, the second 11
    report = bot.gaps(recheck=False)
    assert [g.question for g in report.open] == [BRIDGE_QUESTION]
    assert bot.feedback.store.votes() == []
    with pytest.raises(UnknownAnswer):
        bot.vote(old.answer_id, "helpful", member="discord:7")
    assert bot.feedback.question(recent.answer_id).question == BRIDGE_QUESTION


def test_recording_purges_expired_questions_too(tmp_path, embedder, clock):
    bot = Citebot(make_settings(tmp_path / "home", question_retention_days=30), embedder=embedder, clock=clock)
    _, old = ask_and_record(bot, BRIDGE_QUESTION, clock)
    clock.advance(days=31)
    ask_and_record(bot, OTHER_TOPIC, clock)
    assert [q.question for q in bot.feedback.store.questions()] == [OTHER_TOPIC]


# -- the command line --------------------------------------------------------------------------------
def test_citebot_gaps_lists_groups_as_text_and_json_and_purge_empties_them(bot, clock):
    for question in [BRIDGE_QUESTION, BRIDGE_PARAPHRASES[0], OTHER_TOPIC]:
        ask_and_record(bot, question, clock)
    home = bot.settings.home
    text = citebot(home, "gaps", "--no-recheck")
    payload = json.loads(citebot(home, "gaps", "--json").stdout)
    assert text.returncode == 0, text.stderr
    assert f"  2\u00d7  {BRIDGE_PARAPHRASES[0]}" in text.stdout and f"also asked: {BRIDGE_QUESTION}" in text.stdout
    assert "closest: Port Ellery Gazette \u00b7 Harbour museum adds a whaling gallery" in text.stdout
    assert [(g["question"], g["count"]) for g in payload["gaps"]] == [(OTHER_TOPIC, 1), (BRIDGE_PARAPHRASES[0], 2)]
    assert payload["answered_now"] == [] and payload["threshold"] == 0.7
    purged = citebot(home, "gaps", "--purge", "--json")
    assert json.loads(purged.stdout) == {"purged": 3}
    empty = citebot(home, "gaps", "--no-recheck")
    assert empty.returncode == 0 and empty.stdout.startswith("No gaps in scope 'global'")


def test_citebot_gaps_refuses_a_bad_date_with_one_line(tmp_path):
    result = citebot(tmp_path / "home", "gaps", "--since", "last week")
    assert result.returncode == 2 and "not a date like 2024-03-25" in result.stderr and "Traceback" not in result.stderr

"""Feedback on answers through the library and the CLI: what a recorded question holds, votes that
replace each other, members stored only as keyed hashes, `citebot ask` ids and `citebot feedback`.
Real embedded Chroma, the real model, real `python -m bot` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.library import Citebot
from bot.library.feedback import UnknownAnswer
from tests.conftest import REPO, make_settings
from tests.feedback_fixtures import BRIDGE_QUESTION, MUSEUM, MUSEUM_QUESTION
from vectorstore.feedback_store import FeedbackStore


@pytest.fixture
def museum_bot(tmp_path, embedder) -> Citebot:
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    bot.ingest_bytes(MUSEUM.encode(), name="museum.md")
    return bot


def test_a_recorded_answer_keeps_its_question_scope_time_and_the_cited_versions(museum_bot):
    answer = museum_bot.ask(MUSEUM_QUESTION)
    asked = museum_bot.record(answer, via="test")
    stored = museum_bot.feedback.question(asked.answer_id)
    [document] = museum_bot.sources()
    assert not answer.abstained and stored.abstained is False
    assert stored.question == MUSEUM_QUESTION and stored.scope == "global" and stored.via == "test"
    assert stored.asked_at.startswith(museum_bot.feedback.now().date().isoformat())
    assert stored.document_ids == [s.document_id for s in answer.sources] == [document.document_id]
    assert stored.content_hashes == [document.content_hash]


def test_an_abstention_is_recorded_with_the_sources_that_came_closest(museum_bot):
    answer = museum_bot.ask(BRIDGE_QUESTION)
    stored = museum_bot.feedback.question(museum_bot.record(answer).answer_id)
    assert answer.abstained and stored.abstained
    assert stored.document_ids == [s.document_id for s in answer.closest] and stored.document_ids


def test_asking_alone_records_nothing(museum_bot):
    museum_bot.ask(BRIDGE_QUESTION)
    assert museum_bot.feedback.store.questions() == []


def test_with_recording_off_nothing_is_stored_and_there_is_no_answer_id(museum_bot):
    museum_bot.settings = museum_bot.settings.model_copy(update={"record_questions": False})
    assert museum_bot.record(museum_bot.ask(BRIDGE_QUESTION)) is None
    assert museum_bot.feedback.store.questions() == []


def test_a_second_vote_by_the_same_member_replaces_the_first(museum_bot):
    asked = museum_bot.record(museum_bot.ask(MUSEUM_QUESTION))
    first = museum_bot.vote(asked.answer_id, "helpful", member="discord:1001")
    second = museum_bot.vote(asked.answer_id, "wrong", member="discord:1001", note="the price changed")
    other = museum_bot.vote(asked.answer_id, "helpful", member="discord:2002")
    assert (first.previous, second.previous, second.changed, other.previous) == (None, "helpful", True, None)
    votes = {v.member: v for v in museum_bot.feedback.store.votes()}
    assert sorted(v.verdict for v in votes.values()) == ["helpful", "wrong"]
    wrong = next(v for v in votes.values() if v.verdict == "wrong")
    assert wrong.note == "the price changed" and wrong.question == MUSEUM_QUESTION
    assert [s.content_hash for s in wrong.sources] == asked.content_hashes


def test_members_are_stored_as_a_keyed_hash_the_same_in_every_process_of_a_store(museum_bot, tmp_path, embedder):
    asked = museum_bot.record(museum_bot.ask(MUSEUM_QUESTION))
    museum_bot.vote(asked.answer_id, "wrong", member="discord:123456789012345678")
    [vote] = museum_bot.feedback.store.votes()
    assert "123456789012345678" not in json.dumps(vote.__dict__, default=str)
    again = Citebot(museum_bot.settings, embedder=embedder)  # another process on the same store
    assert again.feedback.member_hash("discord:123456789012345678") == vote.member
    elsewhere = Citebot(make_settings(tmp_path / "other-home"), embedder=embedder)
    assert elsewhere.feedback.member_hash("discord:123456789012345678") != vote.member


def test_the_secret_is_made_once_and_kept_in_the_store(museum_bot):
    config = museum_bot.store.config
    first, second = FeedbackStore(config).secret(), FeedbackStore(config).secret()
    assert first == second and len(first) == 32


def test_a_vote_on_an_unknown_answer_is_refused_with_a_readable_reason(museum_bot):
    with pytest.raises(UnknownAnswer, match="no recorded answer with id 'deadbeef0000'"):
        museum_bot.vote("deadbeef0000", "helpful", member="cli:me")
    with pytest.raises(UnknownAnswer, match="no recorded answer"):
        museum_bot.vote("not an id", "helpful", member="cli:me")


def test_a_vote_from_another_scope_is_refused(museum_bot):
    asked = museum_bot.record(museum_bot.ask(MUSEUM_QUESTION), scope="guild:1")
    with pytest.raises(UnknownAnswer, match="was not given here"):
        museum_bot.vote(asked.answer_id, "wrong", member="discord:5", scope="guild:2")


# -- the command line --------------------------------------------------------------------------------
def citebot(home, *args, timeout=180):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(home), HF_HUB_OFFLINE="1", CITEBOT_INGESTED_BY="tester")
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def cli_museum_home(museum_bot):
    return museum_bot.settings.home


def test_ask_prints_the_answer_id_on_stderr_and_in_json(cli_museum_home):
    text = citebot(cli_museum_home, "ask", MUSEUM_QUESTION, "--no-daemon")
    payload = json.loads(citebot(cli_museum_home, "ask", MUSEUM_QUESTION, "--json", "--no-daemon").stdout)
    assert text.returncode == 0 and text.stderr.count("\n") == 1
    [line] = text.stderr.splitlines()
    answer_id = line.split()[2]
    assert line == f"answer id {answer_id} (rate it: citebot feedback {answer_id} helpful|wrong)"
    assert len(payload["answer_id"]) == 12 and payload["answer_id"] != answer_id


def test_feedback_from_the_terminal_is_a_vote_of_the_local_user(cli_museum_home, embedder):
    answer_id = json.loads(citebot(cli_museum_home, "ask", MUSEUM_QUESTION, "--json", "--no-daemon").stdout)["answer_id"]
    wrong = citebot(cli_museum_home, "feedback", answer_id, "wrong", "--note", "outdated price")
    helpful = citebot(cli_museum_home, "feedback", answer_id, "helpful", "--json")
    assert wrong.returncode == 0 and "recorded as wrong" in wrong.stdout
    assert helpful.returncode == 0 and json.loads(helpful.stdout)["previous"] == "wrong"
    bot = Citebot(make_settings(cli_museum_home), embedder=embedder)
    [vote] = bot.feedback.store.votes()
    assert vote.verdict == "helpful" and vote.via == "cli" and vote.member == bot.feedback.member_hash("cli:tester")


def test_feedback_on_an_unknown_id_is_one_error_line_and_exit_2(cli_museum_home):
    result = citebot(cli_museum_home, "feedback", "0123456789ab", "helpful")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("citebot: error: no recorded answer") and result.stderr.count("\n") == 1


def test_chat_records_each_answer_and_prints_its_id(cli_museum_home, embedder):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(cli_museum_home), HF_HUB_OFFLINE="1")
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=180, input=f"{MUSEUM_QUESTION}\n{BRIDGE_QUESTION}\n")
    assert result.returncode == 0, result.stderr
    ids = [line.split()[2] for line in result.stderr.splitlines() if line.startswith("answer id ")]
    bot = Citebot(make_settings(cli_museum_home), embedder=embedder)
    assert [bot.feedback.question(i).question for i in ids] == [MUSEUM_QUESTION, BRIDGE_QUESTION]

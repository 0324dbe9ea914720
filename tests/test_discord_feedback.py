"""End to end: "Helpful" / "Wrong or missing" under every Discord answer, votes that survive a
restart and another bot instance, and the moderators' /gaps. The real discord.py client on the
fake Discord (component interactions, type 3), real store and model; a real `chroma run` server
for two instances sharing one store."""

from __future__ import annotations

import uuid

import pytest

from tests.discord_fixtures import bot_for, fake, running  # noqa: F401
from tests.fake_llm import Reply, fake_llm, passage_with
from tests.feedback_fixtures import BRIDGE_QUESTION, MUSEUM, MUSEUM_QUESTION, OTHER_TOPIC
from tests.test_discord_ask import is_callback, is_channel_message, is_followup, lighthouse_article

VOTE_LABELS = {"Helpful", "Wrong or missing"}


def museum_bot(fake, home, embedder, **overrides):
    citebot = bot_for(fake, home, embedder, **overrides)
    citebot.ingest_bytes(MUSEUM.encode(), name="museum.md")
    return citebot


def answer_id_of(reply) -> str:
    buttons = reply.button_ids()
    answer_id = buttons["Helpful"].rsplit(":", 1)[1]
    assert buttons["Helpful"] == f"citebot:vote:helpful:{answer_id}"
    assert buttons["Wrong or missing"] == f"citebot:vote:wrong:{answer_id}"
    return answer_id


async def ask(run, fake, guild, member, question):
    sent = await fake.send_command(guild, member, "ask", {"question": question})
    return await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))


async def press(run, fake, guild, member, reply, label):
    pressed = await fake.press_button(guild, member, reply.response, reply.button_ids()[label])
    return await run.wait(fake.recorder.wait_for(is_callback(pressed), after=pressed.mark))


def is_ephemeral_reply(callback) -> bool:
    return callback.body["type"] == 4 and bool(callback.body["data"].get("flags", 0) & 64)


async def test_every_answer_and_abstention_carries_the_two_buttons_of_its_recorded_question(fake, tmp_path, embedder):
    citebot = museum_bot(fake, tmp_path / "home", embedder)
    guild, member = fake.guilds[0], fake.new_user("maria")
    async with running(citebot) as run:
        answered = await ask(run, fake, guild, member, MUSEUM_QUESTION)
        abstained = await ask(run, fake, guild, member, BRIDGE_QUESTION)
        mark = fake.recorder.mark()
        await fake.send_message(guild, member, f"<@{fake.app_id}> {MUSEUM_QUESTION}")
        mentioned = await run.wait(fake.recorder.wait_for(is_channel_message(guild.channel_id), after=mark))
    ids = []
    for reply, question, was_abstained in [(answered, MUSEUM_QUESTION, False), (abstained, BRIDGE_QUESTION, True),
                                            (mentioned, MUSEUM_QUESTION, False)]:
        assert set(reply.button_ids()) == VOTE_LABELS
        stored = citebot.feedback.question(answer_id_of(reply))
        assert (stored.question, stored.abstained, stored.via) == (question, was_abstained, "discord")
        ids.append(stored.answer_id)
    assert len(set(ids)) == 3, "each answer has its own id"


async def test_a_click_stores_the_vote_with_an_ephemeral_thanks_and_a_second_click_changes_it(fake, tmp_path, embedder):
    citebot = museum_bot(fake, tmp_path / "home", embedder)
    guild, member = fake.guilds[0], fake.new_user("maria")
    async with running(citebot) as run:
        reply = await ask(run, fake, guild, member, MUSEUM_QUESTION)
        first = await press(run, fake, guild, member, reply, "Helpful")
        [vote] = citebot.feedback.store.votes()
        second = await press(run, fake, guild, member, reply, "Wrong or missing")
    assert is_ephemeral_reply(first) and "Thanks! Noted that this answer helped." in first.message["content"]
    assert is_ephemeral_reply(second) and "now \u201cWrong or missing\u201d" in second.message["content"]
    assert vote.verdict == "helpful" and vote.member == citebot.feedback.member_hash(f"discord:{member['id']}")
    [changed] = citebot.feedback.store.votes()
    assert changed.verdict == "wrong" and changed.member == vote.member and changed.question == MUSEUM_QUESTION
    assert changed.answer_id == answer_id_of(reply) and changed.via == "discord"


async def test_the_buttons_of_an_answer_keep_working_after_the_bot_restarts(fake, tmp_path, embedder):
    home = tmp_path / "home"
    guild, member = fake.guilds[0], fake.new_user("maria")
    async with running(museum_bot(fake, home, embedder)) as run:
        reply = await ask(run, fake, guild, member, MUSEUM_QUESTION)
    restarted = bot_for(fake, home, embedder)  # a new process's Citebot and client: nothing kept in memory
    async with running(restarted) as run:
        thanks = await press(run, fake, guild, member, reply, "Wrong or missing")
    assert is_ephemeral_reply(thanks) and "moderators see it in /gaps" in thanks.message["content"]
    [vote] = restarted.feedback.store.votes()
    assert vote.verdict == "wrong" and vote.answer_id == answer_id_of(reply)


async def test_votes_are_rate_limited_like_questions(fake, tmp_path, embedder):
    citebot = museum_bot(fake, tmp_path / "home", embedder, discord_user_rate=1, discord_rate_window_s=600)
    guild, member, other = fake.guilds[0], fake.new_user("eager"), fake.new_user("calm")
    async with running(citebot) as run:
        reply = await ask(run, fake, guild, member, MUSEUM_QUESTION)
        first = await press(run, fake, guild, member, reply, "Helpful")
        refused = await press(run, fake, guild, member, reply, "Wrong or missing")
        others = await press(run, fake, guild, other, reply, "Wrong or missing")
    assert "Thanks" in first.message["content"]
    assert is_ephemeral_reply(refused) and "voting faster than this server allows; try again in" in refused.message["content"]
    assert "Thanks" in others.message["content"], "another member is not limited by the first one's votes"
    assert sorted(v.verdict for v in citebot.feedback.store.votes()) == ["helpful", "wrong"]


async def test_a_synthesis_answer_carries_the_buttons_on_its_final_edit(fake, tmp_path, embedder):
    def model(body: dict) -> str:
        n = passage_with(body, "300 objects")
        return f"The curator said the gallery holds 300 objects donated by local families [{n}]."

    with fake_llm(Reply(model)) as llm:
        citebot = museum_bot(fake, tmp_path / "home", embedder, llm_model="fake-model", llm_base_url=llm.url,
                             llm_api_key="sk-test", llm_timeout_s=10, llm_max_retries=0, discord_edit_interval_s=0)
        guild, member = fake.guilds[0], fake.new_user("maria")
        async with running(citebot) as run:
            sent = await fake.send_command(guild, member, "ask", {"question": "How many objects does the gallery hold?"})
            final = await run.wait(fake.recorder.wait_for(
                lambda r: r.method == "PATCH" and r.path.endswith(f"/{sent.token}/messages/@original") and r.button_ids(),
                after=sent.mark))
    assert "300 objects" in final.text() and set(final.button_ids()) == VOTE_LABELS
    stored = citebot.feedback.question(answer_id_of(final))
    assert stored.mode == "synthesis" and not stored.abstained and stored.document_ids


@pytest.mark.slow
async def test_show_more_moves_the_vote_buttons_to_the_part_shown_next(fake, tmp_path, embedder):
    citebot = bot_for(fake, tmp_path / "home", embedder, max_quotes=12, chunk_max_chars=4000)
    for i in range(4):
        citebot.ingest_bytes(lighthouse_article(i).encode(), name=f"report{i}.md")
    guild, member = fake.guilds[0], fake.new_user("reader")
    async with running(citebot) as run:
        first = await ask(run, fake, guild, member, "What storm damage did the Gull Island lighthouse keeper report?")
        assert set(first.button_ids()) == VOTE_LABELS | {"Show more"}
        pressed = await fake.press_button(guild, member, first.response, first.button_ids()["Show more"])
        update = await run.wait(fake.recorder.wait_for(is_callback(pressed), after=pressed.mark))
        second = await run.wait(fake.recorder.wait_for(is_followup(pressed.token), after=pressed.mark))
        thanks = await press(run, fake, guild, member, second, "Helpful")
    assert update.body["data"]["components"] == [], "the pressed part keeps no buttons"
    assert VOTE_LABELS <= set(second.button_ids()) and answer_id_of(second) == answer_id_of(first)
    assert "Thanks" in thanks.message["content"]


GAP_QUESTIONS = [OTHER_TOPIC, BRIDGE_QUESTION, "What is the inflation rate this month?", "Who won the 2018 World Cup?",
                 "What caused the train crash in Leeds?", "What is the best recipe for sourdough bread?"]


async def test_gaps_is_for_moderators_only_ephemeral_and_paged(fake, tmp_path, embedder):
    citebot = museum_bot(fake, tmp_path / "home", embedder)
    for question in GAP_QUESTIONS:
        assert citebot.record(citebot.ask(question)).abstained
    guild, member, mod = fake.guilds[0], fake.new_user("curious"), fake.new_user("mod")
    async with running(citebot) as run:
        sent = await fake.send_command(guild, member, "gaps")
        refused = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
        sent = await fake.send_command(guild, mod, "gaps", manage_guild=True)
        first = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
        second = await press(run, fake, guild, mod, first, "Next")
    assert "Only moderators" in refused.message["content"] and refused.body["flags"] & 64
    assert first.body["flags"] & 64, "only the moderator sees members' questions"
    assert "Coverage gaps (6 open, 0 answered now)" in first.text() and "Page 1 of 2" in first.text()
    assert second.body["type"] == 7 and "Page 2 of 2" in second.text()
    shown = first.text() + second.text()
    assert all(q.replace("'", "") in shown.replace("\\", "").replace("'", "") for q in GAP_QUESTIONS)
    assert "closest: **Port Ellery Gazette**" in first.text()


@pytest.mark.server
async def test_two_bot_instances_on_one_chroma_server_share_answers_votes_and_member_hashes(fake, tmp_path, embedder,
                                                                                           chroma_server):
    shared = {"chroma_url": chroma_server.url, "chroma_database": f"test-{uuid.uuid4().hex[:12]}"}
    first_bot = museum_bot(fake, tmp_path / "one", embedder, **shared)
    second_bot = bot_for(fake, tmp_path / "two", embedder, **shared)  # another machine: its own home, the same store
    guild, maria, lee = fake.guilds[0], fake.new_user("maria"), fake.new_user("lee")
    async with running(first_bot) as run:
        reply = await ask(run, fake, guild, maria, MUSEUM_QUESTION)
        await press(run, fake, guild, maria, reply, "Helpful")
    async with running(second_bot) as run:
        changed = await press(run, fake, guild, maria, reply, "Wrong or missing")
        await press(run, fake, guild, lee, reply, "Wrong or missing")
    assert "now \u201cWrong or missing\u201d" in changed.message["content"], "the same member, recognised by the other instance"
    votes = first_bot.feedback.store.votes()
    assert sorted(v.verdict for v in votes) == ["wrong", "wrong"] and len({v.member for v in votes}) == 2
    [gap] = first_bot.gaps(recheck=False).open
    assert (gap.question, gap.wrong_votes) == (MUSEUM_QUESTION, 2)

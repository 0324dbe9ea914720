"""End to end: members ask by slash command and by @mention; the real client talks to a fake Discord."""

from __future__ import annotations

import re

import pytest

from bot.engine.answer import CANNOT_ANSWER
from tests.conftest import CANONICAL_QUESTION
from tests.discord_fixtures import TOKEN, assert_within_discord_limits, bot_for, fake, running  # noqa: F401
from tests.fake_discord.payloads import MESSAGE_CONTENT_INTENT



def pings_no_one(allowed_mentions: dict | None) -> bool:
    """Discord's allowed_mentions that let nothing ping: no parse types, no ids, no replied user."""
    return (
        allowed_mentions is not None and allowed_mentions.get("parse") == []
        and not allowed_mentions.get("users") and not allowed_mentions.get("roles")
        and not allowed_mentions.get("replied_user")
    )


def unescape(text: str) -> str:
    """What a member reads: markdown escapes and zero-width spaces removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


def is_followup(token):
    return lambda r: r.method == "POST" and r.path.endswith(f"/{token}")


def is_callback(interaction):
    return lambda r: r.method == "POST" and r.path == f"/interactions/{interaction.id}/{interaction.token}/callback"


async def test_ask_defers_then_answers_with_quoted_numbered_citations(fake, sample_home, sample_bot, embedder):
    expected = sample_bot.ask(CANONICAL_QUESTION)
    assert not expected.abstained
    guild = fake.guilds[0]
    member = fake.new_user("maria")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        assert fake.gateway.identify["intents"] & MESSAGE_CONTENT_INTENT
        sent = await fake.send_command(guild, member, "ask", {"question": CANONICAL_QUESTION})
        reply = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
        callback = fake.recorder.find(is_callback(sent))
        assert callback and callback[0].body["type"] == 5, "the interaction is deferred first"
        assert fake.recorder.items.index(callback[0]) < fake.recorder.items.index(reply)
        assert TOKEN not in run.log.text()
    assert pings_no_one(reply.allowed_mentions)
    assert_within_discord_limits(reply.message)
    text = reply.text()
    assert expected.headline in text
    for citation in expected.citations:
        assert f"[{citation.n}]" in text
    for source in expected.sources:
        assert source.outlet in text and source.url in text
    # Every quote is the stored sentence, verbatim (only markdown characters are escaped).
    plain = unescape(text)
    for citation in expected.citations:
        assert citation.quote in plain


async def test_question_the_sources_do_not_cover_gets_an_explicit_abstention(fake, sample_home, sample_bot, embedder):
    question = "What is the best recipe for sourdough bread?"
    expected = sample_bot.ask(question)
    assert expected.abstained
    guild, member = fake.guilds[0], fake.new_user("maria")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        sent = await fake.send_command(guild, member, "ask", {"question": question})
        reply = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
    embed = reply.message["embeds"][0]
    assert embed["title"] == CANNOT_ANSWER
    for source in expected.closest:
        assert source.title[:30] in reply.text()


def is_channel_message(channel_id):
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


async def test_mention_gets_a_reply_to_that_message_with_citations(fake, sample_home, sample_bot, embedder):
    question = "did the suspects head to Ukraine?"
    expected = sample_bot.ask(question)
    guild, member = fake.guilds[0], fake.new_user("sam")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        mark = fake.recorder.mark()
        asked = await fake.send_message(guild, member, f"<@{fake.app_id}> {question}")
        reply = await run.wait(fake.recorder.wait_for(is_channel_message(guild.channel_id), after=mark))
    assert str(reply.body["message_reference"]["message_id"]) == asked["id"]
    assert pings_no_one(reply.allowed_mentions)
    assert_within_discord_limits(reply.message)
    plain = unescape(reply.text())
    assert [c.quote for c in expected.citations if c.quote in plain] == [c.quote for c in expected.citations]


async def test_a_message_without_a_mention_is_ignored(fake, sample_home, embedder):
    guild, member = fake.guilds[0], fake.new_user("sam")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        await fake.send_message(guild, member, "did the suspects head to Ukraine?")
        mark = fake.recorder.mark()
        await fake.send_message(guild, member, f"<@{fake.app_id}> where were the suspects arrested?")
        reply = await run.wait(fake.recorder.wait_for(is_channel_message(guild.channel_id)))
    assert fake.recorder.items.index(reply) >= mark, "only the message that mentions the bot is answered"


async def test_follow_up_in_a_thread_uses_the_earlier_question(fake, sample_home, sample_bot, embedder):
    first, follow_up = CANONICAL_QUESTION, "What did Putin say about that?"
    with_history = [c.quote for c in sample_bot.ask(follow_up, history=[first]).citations]
    alone = [c.quote for c in sample_bot.ask(follow_up).citations]
    assert with_history != alone, "precondition: the conversation changes this answer"
    guild, member = fake.guilds[0], fake.new_user("lee")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        await fake.send_message(guild, member, f"<@{fake.app_id}> {first}", channel_id=guild.thread_id)
        await run.wait(fake.recorder.wait_for(is_channel_message(guild.thread_id)))
        mark = fake.recorder.mark()
        await fake.send_message(guild, member, f"<@{fake.app_id}> {follow_up}", channel_id=guild.thread_id)
        reply = await run.wait(fake.recorder.wait_for(is_channel_message(guild.thread_id), after=mark))
    plain = unescape(reply.text())
    assert [q for q in with_history if q in plain] == with_history


async def test_follow_up_by_replying_to_the_answer_uses_the_conversation(fake, sample_home, sample_bot, embedder):
    first, follow_up = CANONICAL_QUESTION, "What did Putin say about that?"
    with_history = [c.quote for c in sample_bot.ask(follow_up, history=[first]).citations]
    guild, member = fake.guilds[0], fake.new_user("lee")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        sent = await fake.send_command(guild, member, "ask", {"question": first})
        answer = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
        mark = fake.recorder.mark()
        await fake.send_message(guild, member, f"<@{fake.app_id}> {follow_up}", reply_to=answer.response)
        reply = await run.wait(fake.recorder.wait_for(is_channel_message(guild.channel_id), after=mark))
    plain = unescape(reply.text())
    assert [q for q in with_history if q in plain] == with_history


SOURCE_WITH_MENTIONS = """---
title: "Night ferry moves to pier 4 @everyone"
outlet: "Harbour <@&123456789012345678> News"
published: 2024-05-01
url: https://harbour.example.org/ferry
---

The harbour authority told @everyone travelling on the night ferry to board at pier 4 instead of pier 2 from Monday.
A spokesperson for <@&123456789012345678> and <@234567890123456789> said the night ferry pier moved because of repairs.
"""


async def test_everyone_and_role_mentions_in_a_question_or_a_source_ping_no_one(fake, tmp_path, embedder):
    citebot = bot_for(fake, tmp_path / "home", embedder)
    citebot.ingest_bytes(SOURCE_WITH_MENTIONS.encode(), name="ferry.md")
    guild, member = fake.guilds[0], fake.new_user("troll")
    question = "@everyone @here <@&123456789012345678> where does the night ferry board now?"
    async with running(citebot) as run:
        mark = fake.recorder.mark()
        await fake.send_message(guild, member, f"<@{fake.app_id}> {question}")
        reply = await run.wait(fake.recorder.wait_for(is_channel_message(guild.channel_id), after=mark))
        sent = await fake.send_command(guild, member, "ask", {"question": question})
        followup = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
    for message in (reply, followup):
        assert pings_no_one(message.allowed_mentions)
        text = message.text()
        assert "pier 4" in text, "the source was used"
        assert re.search(r"@(everyone|here)", text) is None
        assert re.search(r"<@[&!]?\d+>", text) is None
        assert "everyone" in unescape(text), "the text is shown, defused, not dropped"


async def test_member_over_the_rate_limit_gets_a_friendly_wait_message(fake, sample_home, embedder):
    guild, member = fake.guilds[0], fake.new_user("eager")
    async with running(bot_for(fake, sample_home, embedder, discord_user_rate=1, discord_rate_window_s=600)) as run:
        first = await fake.send_command(guild, member, "ask", {"question": CANONICAL_QUESTION})
        ok = await run.wait(fake.recorder.wait_for(is_followup(first.token), after=first.mark))
        second = await fake.send_command(guild, member, "ask", {"question": "Who claimed the attack?"})
        refused = await run.wait(fake.recorder.wait_for(is_followup(second.token), after=second.mark))
        other = fake.new_user("patient")
        third = await fake.send_command(guild, other, "ask", {"question": "Who claimed the attack?"})
        answered = await run.wait(fake.recorder.wait_for(is_followup(third.token), after=third.mark))
    assert ok.message["embeds"]
    assert "try again in" in refused.message["content"] and not refused.message.get("embeds")
    assert answered.message["embeds"], "another member is not limited by the first one's questions"
    assert not run.log.errors


def lighthouse_article(i: int) -> str:
    """Three ~900-character sentences: twelve quotes of these overflow one Discord message."""
    items = ["lamp", "fog horn", "stairs", "gallery rail", "lens", "radio", "boat", "jetty", "generator",
             "storeroom", "roof", "logbook"]
    sentences = []
    for j in range(3):
        item = items[i * 3 + j]
        details = ", ".join(
            f"the {item} number {k} on the {['north', 'south', 'east', 'west'][k % 4]} side of the tower near landing {i}{j}{k}"
            for k in range(12)
        )
        sentences.append(f"The Gull Island lighthouse keeper reported storm damage to the {item} during the winter gale, listing {details}.")
    return (f"---\ntitle: Lighthouse report {i}\noutlet: Coast Weekly {i}\npublished: 2024-01-0{i + 1}\n"
            f"url: https://coast{i}.example.org/report\n---\n\n" + " ".join(sentences))


@pytest.mark.slow
async def test_long_answer_is_split_within_discord_limits_with_show_more(fake, tmp_path, embedder):
    citebot = bot_for(fake, tmp_path / "home", embedder, max_quotes=12, chunk_max_chars=4000)
    for i in range(4):
        citebot.ingest_bytes(lighthouse_article(i).encode(), name=f"report{i}.md")
    question = "What storm damage did the Gull Island lighthouse keeper report?"
    expected = citebot.ask(question)
    assert sum(len(c.quote) for c in expected.citations) > 6000, "precondition: too long for one message"
    guild, member = fake.guilds[0], fake.new_user("reader")
    parts = []
    async with running(citebot) as run:
        sent = await fake.send_command(guild, member, "ask", {"question": question})
        message = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
        parts.append(message)
        while "Show more" in message.button_ids():
            press = await fake.press_button(guild, member, message.response, message.button_ids()["Show more"])
            update = await run.wait(fake.recorder.wait_for(is_callback(press), after=press.mark))
            assert update.body["type"] == 7 and update.body["data"]["components"] == [], "the pressed button goes away"
            message = await run.wait(fake.recorder.wait_for(is_followup(press.token), after=press.mark))
            parts.append(message)
    assert len(parts) >= 2
    for part in parts:
        assert_within_discord_limits(part.message)
    shown = unescape("\n".join(p.text() for p in parts))
    assert all(c.quote in shown for c in expected.citations), "every quote is shown whole across the parts"


async def test_sources_are_listed_page_by_page(fake, sample_home, sample_bot, embedder):
    records = sample_bot.sources()
    guild, member = fake.guilds[0], fake.new_user("curious")
    async with running(bot_for(fake, sample_home, embedder, discord_sources_per_page=3)) as run:
        sent = await fake.send_command(guild, member, "sources")
        first = await run.wait(fake.recorder.wait_for(is_followup(sent.token), after=sent.mark))
        press = await fake.press_button(guild, member, first.response, first.button_ids()["Next"])
        second = await run.wait(fake.recorder.wait_for(is_callback(press), after=press.mark))
    pages = -(-len(records) // 3)
    assert f"Page 1 of {pages}" in first.text() and f"Page 2 of {pages}" in second.text()
    assert second.body["type"] == 7, "the list flips in place"
    shown = unescape(first.text() + second.text())
    assert sum(r.title in shown for r in records) == 6


async def test_a_question_being_answered_does_not_hold_up_the_next_one(fake, sample_home, embedder):
    """Retrieval runs off the event loop: the second question is deferred before the first is answered."""
    guild, first_member, second_member = fake.guilds[0], fake.new_user("ana"), fake.new_user("ben")
    async with running(bot_for(fake, sample_home, embedder)) as run:
        first = await fake.send_command(guild, first_member, "ask", {"question": CANONICAL_QUESTION})
        second = await fake.send_command(guild, second_member, "ask", {"question": "Who claimed the attack?"})
        await run.wait(fake.recorder.wait_for(is_followup(second.token), after=second.mark))
        first_answer = await run.wait(fake.recorder.wait_for(is_followup(first.token), after=first.mark))
    second_deferral = fake.recorder.find(is_callback(second))[0]
    items = fake.recorder.items
    assert items.index(second_deferral) < items.index(first_answer)

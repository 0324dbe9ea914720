"""End to end: members ask by slash command and by @mention; the real client talks to a fake Discord."""

from __future__ import annotations

import re

from bot.answer import CANNOT_ANSWER
from tests.conftest import CANONICAL_QUESTION
from tests.discord_fixtures import TOKEN, assert_within_discord_limits, bot_for, fake, running  # noqa: F401
from tests.fake_discord.payloads import MESSAGE_CONTENT_INTENT

NO_MENTIONS = {"parse": []}


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
    assert reply.allowed_mentions == NO_MENTIONS
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

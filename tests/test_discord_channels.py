"""Channel rules and per-server settings: the plain rules alone, then through the real client.

The rules (bot/discord/channels.py) take plain facts; the end-to-end tests run the real
discord.py client against the fake Discord with a server that has #general, a thread in it, and
#news.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.discord.channels import ChannelFacts, ChannelRule, ServerRules, parse_channels, rule_for
from bot.errors import BotError
from bot.library.servers import Servers
from tests.discord_fixtures import bot_for, fake, running  # noqa: F401
from tests.test_discord_moderation import ARTICLE, command, followup_of
from vectorstore.server_settings import ServerSettings

GENERAL = ChannelFacts(1, "general")
NEWS = ChannelFacts(2, "news")
THREAD_IN_NEWS = ChannelFacts(3, "questions", parent_id=2, parent_name="news")


# -- the rules alone -----------------------------------------------------------------------------
def test_no_channel_list_means_every_channel():
    assert ChannelRule().allows(GENERAL) and ChannelRule().allows(THREAD_IN_NEWS)


@pytest.mark.parametrize("entry", ["news", "NEWS", "2"])
def test_a_channel_is_allowed_by_name_or_id_and_a_thread_by_its_parent(entry):
    rule = ChannelRule((entry,))
    assert rule.allows(NEWS) and rule.allows(THREAD_IN_NEWS)
    assert not rule.allows(GENERAL)


def test_moderator_commands_work_in_every_channel_questions_do_not():
    rule = ChannelRule(("news",))
    assert rule.allows_command("ingest", GENERAL) and rule.allows_command("settings", GENERAL)
    assert rule.allows_command("feeds", GENERAL)
    assert not rule.allows_command("ask", GENERAL) and not rule.allows_command("sources", GENERAL)


def test_the_hint_names_the_allowed_channels_as_discord_links():
    hint = ChannelRule(("123456789012345678", "news")).hint()
    assert "<#123456789012345678>" in hint and "#news" in hint and "ask there" in hint


@pytest.mark.parametrize(("text", "parsed"), [
    ("<#123456789012345678>, #News questions", ("123456789012345678", "news", "questions")),
    ("all", ()), ("everywhere", ()), ("default", None),
])
def test_a_moderators_channel_list_is_parsed_from_mentions_names_and_ids(text, parsed):
    assert parse_channels(text) == parsed


@pytest.mark.parametrize("text", ["", "news, #what?", "<@123>"])
def test_a_channel_list_that_names_no_channel_is_refused(text):
    with pytest.raises(BotError):
        parse_channels(text)


def test_a_servers_own_list_overrides_the_global_one_even_when_it_is_everywhere():
    assert rule_for(["news"], None).allowed == ("news",)
    assert rule_for(["news"], ServerSettings("guild:1", channels=("desk",))).allowed == ("desk",)
    assert rule_for(["news"], ServerSettings("guild:1", channels=())).allows(GENERAL)
    assert rule_for(["news"], ServerSettings("guild:1", channels=None, moderator_role="Editors")).allowed == ("news",)


def test_server_rules_are_cached_for_their_time_and_fall_back_to_the_global_role():
    now = [0.0]
    rules = ServerRules(["news"], "Moderator", ttl_s=30, clock=lambda: now[0])
    assert rules.needs_refresh("guild:1")
    rules.remember("guild:1", ServerSettings("guild:1", moderator_role="Editors"))
    assert not rules.needs_refresh("guild:1") and rules.moderator_role("guild:1") == "Editors"
    assert rules.moderator_role("guild:2") == "Moderator"
    assert rules.moderators("guild:1").is_moderator([(7, "Editors")], manage_guild=False)
    now[0] = 30.0
    assert rules.needs_refresh("guild:1")


# -- through the real client ---------------------------------------------------------------------
def is_callback(sent):
    return lambda r: r.method == "POST" and r.path == f"/interactions/{sent.id}/{sent.token}/callback"


def is_channel_message(channel_id):
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


def answering_bot(fake, tmp_path, embedder, **overrides):
    citebot = bot_for(fake, tmp_path / "home", embedder, discord_moderator_role="Moderator", **overrides)
    citebot.ingest_bytes(ARTICLE.encode(), name="tide.md")
    return citebot


QUESTION = "What level did the Port Ellery tide gauge record?"


async def test_a_question_in_another_channel_gets_a_private_hint_and_no_answer(fake, tmp_path, embedder):
    guild = fake.guilds[0]
    news = fake.add_channel(guild, "news")
    citebot = answering_bot(fake, tmp_path, embedder, discord_channels=["news"])
    member = fake.new_user("maria")
    async with running(citebot) as run:
        sent = await fake.send_command(guild, member, "ask", {"question": QUESTION}, channel_id=guild.channel_id)
        hint = await run.wait(fake.recorder.wait_for(is_callback(sent), after=sent.mark))
        allowed = await command(run, fake, guild, member, "ask", {"question": QUESTION}, channel_id=news)
    assert hint.body["type"] == 4 and hint.body["data"]["flags"] & 64, "an ephemeral message, not a deferral"
    assert f"#news" in hint.body["data"]["content"]
    assert not fake.recorder.find(followup_of(sent)), "no answer in the wrong channel"
    assert "4.2 metres" in allowed.text()


async def test_a_mention_in_another_channel_is_ignored(fake, tmp_path, embedder):
    guild = fake.guilds[0]
    news = fake.add_channel(guild, "news")
    citebot = answering_bot(fake, tmp_path, embedder, discord_channels=[str(news)])
    member = fake.new_user("sam")
    async with running(citebot) as run:
        ignored = await fake.send_message(guild, member, f"<@{fake.app_id}> {QUESTION}", channel_id=guild.channel_id)
        mark = fake.recorder.mark()
        await fake.send_message(guild, member, f"<@{fake.app_id}> {QUESTION}", channel_id=news)
        reply = await run.wait(fake.recorder.wait_for(is_channel_message(news), after=mark))

        async def ignored_logged():
            while not any(f"mention {ignored['id']} ignored" in r.getMessage() for r in run.log.records):
                await asyncio.sleep(0.05)

        await run.wait(ignored_logged())
    assert "4.2 metres" in reply.text()
    assert not fake.recorder.find(is_channel_message(guild.channel_id)), "nothing was said in #general"


async def test_moderators_limit_their_server_to_channels_with_settings(fake, tmp_path, embedder):
    guild = fake.guilds[0]
    news = fake.add_channel(guild, "news")
    citebot = answering_bot(fake, tmp_path, embedder)  # no global channel list: everywhere
    mod, member = fake.new_user("mod_ana"), fake.new_user("member_bo")
    async with running(citebot) as run:
        refused = await command(run, fake, guild, member, "settings", {"channels": "#general"})
        changed = await command(run, fake, guild, mod, "settings", {"channels": f"<#{news}>"},
                                roles=(guild.moderator_role_id,))
        sent = await fake.send_command(guild, member, "ask", {"question": QUESTION}, channel_id=guild.thread_id)
        hint = await run.wait(fake.recorder.wait_for(is_callback(sent), after=sent.mark))
        answered = await command(run, fake, guild, member, "ask", {"question": QUESTION}, channel_id=news)
    assert "only moderators" in refused.message["content"].lower()
    assert f"<#{news}>" in changed.message["content"] and "this server's setting" in changed.message["content"]
    assert changed.message["flags"] & 64
    assert hint.body["data"]["flags"] & 64 and f"<#{news}>" in hint.body["data"]["content"]
    assert "4.2 metres" in answered.text()
    stored = Servers(citebot).get(f"guild:{guild.id}")  # in the store: every shard process reads the same
    assert stored.channels == (str(news),) and stored.set_by == f"discord:mod_ana ({mod['id']})"
    [audit] = [e for e in citebot.audit() if e.action == "settings"]
    assert audit.actor == stored.set_by


async def test_only_members_with_manage_server_choose_the_moderator_role(fake, tmp_path, embedder):
    guild = fake.guilds[0]
    citebot = answering_bot(fake, tmp_path, embedder)
    mod, admin = fake.new_user("mod_ana"), fake.new_user("admin_cy")
    everyone = guild.id  # the @everyone role has the guild's id
    async with running(citebot) as run:
        refused = await command(run, fake, guild, mod, "settings", {"moderator_role": str(everyone)},
                                roles=(guild.moderator_role_id,))
        changed = await command(run, fake, guild, admin, "settings", {"moderator_role": str(guild.moderator_role_id)},
                                manage_guild=True)
        reset = await command(run, fake, guild, admin, "settings", {"reset": True}, manage_guild=True)
    assert "manage server" in refused.message["content"].lower()
    assert f"<@&{guild.moderator_role_id}>" in changed.message["content"]
    assert "the bot's global setting" in reset.message["content"]
    assert Servers(citebot).get(f"guild:{guild.id}") is None

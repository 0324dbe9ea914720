"""Many servers: the bot is a sharded client, and processes with their own shard ids split one bot.

The fake Discord answers GET /gateway/bot with a shard count and treats each IDENTIFY's `shard`
field as Discord does: that connection receives only the guilds (and their events) whose id
falls on its shard, (guild_id >> 22) % shard_count.
"""

from __future__ import annotations

import contextlib

import pytest

from tests.discord_fixtures import bot_for, fake, running  # noqa: F401
from tests.fake_discord import FakeDiscord
from tests.test_discord_moderation import ARTICLE, command


def is_callback(sent):
    return lambda r: r.method == "POST" and r.path == f"/interactions/{sent.id}/{sent.token}/callback"


async def test_the_bot_asks_discord_for_its_shard_count_and_identifies_as_that_shard(fake, tmp_path, embedder):
    async with running(bot_for(fake, tmp_path / "home", embedder)) as run:
        assert run.client.shard_count == 1 and run.client.shard_ids is None
    assert fake.recorder.find(lambda r: r.method == "GET" and r.path == "/gateway/bot")
    assert [i["shard"] for i in fake.gateway.identifies] == [[0, 1]]


@pytest.fixture
async def two_shard_fake():
    server = FakeDiscord()
    server.guild_on_shard("Zero", 0, 2)
    server.guild_on_shard("One", 1, 2)
    await server.start()
    yield server
    await server.stop()


async def test_two_processes_with_their_own_shard_ids_serve_their_own_servers_from_one_store(two_shard_fake, tmp_path, embedder):
    fake = two_shard_fake
    zero, one = fake.guilds
    shared = dict(discord_shard_count=2, discord_moderator_role="Moderator", discord_watch_feeds=False)  # no polling: no network
    first = bot_for(fake, tmp_path / "home", embedder, discord_shard_ids=[0], **shared)
    second = bot_for(fake, tmp_path / "home", embedder, discord_shard_ids=[1], **shared)  # same store
    first.ingest_bytes(ARTICLE.encode(), name="tide.md")
    mod, member = fake.new_user("mod_ana"), fake.new_user("member_bo")
    async with contextlib.AsyncExitStack() as stack:
        run0 = await stack.enter_async_context(running(first))
        run1 = await stack.enter_async_context(running(second))
        assert [g.id for g in run0.client.guilds] == [zero.id] and [g.id for g in run1.client.guilds] == [one.id]
        sent = await fake.send_command(one, member, "ask", {"question": "What level did the Port Ellery tide gauge record?"})
        answer = await run1.wait(fake.recorder.wait_for(lambda r: r.method == "POST" and r.path.endswith(f"/{sent.token}"),
                                                        after=sent.mark))
        await command(run1, fake, one, mod, "settings", {"channels": "#general"}, roles=(one.moderator_role_id,))
        await command(run0, fake, zero, mod, "feeds", {"url": "https://news.example.org/rss"}, subcommand="add",
                      roles=(zero.moderator_role_id,))
        assert [f.url for f in run1.client.feeds.list()] == ["https://news.example.org/rss"]  # the other process sees it
        assert run0.client.servers.get(f"guild:{one.id}").channels == ("general",)
    assert sorted(i["shard"] for i in fake.gateway.identifies) == [[0, 2], [1, 2]]
    assert len(fake.recorder.find(is_callback(sent))) == 1, "one process answered the command, not both"
    assert "4.2 metres" in answer.text()

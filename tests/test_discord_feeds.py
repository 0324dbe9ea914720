"""/feeds in the real client, and the whole story: a moderator adds a trusted outlet's feed from
Discord alone, the bot's own watcher ingests its entry, and the next question is answered from it.

The outlet is the loopback feed server (tests/feed_server.py); SSRF protection stays on with
only 127.0.0.1/32 trusted, and unknown domains are refused, so the feed must come from an
outlet the source registry vouches for.
"""

from __future__ import annotations

import asyncio

from tests.discord_fixtures import bot_for, fake, running  # noqa: F401
from tests.feed_server import STORIES, FeedServer
from tests.test_discord_ask import unescape
from tests.test_discord_moderation import command

FEED_SETTINGS = dict(
    discord_moderator_role="Moderator", unknown_domains="refuse", fetch_trusted_networks=["127.0.0.1/32"], feed_check_s=0.2,
)


async def test_a_moderator_adds_a_trusted_feed_from_discord_and_the_next_question_is_answered_from_it(fake, tmp_path, embedder):
    citebot = bot_for(fake, tmp_path / "home", embedder, **FEED_SETTINGS)
    citebot.set_trust("127.0.0.1", "verified", outlet="Loopback Gazette")  # the outlet the operator vouched for
    guild, mod, member = fake.guilds[0], fake.new_user("mod_ana"), fake.new_user("member_bo")
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        async with running(citebot) as run:
            assert not run.client.feed_watch.running, "no feeds yet: no watcher"
            added = await command(run, fake, guild, mod, "feeds", {"url": outlet.url, "every": "30m"},
                                  subcommand="add", roles=(guild.moderator_role_id,))

            async def ingested() -> None:
                while not await asyncio.to_thread(citebot.sources):
                    await asyncio.sleep(0.1)

            await run.wait(ingested(), timeout=120)
            answer = await command(run, fake, guild, member, "ask", {"question": "How many lorries can the new ferry ramp carry?"})
            listed = await command(run, fake, guild, member, "feeds", subcommand="list")
    assert "Watching" in added.message["content"] and "every 30m" in added.message["content"]
    assert "twelve lorries" in unescape(answer.text()) and "Loopback Gazette" in answer.text()
    [entry] = [e for e in citebot.audit() if e.action == "ingest"]
    assert entry.actor == f"feed:{outlet.url}" and entry.title == STORIES[0].title
    assert "1 ingested" in listed.message["content"] and listed.message["flags"] & 64
    assert [r.path for r in outlet.requests] == ["/feed", "/articles/ferry"]


async def test_the_moderators_loop_from_discord_alone_gap_then_feed_then_answered(fake, tmp_path, embedder):
    """Issue 20's story in one run: a member's question goes unanswered, a moderator sees it in
    /gaps, adds a trusted outlet's feed, the watcher ingests it, the member asks again and is
    answered, and /gaps now counts the question as answered."""
    citebot = bot_for(fake, tmp_path / "home", embedder, **FEED_SETTINGS)
    citebot.set_trust("127.0.0.1", "verified", outlet="Loopback Gazette")
    guild, mod, member = fake.guilds[0], fake.new_user("mod_ana"), fake.new_user("member_bo")
    question = "How many lorries can the new ferry ramp carry?"
    moderator = dict(roles=(guild.moderator_role_id,))
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        async with running(citebot) as run:
            unanswered = await command(run, fake, guild, member, "ask", {"question": question})
            gaps_before = await command(run, fake, guild, mod, "gaps", **moderator)
            await command(run, fake, guild, mod, "feeds", {"url": outlet.url, "every": "30m"}, subcommand="add", **moderator)

            async def ingested() -> None:
                while not await asyncio.to_thread(citebot.sources):
                    await asyncio.sleep(0.1)

            await run.wait(ingested(), timeout=120)
            answered = await command(run, fake, guild, member, "ask", {"question": question})
            gaps_after = await command(run, fake, guild, mod, "gaps", **moderator)
    assert "don't say" in unescape(unanswered.text())
    assert question in unescape(gaps_before.text()) and "1 open" in gaps_before.text()
    assert "twelve lorries" in unescape(answered.text())
    assert "0 open" in gaps_after.text() and "1 answered now" in gaps_after.text()


async def test_members_list_feeds_but_only_moderators_add_or_remove_them(fake, tmp_path, embedder):
    citebot = bot_for(fake, tmp_path / "home", embedder, **{**FEED_SETTINGS, "discord_watch_feeds": False})
    citebot.set_trust("news.example.org", "verified")
    guild, mod, member = fake.guilds[0], fake.new_user("mod_ana"), fake.new_user("member_bo")
    url = "https://news.example.org/rss"
    async with running(citebot) as run:
        refused = await command(run, fake, guild, member, "feeds", {"url": url}, subcommand="add")
        untrusted = await command(run, fake, guild, mod, "feeds", {"url": "https://rumours.example.com/rss"},
                                  subcommand="add", roles=(guild.moderator_role_id,))
        added = await command(run, fake, guild, mod, "feeds", {"url": url, "every": "2h"}, subcommand="add",
                              roles=(guild.moderator_role_id,))
        listed = await command(run, fake, guild, member, "feeds", subcommand="list")
        not_removed = await command(run, fake, guild, member, "feeds", {"url": url}, subcommand="remove")
        removed = await command(run, fake, guild, mod, "feeds", {"url": url}, subcommand="remove",
                                roles=(guild.moderator_role_id,))
        assert not run.client.feed_watch.running, "discord_watch_feeds = false leaves polling to `citebot watch`"
    assert "only moderators" in refused.message["content"].lower()
    assert "only moderators" in not_removed.message["content"].lower()
    assert "citebot trust rumours.example.com verified" in unescape(untrusted.message["content"])
    assert "every 2h" in added.message["content"]
    assert url in listed.message["content"] and "last poll never" in listed.message["content"]
    assert "Stopped watching" in removed.message["content"]
    assert [(e.action, e.actor) for e in citebot.audit() if e.action.startswith("feed")] == [
        ("feed remove", f"discord:mod_ana ({mod['id']})"), ("feed add", f"discord:mod_ana ({mod['id']})")]

"""/feeds (list, add, remove) and the feed watcher that runs inside `citebot discord`.

The watcher is an asyncio task that runs one blocking `Watcher.round` at a time in a worker
thread, every `feed_check_s`, holding the client's write lock meanwhile (ingests one at a time,
as with /ingest). It starts with the bot when feeds exist, or when a moderator adds the first
one. Several bot processes (shards) may each run one: the store's leases let one poll a feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

import discord
from discord import app_commands

from bot.discord.commands import actor_name
from bot.discord.format import CONTENT_MAX, safe_url, trim
from bot.library.feeds import Feeds, format_every, parse_every
from bot.library.watching import Watcher
from vectorstore.errors import StoreError

log = logging.getLogger("citebot.discord")


class FeedWatchTask:
    """The watcher loop of one bot process; `start` is idempotent, `stop` waits for it to end."""

    def __init__(self, client, feeds: Feeds) -> None:
        self.client = client
        self.watcher = Watcher(feeds)
        self.task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    async def start_if_feeds(self) -> None:
        if not self.client.settings.discord_watch_feeds:
            return
        try:
            feeds = await asyncio.to_thread(self.watcher.feeds.list)
        except StoreError as err:  # the bot still starts; the watcher starts with the next /feeds add
            log.warning("watched feeds not read, feed watcher not started: %s", err)
            return
        if feeds:
            self.start()

    def start(self) -> None:
        if self.client.settings.discord_watch_feeds and not self.running:
            self.task = asyncio.create_task(self._loop(), name="citebot-feed-watcher")
            log.info("feed watcher started (holder %s)", self.watcher.holder)

    async def _loop(self) -> None:
        check_s = self.client.settings.feed_check_s
        while True:
            try:
                async with self.client.write_lock:
                    results = await asyncio.to_thread(self.watcher.round)
            except Exception:  # noqa: BLE001 - the watcher outlives one bad round; the log has the detail
                log.error("feed watcher round failed", exc_info=True)
                results = []
            for result in results:
                if result.added:
                    log.info("feed %s: %d new articles in %s", result.url, result.added, result.scope)
            await asyncio.sleep(check_s)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


def _when(epoch: float) -> str:
    return f"<t:{int(epoch)}:R>" if epoch else "never"


def feeds_page(feeds) -> str:
    """The /feeds list reply: URLs made inert (`safe_url`), times as Discord timestamps."""
    if not feeds:
        return "No watched feeds for this server's sources. Moderators add one with /feeds add."
    lines = [f"Watched feeds ({len(feeds)}):"]
    for f in feeds[:20]:
        line = (f"\u2022 {safe_url(f.url)} every {format_every(f.every_s)}: last poll {_when(f.last_poll)}, "
                f"last new entry {_when(f.last_new)}, {f.ingested} ingested")
        if f.refused:
            line += f", {f.refused} refused by the source registry"
        if f.errors:
            line += f", {f.errors} failed polls in a row (next try {_when(f.next_poll)})"
        lines.append(line)
    if len(feeds) > 20:
        lines.append(f"\u2026and {len(feeds) - 20} more (citebot feeds list shows all).")
    return trim("\n".join(lines), CONTENT_MAX)


def register_feed_commands(client) -> None:
    """The /feeds group, and `client.feeds` / `client.feed_watch` that it and the client use."""
    client.feeds = Feeds(client.citebot)
    client.feed_watch = FeedWatchTask(client, client.feeds)
    group = app_commands.Group(name="feeds", description="Watched RSS/Atom feeds whose new entries are ingested.", guild_only=True)

    @group.command(name="list", description="The feeds watched for this server's sources.")
    async def list_feeds(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        scope = client.scope(interaction.guild_id)
        feeds = await asyncio.to_thread(client.feeds.list, scope)
        await interaction.followup.send(feeds_page(feeds), ephemeral=True)

    @group.command(name="add", description="Moderators: watch an outlet's RSS/Atom feed and ingest its new entries.")
    @app_commands.describe(url="The feed's http(s) address", every="How often to poll it, e.g. 30m, 2h, 1d (default 30m)")
    async def add_feed(interaction: discord.Interaction, url: str, every: str | None = None) -> None:
        await interaction.response.defer(thinking=True)
        client.require_moderator(interaction, "add watched feeds")
        scope, actor = client.scope(interaction.guild_id), actor_name(interaction.user)
        every_s = parse_every(every) if every else None
        feed = await asyncio.to_thread(client.feeds.add, url, scope=scope, every_s=every_s, actor=actor)
        client.feed_watch.start()
        first = dt.datetime.fromtimestamp(feed.next_poll, dt.timezone.utc)
        log.info("feed %s added by %s in %s", feed.url, actor, scope)
        await interaction.followup.send(
            f"\U0001f4f0 Watching {safe_url(feed.url)} every {format_every(feed.every_s)}; its first poll is due "
            f"<t:{int(first.timestamp())}:R>. New entries are ingested (audited as feed:{safe_url(feed.url)}).")

    @group.command(name="remove", description="Moderators: stop watching a feed (its articles stay).")
    @app_commands.describe(url="The feed's address, as /feeds list shows it")
    async def remove_feed(interaction: discord.Interaction, url: str) -> None:
        await interaction.response.defer(thinking=True)
        client.require_moderator(interaction, "remove watched feeds")
        scope, actor = client.scope(interaction.guild_id), actor_name(interaction.user)
        feed = await asyncio.to_thread(client.feeds.remove, url, scope=scope, actor=actor, listing="/feeds list")
        await interaction.followup.send(
            f"Stopped watching {safe_url(feed.url)}; the {feed.ingested} articles ingested from it stay (/remove removes one).")

    client.tree.add_command(group)

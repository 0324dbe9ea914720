"""The Discord adapter: slash commands and @mentions in, `Citebot` calls, formatted pages out.

Thin on purpose: who may do what and how often lives in `bot.discord.policy`, how an answer looks
in `bot.discord.format`, and answering in `bot.library.Citebot`. This module only translates
Discord events into those calls, keeps the event loop free (every store or model call runs in a
worker thread via `asyncio.to_thread`, so one slow question never blocks another), and turns
errors into one friendly line for the member while the log gets the detail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.channels import server_key
from bot.discord.commands import register_commands
from bot.discord.feed_commands import register_feed_commands
from bot.discord.feedback_commands import register_feedback_commands
from bot.discord.feedback_views import FeedbackHandler, VoteButton
from bot.discord.format import (
    synthesis_page,
    text_page,
)
from bot.discord.policy import (
    ConversationMemory,
    QuestionLimits,
    scope_for,
)
from bot.discord.server_commands import GatedTree, mention_allowed, register_server_commands
from bot.discord.views import edit_kwargs, fallback_kwargs
from bot.errors import USER_ERRORS, BotError, PermissionDenied, RateLimited
from bot.library import Citebot
from bot.llm.render import rendered_updates
from bot.llm.synthesis import DoneEvent, Synthesis
from bot.settings import Settings
from vectorstore.errors import StoreError

log = logging.getLogger("citebot.discord")

UNEXPECTED_REPLY = "Something went wrong on my side while doing that. The bot's operators can find the details in its log."
STORE_REPLY = "The source store is unavailable right now. The bot's operators can find the details in its log."


@contextlib.contextmanager
def discord_endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at the configured REST and gateway endpoints; restore the old ones after.

    discord.py reads both from class attributes, so this is the one supported seam for a
    Discord-compatible endpoint (the end-to-end tests' fake Discord).
    """
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = settings.discord_api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


def friendly(err: BaseException) -> str:
    """One readable line for the member; the reason comes from our own error's message."""
    text = str(err).strip() or type(err).__name__
    text = text[0].upper() + text[1:]
    if isinstance(err, RateLimited):
        return f"\u23f3 {text}."
    if isinstance(err, PermissionDenied):
        return f"\U0001f512 Sorry: {text}."
    return f"\u26a0\ufe0f {text}"


def reply_for_error(err: BaseException, context: str) -> str:
    """The one line a member sees for `err`; the log gets the detail when it is our problem.

    A member's mistake (bad file, not a moderator, too fast) is logged at INFO with its reason. A
    store failure or an unexpected error is logged at ERROR with its traceback, and the member gets
    a generic line: server paths and internals are not theirs to read.
    """
    if isinstance(err, StoreError):
        log.error("%s: store unavailable", context, exc_info=err)
        return STORE_REPLY
    if isinstance(err, USER_ERRORS):
        log.info("%s refused: %s", context, err)
        return text_page(friendly(err)).content
    log.error("%s failed", context, exc_info=err)
    return UNEXPECTED_REPLY


class _NoVoiceWarnings(logging.Filter):
    """Drops discord.py's "X is not installed, voice will NOT be supported" lines and nothing else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().endswith("voice will NOT be supported")


def quiet_voice_warnings() -> None:
    """citebot never joins a voice channel, so missing voice libraries (PyNaCl, davey) are not news
    to its operator. discord.py warns about them from `discord.client` when a client is created;
    only those records are filtered, every other warning and error of that logger still shows."""
    logger = logging.getLogger("discord.client")
    if not any(isinstance(f, _NoVoiceWarnings) for f in logger.filters):
        logger.addFilter(_NoVoiceWarnings())


def _member_roles(member: discord.abc.User) -> list[tuple[int, str]]:
    return [(role.id, role.name) for role in getattr(member, "roles", [])]


class CitebotDiscord(discord.AutoShardedClient):
    """citebot as a Discord bot: /ask, /sources, /ingest, /remove, /show, /edit, /audit, /feeds,
    /settings and @mentions.

    Sharded (discord.py's AutoShardedClient): the shard count comes from Discord unless
    `discord_shard_count` sets it, and `discord_shard_ids` lets several processes split one bot's
    shards over one shared store (docs/feeds.md).
    """

    def __init__(self, citebot: Citebot, *, clock=time.monotonic) -> None:
        settings = citebot.settings
        quiet_voice_warnings()  # before discord.Client.__init__, which is where it warns
        intents = discord.Intents.default()
        intents.message_content = True  # to read the question in an @mention
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),  # nothing the bot sends ever pings
            guild_ready_timeout=settings.discord_ready_timeout,
            chunk_guilds_at_startup=False,
            shard_count=settings.discord_shard_count, shard_ids=settings.discord_shard_ids or None,
        )
        self.citebot = citebot
        self.settings = settings
        self.limits = QuestionLimits(
            settings.discord_user_rate, settings.discord_server_rate, settings.discord_rate_window_s, clock
        )
        self.memory = ConversationMemory(settings.discord_memory_turns)
        self.write_lock = asyncio.Lock()  # ingests/removals one at a time; questions run freely
        self.tree = GatedTree(self)  # checks the channel rules (bot/discord/channels.py) before any command
        self.tree.on_error = self._on_command_error
        register_commands(self)
        register_feed_commands(self)  # /feeds, self.feeds, self.feed_watch
        register_server_commands(self)  # /settings, self.servers, self.server_rules
        self.feedback = FeedbackHandler(self, reply_for_error, clock)  # answers' vote buttons (bot/discord/feedback_views.py)
        register_feedback_commands(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(VoteButton)  # presses on any earlier answer's buttons, also from before a restart
        if self.settings.discord_sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d slash commands", len(synced))
        await self.feed_watch.start_if_feeds()

    async def close(self) -> None:
        await self.feed_watch.stop()
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers (shards %s of %s)", self.user, len(self.guilds), self.shard_ids or "all", self.shard_count)
        for guild in self.guilds:  # the ids an operator needs for `citebot ingest --scope guild:<id>`
            log.info("server %r: id %d, source set %r", guild.name, guild.id, self.scope(guild.id))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        log.info("added to server %r: id %d, source set %r", guild.name, guild.id, self.scope(guild.id))

    def scope(self, guild_id: int | None) -> str:
        s = self.settings
        return scope_for(guild_id, per_server=s.discord_per_server_scope, global_scope=s.scope)

    # -- questions -------------------------------------------------------------------------
    async def answer(self, question: str, *, user_id: int, guild_id: int | None, history: list[str]) -> dict:
        """Rate-limit, then answer off the event loop; returns the first message to send, with its buttons."""
        self.limits.check(user_id, guild_id)
        answer = await asyncio.to_thread(self.citebot.ask, question, history=history, scope=self.scope(guild_id))
        return await self.feedback.answer_kwargs(answer, guild_id)

    async def stream_answer(
        self, question: str, *, user_id: int, guild_id: int | None, history: list[str],
        show: Callable[[dict], Awaitable[discord.Message]],
    ) -> discord.Message:
        """Synthesis mode: rate-limit, then `show` each rendered text as it grows; returns the last message.

        `show` sends or edits the one reply with message kwargs. Partial texts come at most once
        per `discord_edit_interval_s` (Discord rate-limits edits); the final, checked text always
        comes last. A fallback or abstention ends as the extractive answer's own pages (embeds,
        "Show more"), with the synthesis note as the message text, exactly as it would look
        without synthesis mode plus the reason.
        """
        self.limits.check(user_id, guild_id)
        done: list[Synthesis] = []

        async def events():
            async for event in self.citebot.ask_stream(question, history=history, scope=self.scope(guild_id)):
                if isinstance(event, DoneEvent):
                    done.append(event.result)
                yield event

        sent = None
        async for text, final in rendered_updates(events(), min_interval_s=self.settings.discord_edit_interval_s):
            if final and done and done[0].status != "answered":
                kwargs = fallback_kwargs(done[0])
            else:
                kwargs = edit_kwargs(synthesis_page(text))
            if final and done:
                kwargs = await self.feedback.with_buttons(kwargs, done[0], guild_id)
            sent = await show(kwargs)
        assert sent is not None  # rendered_updates always ends with the final text
        return sent

    async def on_message(self, message: discord.Message) -> None:
        """Answer a question addressed to the bot with an @mention, as a reply."""
        if message.author.bot or message.guild is None or self.user is None or self.user not in message.mentions:
            return
        if not await mention_allowed(self, message):  # outside the allowed channels, mentions are ignored
            return
        question = re.sub(rf"<@!?{self.user.id}>", " ", message.content).strip()
        key = self._conversation_key(message)
        try:
            if not question:
                raise BotError("ask a question after the mention, e.g. '@citebot what happened at the concert hall?'")
            if self.citebot.llm_enabled:
                sent = await self._stream_reply(message, question, key)
            else:
                async with message.channel.typing():
                    first = await self.answer(
                        question, user_id=message.author.id, guild_id=message.guild.id, history=self.memory.history(key)
                    )
                sent = await message.reply(**first, mention_author=False)
        except Exception as err:  # noqa: BLE001 - every failure becomes one line for the member
            reply = reply_for_error(err, f"mention {message.id} from {message.author.id}")
            await message.reply(reply, mention_author=False)
            return
        self.memory.add(key, question)
        self.memory.link(sent.id, key)

    async def _stream_reply(self, message: discord.Message, question: str, key: str) -> discord.Message:
        """Reply with the first text, then edit that reply as the answer grows."""
        reply: discord.Message | None = None

        async def show(kwargs: dict) -> discord.Message:
            nonlocal reply
            if reply is None:
                send = {k: v for k, v in kwargs.items() if v is not None}
                reply = await message.reply(**send, mention_author=False)
            else:
                reply = await reply.edit(**kwargs)
            return reply

        async with message.channel.typing():
            return await self.stream_answer(
                question, user_id=message.author.id, guild_id=message.guild.id,
                history=self.memory.history(key), show=show,
            )

    def _conversation_key(self, message: discord.Message) -> str:
        """A thread is one conversation; outside threads, a chain of replies to the bot's answers is."""
        if isinstance(message.channel, discord.Thread):
            return f"thread:{message.channel.id}"
        replied = message.reference.message_id if message.reference else None
        return self.memory.key_for_reply(replied) or f"message:{message.id}"

    # -- errors ----------------------------------------------------------------------------
    async def _on_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        command = interaction.command.name if interaction.command else "?"
        if isinstance(error, app_commands.NoPrivateMessage):
            reply = "\u26a0\ufe0f This command works in a server, not in direct messages."
        else:
            reply = reply_for_error(original, f"/{command} from {interaction.user.id}")
        if interaction.response.is_done():
            await interaction.followup.send(reply, ephemeral=True)
        else:
            await interaction.response.send_message(reply, ephemeral=True)

    def require_moderator(self, interaction: discord.Interaction, action: str) -> None:
        """Server-side check on the member data Discord sent with this very interaction."""
        moderators = self.server_rules.moderators(server_key(interaction.guild_id))  # the server's role, else the global
        moderators.require(_member_roles(interaction.user), interaction.permissions.manage_guild, action)


__all__ = ["CitebotDiscord", "discord_endpoints", "friendly", "quiet_voice_warnings"]

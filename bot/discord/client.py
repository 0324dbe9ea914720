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
from collections.abc import Awaitable, Callable, Iterator, Sequence

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.format import (
    Page,
    answer_pages,
    audit_page,
    ingest_report_page,
    is_http,
    sources_pages,
    synthesis_page,
    text_page,
)
from bot.discord.policy import ConversationMemory, ModeratorPolicy, QuestionLimits, scope_for
from bot.errors import USER_ERRORS, BotError, PermissionDenied, RateLimited
from bot.library import Citebot
from bot.llm.render import rendered_updates
from bot.llm.synthesis import DoneEvent, Synthesis
from bot.settings import Settings
from vectorstore.errors import StoreError

log = logging.getLogger("citebot.discord")

UNEXPECTED_REPLY = "Something went wrong on my side while doing that. The bot's operators can find the details in its log."
STORE_REPLY = "The source store is unavailable right now. The bot's operators can find the details in its log."
VIEW_TIMEOUT_S = 15 * 60


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


def _page_kwargs(page: Page, view: discord.ui.View | None = None) -> dict:
    kwargs: dict = {"embeds": [discord.Embed.from_dict(e) for e in page.embeds]}
    if page.content:
        kwargs["content"] = page.content
    if view is not None:
        kwargs["view"] = view
    return kwargs


def _edit_kwargs(page: Page, view: discord.ui.View | None = None) -> dict:
    """Kwargs that replace a message entirely (an empty content clears the earlier partial text)."""
    return {"content": None, "view": None, **_page_kwargs(page, view)}


def _fallback_kwargs(result: Synthesis) -> dict:
    """A synthesis fallback/abstention: the extractive pages, the note saying why as the text."""
    pages = answer_pages(result.extractive)
    page = Page(content=text_page(f"Note: {result.note}").content if result.note else "", embeds=pages[0].embeds)
    return _edit_kwargs(page, _more_view(pages))


def _more_view(pages: Sequence[Page]) -> ShowMore | None:
    """A "Show more" button when the answer did not fit in one message."""
    return ShowMore(pages[1:]) if len(pages) > 1 else None


class ShowMore(discord.ui.View):
    """A "Show more" button under a long answer: each press sends the next part."""

    def __init__(self, pages: Sequence[Page]) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_S)
        self.pages = list(pages)

    @discord.ui.button(label="Show more", style=discord.ButtonStyle.secondary)
    async def show_more(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(view=None)  # one press, one next part
        await interaction.followup.send(**_page_kwargs(self.pages[0], _more_view(self.pages)), wait=True)


class Pager(discord.ui.View):
    """Previous/Next buttons that flip a paginated message (the /sources list) in place."""

    def __init__(self, pages: Sequence[Page]) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_S)
        self.pages = list(pages)
        self.index = 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def _show(self, interaction: discord.Interaction, step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync()
        await interaction.response.edit_message(**_page_kwargs(self.pages[self.index]), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, +1)


def _member_roles(member: discord.abc.User) -> list[tuple[int, str]]:
    return [(role.id, role.name) for role in getattr(member, "roles", [])]


class CitebotDiscord(discord.Client):
    """citebot as a Discord bot: /ask, /sources, /ingest, /remove, /audit and @mentions."""

    def __init__(self, citebot: Citebot, *, clock=time.monotonic) -> None:
        settings = citebot.settings
        intents = discord.Intents.default()
        intents.message_content = True  # to read the question in an @mention
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),  # nothing the bot sends ever pings
            guild_ready_timeout=settings.discord_ready_timeout,
            chunk_guilds_at_startup=False,
        )
        self.citebot = citebot
        self.settings = settings
        self.moderators = ModeratorPolicy(settings.discord_moderator_role)
        self.limits = QuestionLimits(
            settings.discord_user_rate, settings.discord_server_rate, settings.discord_rate_window_s, clock
        )
        self.memory = ConversationMemory(settings.discord_memory_turns)
        self._write_lock = asyncio.Lock()  # ingests/removals one at a time; questions run freely
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_command_error
        _register_commands(self)

    async def setup_hook(self) -> None:
        if self.settings.discord_sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d slash commands", len(synced))

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers", self.user, len(self.guilds))

    def scope(self, guild_id: int | None) -> str:
        s = self.settings
        return scope_for(guild_id, per_server=s.discord_per_server_scope, global_scope=s.scope)

    # -- questions -------------------------------------------------------------------------
    async def answer(self, question: str, *, user_id: int, guild_id: int | None, history: list[str]) -> list[Page]:
        """Rate-limit, then answer off the event loop; returns the pages to send."""
        self.limits.check(user_id, guild_id)
        answer = await asyncio.to_thread(self.citebot.ask, question, history=history, scope=self.scope(guild_id))
        return answer_pages(answer)

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
                sent = await show(_fallback_kwargs(done[0]))
            else:
                sent = await show(_edit_kwargs(synthesis_page(text)))
        assert sent is not None  # rendered_updates always ends with the final text
        return sent

    async def on_message(self, message: discord.Message) -> None:
        """Answer a question addressed to the bot with an @mention, as a reply."""
        if message.author.bot or message.guild is None or self.user is None or self.user not in message.mentions:
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
                    pages = await self.answer(
                        question, user_id=message.author.id, guild_id=message.guild.id, history=self.memory.history(key)
                    )
                sent = await message.reply(**_page_kwargs(pages[0], _more_view(pages)), mention_author=False)
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
        self.moderators.require(_member_roles(interaction.user), interaction.permissions.manage_guild, action)


def _actor(user: discord.abc.User) -> str:
    return f"discord:{user.name} ({user.id})"


def _register_commands(client: CitebotDiscord) -> None:
    """The slash commands. Each parses, checks, defers, calls the library in a thread, renders."""
    tree = client.tree
    settings = client.settings

    @tree.command(name="ask", description="Ask a question; the answer quotes and cites the ingested sources.")
    @app_commands.describe(question="Your question, e.g. 'Did the suspects head to Ukraine?'")
    @app_commands.guild_only()
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 2000]) -> None:
        await interaction.response.defer(thinking=True)
        in_thread = isinstance(interaction.channel, discord.Thread)
        key = f"thread:{interaction.channel_id}" if in_thread else None
        history = client.memory.history(key) if key else []
        if client.citebot.llm_enabled:
            async def show(kwargs: dict) -> discord.Message:
                return await interaction.edit_original_response(**kwargs)

            sent = await client.stream_answer(
                question, user_id=interaction.user.id, guild_id=interaction.guild_id, history=history, show=show
            )
        else:
            pages = await client.answer(question, user_id=interaction.user.id, guild_id=interaction.guild_id, history=history)
            sent = await interaction.followup.send(**_page_kwargs(pages[0], _more_view(pages)), wait=True)
        key = key or f"message:{sent.id}"
        client.memory.add(key, question)
        client.memory.link(sent.id, key)

    @tree.command(name="sources", description="List the sources this server's answers come from.")
    @app_commands.guild_only()
    async def sources(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        records = await asyncio.to_thread(client.citebot.sources, client.scope(interaction.guild_id))
        pages = sources_pages(records, settings.discord_sources_per_page)
        await interaction.followup.send(**_page_kwargs(pages[0], Pager(pages) if len(pages) > 1 else None), wait=True)

    @tree.command(name="ingest", description="Moderators: add a trusted article from a URL or an attached file.")
    @app_commands.describe(url="An http(s) link to the article", file="A .txt, .md, .html or .pdf file")
    @app_commands.guild_only()
    async def ingest(
        interaction: discord.Interaction, url: str | None = None, file: discord.Attachment | None = None
    ) -> None:
        await interaction.response.defer(thinking=True)
        client.require_moderator(interaction, "ingest sources")
        if (url is None) == (file is None):
            raise BotError("give either url: or file: (one article per /ingest)")
        scope, actor = client.scope(interaction.guild_id), _actor(interaction.user)
        async with client._write_lock:
            if file is not None:
                limit = int(settings.max_file_mb * 1_000_000)
                if file.size > limit:
                    raise BotError(f"'{file.filename}' is {file.size / 1e6:.1f} MB, over the {settings.max_file_mb:g} MB limit")
                try:
                    data = await file.read()
                except discord.HTTPException as err:
                    raise BotError(f"could not download '{file.filename}' from Discord ({err.status}); attach it again") from None
                report = await asyncio.to_thread(client.citebot.ingest_bytes, data, name=file.filename, actor=actor, scope=scope)
            else:
                if not is_http(url):
                    raise BotError(f"'{url}' is not an http(s) link; give the article's web address")
                report = await asyncio.to_thread(client.citebot.ingest, [url], actor=actor, scope=scope)
        log.info("ingest by %s in %s: %s", actor, scope, [(i.status, i.document_id) for i in report.items])
        await interaction.followup.send(ingest_report_page(report).content)

    @tree.command(name="remove", description="Moderators: remove a source (document id, URL or title fragment).")
    @app_commands.describe(source="Document id (from /sources), URL or a unique part of the title")
    @app_commands.guild_only()
    async def remove(interaction: discord.Interaction, source: str) -> None:
        await interaction.response.defer(thinking=True)
        client.require_moderator(interaction, "remove sources")
        scope, actor = client.scope(interaction.guild_id), _actor(interaction.user)
        async with client._write_lock:
            record = await asyncio.to_thread(client.citebot.remove, source, actor=actor, scope=scope, listing="/sources")
        await interaction.followup.send(
            text_page(f"Removed \u201c{record.title}\u201d ({record.outlet or 'no outlet'}, "
                      f"{record.chunk_count} chunks, id {record.document_id}).").content
        )

    @tree.command(name="audit", description="Moderators: recent ingests and removals (who, when, what, hash).")
    @app_commands.guild_only()
    async def audit(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        client.require_moderator(interaction, "read the audit log")
        entries = await asyncio.to_thread(client.citebot.audit, client.scope(interaction.guild_id), 15)
        await interaction.followup.send(**_page_kwargs(audit_page(entries)), ephemeral=True)


async def serve(citebot: Citebot, token: str) -> None:
    """Run until SIGTERM/SIGINT, then close the gateway connection cleanly."""
    import signal

    with discord_endpoints(citebot.settings):
        client = CitebotDiscord(citebot)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(client.close()))
        # Load the embedding model while connecting, so the first question is not the slow one.
        warm = asyncio.ensure_future(asyncio.to_thread(citebot.embedder.embed_query, "warm up"))
        try:
            async with client:
                await client.start(token)
        except discord.LoginFailure:
            raise BotError("Discord rejected the bot token; check DISCORD_TOKEN (copy it again from the developer portal)") from None
        finally:
            warm.cancel()


__all__ = ["CitebotDiscord", "discord_endpoints", "friendly", "serve"]

"""The slash commands. Each parses, checks, defers, calls the library in a thread, renders.

`client` is the running `CitebotDiscord` (bot/discord/client.py), which registers these on start.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.discord.format import (
    audit_page,
    ingest_report_page,
    is_http,
    sources_pages,
    text_page,
)
from bot.discord.records_pages import edit_page, show_pages
from bot.discord.views import Pager, page_kwargs
from bot.errors import BotError

log = logging.getLogger("citebot.discord")


def actor_name(user: discord.abc.User) -> str:
    return f"discord:{user.name} ({user.id})"


def register_commands(client) -> None:
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
            first = await client.answer(question, user_id=interaction.user.id, guild_id=interaction.guild_id, history=history)
            sent = await interaction.followup.send(**first, wait=True)
        key = key or f"message:{sent.id}"
        client.memory.add(key, question)
        client.memory.link(sent.id, key)

    @tree.command(name="sources", description="List the sources this server's answers come from.")
    @app_commands.guild_only()
    async def sources(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        records = await asyncio.to_thread(client.citebot.sources, client.scope(interaction.guild_id))
        pages = sources_pages(records, settings.discord_sources_per_page)
        await interaction.followup.send(**page_kwargs(pages[0], Pager(pages) if len(pages) > 1 else None), wait=True)

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
        scope, actor = client.scope(interaction.guild_id), actor_name(interaction.user)
        async with client.write_lock:
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
        scope, actor = client.scope(interaction.guild_id), actor_name(interaction.user)
        async with client.write_lock:
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
        await interaction.followup.send(**page_kwargs(audit_page(entries)), ephemeral=True)

    @tree.command(name="show", description="Moderators: what is stored for a source (metadata, text by sentence).")
    @app_commands.describe(source="Document id (from /sources), URL or a unique part of the title")
    @app_commands.guild_only()
    async def show(interaction: discord.Interaction, source: str) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        client.require_moderator(interaction, "see what is stored for a source")
        view = await asyncio.to_thread(client.citebot.show, source, scope=client.scope(interaction.guild_id), listing="/sources")
        pages = show_pages(view)
        await interaction.followup.send(**page_kwargs(pages[0], Pager(pages) if len(pages) > 1 else None), ephemeral=True, wait=True)

    @tree.command(name="edit", description="Moderators: correct a source's title, outlet, author, date or link.")
    @app_commands.describe(
        source="Document id (from /sources), URL or a unique part of the title", title="The corrected title",
        outlet="The corrected outlet name", author="The corrected author",
        published="The corrected publication date, YYYY-MM-DD", url="The corrected http(s) address of the article",
    )
    @app_commands.guild_only()
    async def edit(
        interaction: discord.Interaction, source: str, title: str | None = None, outlet: str | None = None,
        author: str | None = None, published: str | None = None, url: str | None = None,
    ) -> None:
        await interaction.response.defer(thinking=True)
        client.require_moderator(interaction, "correct sources")
        scope, actor = client.scope(interaction.guild_id), actor_name(interaction.user)
        async with client.write_lock:
            result = await asyncio.to_thread(
                client.citebot.edit, source, actor=actor, scope=scope, listing="/sources",
                title=title, outlet=outlet, author=author, published=published, url=url,
            )
        log.info("edit by %s in %s: %s %s", actor, scope, result.after.document_id, result.detail())
        await interaction.followup.send(edit_page(result).content)

"""`/gaps`: moderators see what members asked that the sources did not answer, to ingest next.

Ephemeral (the questions are members' words; only the moderator asking sees them) and paged with
the same Previous/Next `Pager` as /sources. The listing is `Citebot.gaps` for the server's scope.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

import discord
from discord import app_commands

from bot.discord.format import (
    ABSTAIN_COLOUR,
    ANSWER_COLOUR,
    DESCRIPTION_MAX,
    Page,
    neutralise,
    safe_url,
    trim,
)
from bot.discord.views import Pager, page_kwargs
from bot.errors import BotError

GAPS_PER_PAGE = 5
ENTRY_MAX = DESCRIPTION_MAX // GAPS_PER_PAGE - 40  # room for the section heading


def _source(s) -> str:
    line = f"**{neutralise(s.outlet or 'Unknown outlet')}** \u00b7 \u201c{neutralise(s.title)}\u201d"
    return line + (f" \u00b7 {safe_url(s.url)}" if s.url else "")


def _entry(group, *, now: bool) -> str:
    why = " \u00b7 ".join(p for p in (f"abstained {group.abstained}" if group.abstained else "",
                                      f"voted wrong {group.wrong_votes}" if group.wrong_votes else "") if p)
    lines = [f"**{group.count}\u00d7** \u201c{neutralise(group.question)}\u201d",
             f"last asked {group.newest[:16].replace('T', ' ')} UTC \u00b7 {why}"]
    lines += [f"also asked: \u201c{neutralise(v)}\u201d" for v in group.also_asked]
    sources = group.now_cites if now else group.closest
    label = "now cites" if now else "closest" if group.abstained else "cited"  # a wrong answer's own sources
    lines += [f"{label}: {_source(s)}" for s in sources] or [f"{label}: no source came near"]
    return trim("\n".join(lines), ENTRY_MAX)


def gaps_pages(report) -> list[Page]:
    """The open gaps, then those the current sources now answer, `GAPS_PER_PAGE` to a page."""
    entries = [("Open", _entry(g, now=False)) for g in report.open]
    entries += [("Answered now by the current sources", _entry(g, now=True)) for g in report.answered_now]
    title = f"Coverage gaps ({len(report.open)} open, {len(report.answered_now)} answered now)"
    if not entries:
        return [Page(embeds=[{"title": "Coverage gaps", "color": ABSTAIN_COLOUR,
                              "description": "No gaps: every recorded question was answered and none was voted wrong."}])]
    chunks = [entries[i:i + GAPS_PER_PAGE] for i in range(0, len(entries), GAPS_PER_PAGE)]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        parts, section = [], None
        for heading, text in chunk:
            if heading != section:
                parts.append(f"__{heading}__")
                section = heading
            parts.append(text)
        pages.append(Page(embeds=[{
            "title": title, "description": trim("\n\n".join(parts), DESCRIPTION_MAX), "color": ANSWER_COLOUR,
            "footer": {"text": f"Page {n} of {len(chunks)} \u00b7 newest first \u00b7 ingest a source that answers a gap to close it"},
        }]))
    return pages


def _since(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BotError(f"'{value}' is not a date like 2024-03-25") from None


def register_feedback_commands(client) -> None:
    """`/gaps` for moderators."""

    @client.tree.command(name="gaps", description="Moderators: questions the sources did not answer or answered wrongly.")
    @app_commands.describe(since="Only questions asked on or after this date (YYYY-MM-DD)")
    @app_commands.guild_only()
    async def gaps(interaction: discord.Interaction, since: str | None = None) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        client.require_moderator(interaction, "list coverage gaps")
        report = await asyncio.to_thread(client.citebot.gaps, since=_since(since), scope=client.scope(interaction.guild_id))
        pages: Sequence[Page] = gaps_pages(report)
        await interaction.followup.send(**page_kwargs(pages[0], Pager(pages) if len(pages) > 1 else None),
                                        ephemeral=True, wait=True)

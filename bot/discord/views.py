"""Buttons under the bot's messages ("Show more", Previous/Next) and the kwargs that send a `Page`."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord.format import Page, answer_pages, text_page
from bot.llm.synthesis import Synthesis

VIEW_TIMEOUT_S = 15 * 60


def page_kwargs(page: Page, view: discord.ui.View | None = None) -> dict:
    kwargs: dict = {"embeds": [discord.Embed.from_dict(e) for e in page.embeds]}
    if page.content:
        kwargs["content"] = page.content
    if view is not None:
        kwargs["view"] = view
    return kwargs


def edit_kwargs(page: Page, view: discord.ui.View | None = None) -> dict:
    """Kwargs that replace a message entirely (an empty content clears the earlier partial text)."""
    return {"content": None, "view": None, **page_kwargs(page, view)}


def fallback_kwargs(result: Synthesis) -> dict:
    """A synthesis fallback/abstention: the extractive pages, the note saying why as the text."""
    pages = answer_pages(result.extractive)
    page = Page(content=text_page(f"Note: {result.note}").content if result.note else "", embeds=pages[0].embeds)
    return edit_kwargs(page, more_view(pages))


def more_view(pages: Sequence[Page]) -> ShowMore | None:
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
        await interaction.followup.send(**page_kwargs(self.pages[0], more_view(self.pages)), wait=True)


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
        await interaction.response.edit_message(**page_kwargs(self.pages[self.index]), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, +1)

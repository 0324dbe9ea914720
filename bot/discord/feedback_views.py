"""The "Helpful" / "Wrong or missing" buttons under every answer, and what a press does.

The buttons are discord.py `DynamicItem`s: the answer id is in each button's custom_id
(`citebot:vote:<verdict>:<answer id>`), and the client registers the item class on start
(`setup_hook`), so a press is understood by any bot process at any time — after a restart, or
in another instance sharing the Chroma server — with nothing held in memory. The vote goes to
the library (`Citebot.vote`); the member gets an ephemeral thanks.

A long answer's "Show more" sits beside them; pressing it moves all three buttons to the next
part, so the feedback buttons are always under the part the member read last.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence

import discord

from bot.discord.format import Page, answer_pages, text_page
from bot.discord.policy import RateLimiter
from bot.discord.views import VIEW_TIMEOUT_S, more_view, page_kwargs
from bot.errors import RateLimited

log = logging.getLogger("citebot.discord")

VOTE_TEMPLATE = r"citebot:vote:(?P<verdict>helpful|wrong):(?P<answer_id>[0-9a-f]{12})"
LABELS = {"helpful": "Helpful", "wrong": "Wrong or missing"}
EMOJI = {"helpful": "\U0001f44d", "wrong": "\U0001f44e"}


def vote_custom_id(verdict: str, answer_id: str) -> str:
    return f"citebot:vote:{verdict}:{answer_id}"


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=VOTE_TEMPLATE):
    """One feedback button; rebuilt from its custom_id on every press (no state in the process)."""

    def __init__(self, verdict: str, answer_id: str) -> None:
        super().__init__(discord.ui.Button(
            label=LABELS[verdict], emoji=EMOJI[verdict], style=discord.ButtonStyle.secondary,
            custom_id=vote_custom_id(verdict, answer_id),
        ))
        self.verdict = verdict
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match) -> VoteButton:
        return cls(match["verdict"], match["answer_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.client.feedback.vote(interaction, self.answer_id, self.verdict)


class AnswerView(discord.ui.View):
    """The buttons of an answer message: the two votes, and "Show more" while parts remain."""

    def __init__(self, answer_id: str, rest: Sequence[Page] = ()) -> None:
        # Only "Show more" needs this object (it holds the remaining parts); the vote buttons work without it.
        super().__init__(timeout=VIEW_TIMEOUT_S if rest else None)
        self.answer_id = answer_id
        self.rest = list(rest)
        self.add_item(VoteButton("helpful", answer_id))
        self.add_item(VoteButton("wrong", answer_id))
        if self.rest:
            more = discord.ui.Button(label="Show more", style=discord.ButtonStyle.secondary)
            more.callback = self._show_more
            self.add_item(more)

    async def _show_more(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(view=None)  # the buttons move to the next part
        page, rest = self.rest[0], self.rest[1:]
        await interaction.followup.send(**page_kwargs(page, AnswerView(self.answer_id, rest)), wait=True)


def answer_view(pages: Sequence[Page], answer_id: str) -> discord.ui.View | None:
    """The view for an answer's first message: feedback buttons when it is on record, else just "Show more"."""
    if not answer_id:
        return more_view(pages)
    return AnswerView(answer_id, pages[1:])


def thanks(result) -> str:
    """The ephemeral reply to a vote."""
    if result.changed:
        return f"Thanks, your vote on this answer is now \u201c{LABELS[result.verdict]}\u201d."
    if result.verdict == "helpful":
        return "\U0001f44d Thanks! Noted that this answer helped."
    return "\U0001f4dd Thanks! Noted that this answer is wrong or misses something; moderators see it in /gaps."


class VoteLimits:
    """Votes per member and per server, with the same limits and window as questions."""

    def __init__(self, per_user: int, per_server: int, window_s: float, clock=time.monotonic) -> None:
        self.users = RateLimiter(per_user, window_s, clock)
        self.servers = RateLimiter(per_server, window_s, clock)

    def check(self, user_id: int, server_id: int | None) -> None:
        """Record a vote, or raise RateLimited (recording nothing)."""
        user_key, server_key = f"user:{user_id}", f"server:{server_id}"
        wait = max(self.users.retry_after(user_key), self.servers.retry_after(server_key) if server_id is not None else 0.0)
        if wait > 0:
            raise RateLimited(f"you are voting faster than this server allows; try again in {math.ceil(wait)} s")
        self.users.record(user_key)
        if server_id is not None:
            self.servers.record(server_key)


class FeedbackHandler:
    """The client's feedback part: puts answers on record, builds their buttons, handles presses.

    `reply_for_error` is the client's own error-to-one-line function, handed in so a refused or
    failed vote reads exactly like a refused question.
    """

    def __init__(self, client, reply_for_error: Callable[[BaseException, str], str], clock=time.monotonic) -> None:
        s = client.settings
        self.client = client
        self.limits = VoteLimits(s.discord_user_rate, s.discord_server_rate, s.discord_rate_window_s, clock)
        self.reply_for_error = reply_for_error

    async def record(self, result, guild_id: int | None) -> str:
        """Record what a member was shown; returns its answer id ("" = not recorded: no buttons)."""
        asked = await asyncio.to_thread(self.client.citebot.record, result, scope=self.client.scope(guild_id), via="discord")
        return asked.answer_id if asked else ""

    async def answer_kwargs(self, answer, guild_id: int | None) -> dict:
        """The first message of an extractive answer, with its buttons."""
        pages = answer_pages(answer)
        return page_kwargs(pages[0], answer_view(pages, await self.record(answer, guild_id)))

    async def with_buttons(self, kwargs: dict, result, guild_id: int | None) -> dict:
        """The final message of a synthesis answer (`kwargs`), with the buttons (and "Show more" for a fallback's parts)."""
        answer_id = await self.record(result, guild_id)
        if not answer_id:
            return kwargs
        rest = answer_pages(result.extractive)[1:] if result.status != "answered" else []
        return {**kwargs, "view": AnswerView(answer_id, rest)}

    async def vote(self, interaction: discord.Interaction, answer_id: str, verdict: str) -> None:
        try:
            self.limits.check(interaction.user.id, interaction.guild_id)
            result = await asyncio.to_thread(
                self.client.citebot.vote, answer_id, verdict, member=f"discord:{interaction.user.id}", via="discord",
                scope=self.client.scope(interaction.guild_id),
            )
            reply = text_page(thanks(result)).content
        except Exception as err:  # noqa: BLE001 - every failure becomes one line for the member
            reply = self.reply_for_error(err, f"vote on {answer_id} from {interaction.user.id}")
        await interaction.response.send_message(reply, ephemeral=True)

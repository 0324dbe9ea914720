"""Fixtures for the Discord end-to-end tests: a fake Discord and a way to run the real bot on it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.client import CitebotDiscord, discord_endpoints
from bot.library import Citebot
from tests.conftest import make_settings
from tests.fake_discord import BotRun, FakeDiscord

TOKEN = "MTE4NzQ2NTU1NDQzMzc2MzQxMg.GfAkE0.not-a-real-token-but-shaped-like-one"
DISCORD_LIMITS = {"content": 2000, "title": 256, "description": 4096, "field_value": 1024, "fields": 25, "total": 6000}


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    server.add_guild("Alpha")
    await server.start()
    yield server
    await server.stop()


def bot_for(fake: FakeDiscord, home: Path, embedder, **overrides) -> Citebot:
    """A Citebot whose Discord settings point at the fake (the documented seam)."""
    overrides.setdefault("discord_ready_timeout", 0.05)
    settings = make_settings(home, discord_api_base=fake.api_base, discord_gateway_url=fake.ws_url, **overrides)
    return Citebot(settings, embedder=embedder)


@contextlib.asynccontextmanager
async def running(citebot: Citebot) -> AsyncIterator[BotRun]:
    """The real discord.py client, connected to the fake and ready; endpoints restored afterwards."""
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    with discord_endpoints(citebot.settings):
        async with BotRun(CitebotDiscord(citebot), TOKEN) as run:
            yield run
    assert (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) == before


def assert_within_discord_limits(message: dict) -> None:
    """Discord's documented message limits, checked independently of bot.discord.format."""
    assert len(message.get("content") or "") <= DISCORD_LIMITS["content"]
    total = 0
    for embed in message.get("embeds") or []:
        assert len(embed.get("title", "")) <= DISCORD_LIMITS["title"]
        assert len(embed.get("description", "")) <= DISCORD_LIMITS["description"]
        fields = embed.get("fields") or []
        assert len(fields) <= DISCORD_LIMITS["fields"]
        for f in fields:
            assert 0 < len(f["value"]) <= DISCORD_LIMITS["field_value"] and 0 < len(f["name"]) <= 256
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        total += len((embed.get("footer") or {}).get("text", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    assert total <= DISCORD_LIMITS["total"]
    assert message.get("content") or message.get("embeds"), "an empty message is invalid"

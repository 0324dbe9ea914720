"""A fake Discord on loopback: REST API + gateway websocket, speaking discord.py's protocol.

The real discord.py client connects to it (through `CITEBOT_DISCORD_API_BASE` and
`CITEBOT_DISCORD_GATEWAY_URL`); tests deliver gateway events (slash-command interactions, button
presses, messages) and assert on exactly what the bot sent back, which the `Recorder` keeps.
Only what lies outside this machine is faked, at the network boundary.
"""

from tests.fake_discord.harness import BotRun
from tests.fake_discord.recorder import Recorded, Recorder
from tests.fake_discord.server import FakeDiscord, FakeGuild

__all__ = ["BotRun", "FakeDiscord", "FakeGuild", "Recorded", "Recorder"]

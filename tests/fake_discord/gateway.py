"""The fake gateway websocket: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, dispatches.

Speaks plain JSON text frames (discord.py accepts them even when it asks for zlib-stream).
Opcodes: 10 HELLO (sent on connect), 2 IDENTIFY (answered with READY then one GUILD_CREATE per
guild), 1 HEARTBEAT (answered with 11 HEARTBEAT_ACK), 0 DISPATCH (events the test delivers,
with increasing sequence numbers); 3 presence and 8 member requests are recorded and ignored.

Sharding as Discord does it: an IDENTIFY's `shard` field [shard_id, shard_count] (default [0, 1])
makes that connection one shard. Its READY echoes the field and lists, like its GUILD_CREATEs,
only the guilds of that shard — (guild_id >> 22) % shard_count == shard_id — and a guild's events
are dispatched only on the connection of the shard that owns it.

An IDENTIFY asking for the Message Content intent while the fake's application has it switched
off (`FakeDiscord.message_content_enabled = False`) is answered as Discord answers it: the
socket closes with code 4014 (disallowed intents).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from tests.fake_discord.payloads import MESSAGE_CONTENT_INTENT
from tests.fake_discord.recorder import Recorded

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord

HEARTBEAT_INTERVAL_MS = 41250
DISALLOWED_INTENTS = 4014  # Discord's close code for privileged intents not enabled in the portal


class Gateway:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sockets: list[web.WebSocketResponse] = []
        self.sequence = 0
        self.identify: dict | None = None  # the latest IDENTIFY
        self.identifies: list[dict] = []  # every IDENTIFY, in order (one per shard connection)
        self.shards: dict[web.WebSocketResponse, tuple[int, int]] = {}  # connection -> (shard id, shard count)
        self.ready = asyncio.Event()  # set once READY and GUILD_CREATEs were sent

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}))
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                msg = json.loads(frame.data)
                await self.fake.recorder.add(Recorded("GATEWAY", f"op{msg.get('op')}", msg))
                if msg.get("op") == 1:
                    await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif msg.get("op") == 2:
                    self.identify = msg["d"]
                    if not self.fake.message_content_enabled and int(msg["d"].get("intents", 0)) & MESSAGE_CONTENT_INTENT:
                        await ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
                        break
                    self.identifies.append(msg["d"])
                    shard_id, count = msg["d"].get("shard") or [0, 1]
                    self.shards[ws] = (int(shard_id), int(count))
                    await self._ready(ws)
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
            self.shards.pop(ws, None)
        return ws

    @staticmethod
    def owns(shard: tuple[int, int], guild_id: int) -> bool:
        shard_id, count = shard
        return (guild_id >> 22) % count == shard_id

    async def _ready(self, ws: web.WebSocketResponse) -> None:
        fake = self.fake
        shard = self.shards.get(ws, (0, 1))
        guilds = [g for g in fake.guilds if self.owns(shard, g.id)]
        ready = {
            "v": 10, "user": fake.bot_user, "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": secrets.token_hex(16), "resume_gateway_url": fake.ws_url, "shard": list(shard),
            "application": {"id": str(fake.app_id), "flags": 0}, "private_channels": [], "relationships": [],
            "presences": [], "geo_ordered_rtc_regions": [], "guild_join_requests": [], "user_settings": {},
        }
        await self._send(ws, "READY", ready)
        for g in guilds:
            await self._send(ws, "GUILD_CREATE", g.payload(fake.bot_user))
        self.ready.set()

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self.sequence += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self.sequence, "d": data}))

    async def dispatch(self, event: str, data: dict) -> None:
        """Send an event to the connection of the shard owning its guild (every connection, for no guild)."""
        await self.ready.wait()
        guild_id = data.get("guild_id")
        for ws in list(self.sockets):
            if guild_id is None or ws not in self.shards or self.owns(self.shards[ws], int(guild_id)):
                await self._send(ws, event, data)

    async def close_all(self, app: web.Application | None = None) -> None:
        for ws in list(self.sockets):
            await ws.close(code=1001)

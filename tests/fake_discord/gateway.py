"""The fake gateway websocket: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, dispatches.

Speaks plain JSON text frames (discord.py accepts them even when it asks for zlib-stream).
Opcodes: 10 HELLO (sent on connect), 2 IDENTIFY (answered with READY then one GUILD_CREATE per
guild), 1 HEARTBEAT (answered with 11 HEARTBEAT_ACK), 0 DISPATCH (events the test delivers,
with increasing sequence numbers); 3 presence and 8 member requests are recorded and ignored.
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
        self.identify: dict | None = None
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
                    await self._ready(ws)
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
        return ws

    async def _ready(self, ws: web.WebSocketResponse) -> None:
        fake = self.fake
        ready = {
            "v": 10, "user": fake.bot_user, "guilds": [{"id": str(g.id), "unavailable": True} for g in fake.guilds],
            "session_id": secrets.token_hex(16), "resume_gateway_url": fake.ws_url, "shard": [0, 1],
            "application": {"id": str(fake.app_id), "flags": 0}, "private_channels": [], "relationships": [],
            "presences": [], "geo_ordered_rtc_regions": [], "guild_join_requests": [], "user_settings": {},
        }
        await self._send(ws, "READY", ready)
        for g in fake.guilds:
            await self._send(ws, "GUILD_CREATE", g.payload(fake.bot_user))
        self.ready.set()

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self.sequence += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self.sequence, "d": data}))

    async def dispatch(self, event: str, data: dict) -> None:
        """Send an event to every connected client (the test's bot)."""
        await self.ready.wait()
        for ws in list(self.sockets):
            await self._send(ws, event, data)

    async def close_all(self, app: web.Application | None = None) -> None:
        for ws in list(self.sockets):
            await ws.close(code=1001)

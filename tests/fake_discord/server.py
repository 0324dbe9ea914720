"""The fake Discord server: one aiohttp app on 127.0.0.1:<free port> with REST and gateway.

`rest.py` answers the REST API, `gateway.py` the websocket, `recorder.py` keeps what the bot sent.
This module builds the world (servers, channels, members, attachments) and delivers what members
do (slash commands, button presses, messages) as gateway events.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from aiohttp import web

from tests.fake_discord import payloads as P
from tests.fake_discord.gateway import Gateway
from tests.fake_discord.recorder import Recorder
from tests.fake_discord.rest import RestApi

API = "/api/v10"


@dataclass
class FakeGuild:
    """A server with a text channel #general (plus any `add_channel`), one thread in #general,
    an @everyone and a Moderator role."""

    id: int
    name: str
    channel_id: int
    thread_id: int
    moderator_role_id: int
    owner_id: int
    extra_members: list[dict] = field(default_factory=list)
    extra_channels: dict[int, str] = field(default_factory=dict)  # channel id -> name

    def channel_name(self, channel_id: int) -> str:
        return self.extra_channels.get(channel_id, "general")

    def has_channel(self, channel_id: int) -> bool:
        return channel_id in (self.channel_id, self.thread_id) or channel_id in self.extra_channels

    def roles(self) -> list[dict]:
        return [P.role(self.id, "@everyone", permissions=P.MEMBER_PERMISSIONS),
                P.role(self.moderator_role_id, "Moderator", position=1)]

    def payload(self, bot_user: dict) -> dict:
        roles = self.roles()
        channels = [P.text_channel(self.channel_id, self.id, "general")]
        channels += [P.text_channel(cid, self.id, name) for cid, name in self.extra_channels.items()]
        threads = [P.thread_channel(self.thread_id, self.id, self.channel_id, self.owner_id, "questions")]
        return P.guild(self.id, self.name, self.owner_id, roles, channels, threads, [P.member(bot_user, [])])


@dataclass
class SentInteraction:
    id: int
    token: str
    mark: int  # recorder index when it was delivered: wait for replies after this


class FakeDiscord:
    """Start with `await fake.start()`; point the bot at `api_base` and `ws_url`."""

    def __init__(self) -> None:
        self.snowflake = P.Snowflakes()
        self.recorder = Recorder()
        self.app_id = self.snowflake()
        self.bot_user = P.user(self.app_id, "citebot", bot=True)
        self.guilds: list[FakeGuild] = []
        self.commands: dict[str, dict] = {}  # name -> synced command (with id)
        self.messages: dict[int, dict] = {}
        self.attachments: dict[str, bytes] = {}
        self.interactions: dict[str, dict] = {}  # token -> {id, channel_id, guild_id, original}
        self.message_content_enabled = True  # the portal's "Message Content Intent" switch
        self.token: str | None = None  # when set, REST calls with another bot token are answered 401
        self.gateway = Gateway(self)
        self.rest = RestApi(self)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{key}/{name}", self.rest.attachment)
        app.router.add_route("*", API + "/{tail:.*}", self.rest.handle)
        app.on_shutdown.append(self.gateway.close_all)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return self.base_url + API

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/gateway"

    # -- world building ----------------------------------------------------------------------
    def add_guild(self, name: str = "Test Server") -> FakeGuild:
        g = FakeGuild(self.snowflake(), name, self.snowflake(), self.snowflake(), self.snowflake(), self.snowflake())
        self.guilds.append(g)
        return g

    def add_channel(self, guild: FakeGuild, name: str) -> int:
        """Another text channel in `guild` (add before the bot connects, so it is in GUILD_CREATE)."""
        channel_id = self.snowflake()
        guild.extra_channels[channel_id] = name
        return channel_id

    def guild_on_shard(self, name: str, shard_id: int, shard_count: int) -> FakeGuild:
        """A guild whose id Discord's rule ((id >> 22) % count) puts on `shard_id`."""
        while True:
            g = FakeGuild(self.snowflake(), name, self.snowflake(), self.snowflake(), self.snowflake(), self.snowflake())
            if (g.id >> 22) % shard_count == shard_id:
                self.guilds.append(g)
                return g
            self.snowflake.skip_millisecond()

    def new_user(self, name: str) -> dict:
        return P.user(self.snowflake(), name)

    def add_attachment(self, filename: str, data: bytes, content_type: str = "application/octet-stream") -> dict:
        att_id = self.snowflake()
        key = secrets.token_hex(4)
        self.attachments[f"{key}/{filename}"] = data
        url = f"{self.base_url}/attachments/{key}/{filename}"
        return {"id": str(att_id), "filename": filename, "size": len(data), "url": url, "proxy_url": url,
                "content_type": content_type, "ephemeral": True}

    # -- delivering events -------------------------------------------------------------------
    def _interaction(self, kind: int, guild: FakeGuild, user: dict, data: dict, *, channel_id: int | None,
                     roles: tuple[int, ...], manage_guild: bool, message: dict | None = None) -> tuple[dict, SentInteraction]:
        channel_id = channel_id or guild.channel_id
        channel = (P.thread_channel(guild.thread_id, guild.id, guild.channel_id, guild.owner_id, "questions")
                   if channel_id == guild.thread_id else P.text_channel(channel_id, guild.id, guild.channel_name(channel_id)))
        permissions = P.MEMBER_PERMISSIONS | (P.MANAGE_GUILD if manage_guild else 0)
        sent = SentInteraction(self.snowflake(), "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(32), self.recorder.mark())
        payload = {
            "id": str(sent.id), "application_id": str(self.app_id), "type": kind, "data": data,
            "guild_id": str(guild.id), "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id), "channel": channel,
            "member": P.member(user, [guild.id, *roles], permissions=permissions),
            "token": sent.token, "version": 1, "app_permissions": str(P.MEMBER_PERMISSIONS),
            "locale": "en-US", "guild_locale": "en-US", "entitlements": [], "attachment_size_limit": 26214400,
            "authorizing_integration_owners": {"0": str(guild.id)}, "context": 0,
        }
        if message is not None:
            payload["message"] = message
        self.interactions[sent.token] = {"id": sent.id, "channel_id": channel_id, "guild_id": guild.id, "original": None,
                                         "kind": kind, "message_id": int(message["id"]) if message else None,
                                         "responded": False}
        return payload, sent

    async def send_command(self, guild: FakeGuild, user: dict, name: str, options: dict | None = None, *,
                           channel_id: int | None = None, roles: tuple[int, ...] = (), manage_guild: bool = False,
                           attachments: dict[str, dict] | None = None, subcommand: str | None = None) -> SentInteraction:
        """Deliver a slash command (INTERACTION_CREATE type 2) as a member with `roles` would send it.

        `subcommand` names one of a command group's subcommands (`/feeds add`); role options
        (type 8) take a role id and are resolved from the guild's roles, as Discord does.
        """
        command = self.commands[name]  # the bot must have synced it
        declared = command.get("options", [])
        if subcommand is not None:
            declared = next(o for o in declared if o["name"] == subcommand).get("options", [])
        types = {o["name"]: o["type"] for o in declared}
        opts = [{"name": k, "type": types[k], "value": v} for k, v in (options or {}).items()]
        resolved: dict = {}
        role_ids = {str(v) for k, v in (options or {}).items() if types[k] == 8}
        if role_ids:
            resolved["roles"] = {r["id"]: r for r in guild.roles() if r["id"] in role_ids}
        if attachments:
            opts += [{"name": k, "type": 11, "value": a["id"]} for k, a in attachments.items()]
            resolved["attachments"] = {a["id"]: a for a in attachments.values()}
        top = [{"name": subcommand, "type": 1, "options": opts}] if subcommand is not None else opts
        data: dict = {"id": command["id"], "name": name, "type": 1, "options": top}
        if resolved:
            data["resolved"] = resolved
        payload, sent = self._interaction(2, guild, user, data, channel_id=channel_id, roles=roles, manage_guild=manage_guild)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return sent

    async def press_button(self, guild: FakeGuild, user: dict, message: dict, custom_id: str) -> SentInteraction:
        """Deliver a button press (INTERACTION_CREATE type 3, MESSAGE_COMPONENT) on a message the bot sent.

        As Discord does, only a button that is on the message can be pressed, and the message is sent
        as Discord holds it now (after any edits), so a press on an old message carries its current buttons.
        """
        message = self.messages.get(int(message["id"]), message)
        buttons = [c.get("custom_id") for row in message.get("components") or [] for c in row.get("components", [])]
        assert custom_id in buttons, f"no button {custom_id!r} on message {message['id']} (it has {buttons})"
        data = {"custom_id": custom_id, "component_type": 2}
        payload, sent = self._interaction(3, guild, user, data, channel_id=int(message["channel_id"]), roles=(),
                                          manage_guild=False, message=message)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return sent

    async def send_message(self, guild: FakeGuild, user: dict, content: str, *, channel_id: int | None = None,
                           reply_to: dict | None = None) -> dict:
        """Deliver MESSAGE_CREATE; `<@id>` mentions in `content` are resolved like Discord does."""
        channel_id = channel_id or guild.channel_id
        known = {self.bot_user["id"]: self.bot_user, user["id"]: user}
        mentions = [known[m] for m in re.findall(r"<@!?(\d+)>", content) if m in known]
        reference = None
        if reply_to is not None:
            reference = {"message_id": reply_to["id"], "channel_id": reply_to["channel_id"], "guild_id": str(guild.id)}
        msg = P.message(self.snowflake(), channel_id, user, content, guild_id=guild.id, mentions=mentions, reference=reference)
        msg["member"] = {k: v for k, v in P.member(user, [guild.id]).items() if k != "user"}
        if reply_to is not None:
            msg["referenced_message"] = reply_to
        self.messages[int(msg["id"])] = msg
        await self.gateway.dispatch("MESSAGE_CREATE", msg)
        return msg

"""The fake Discord server: one aiohttp app on 127.0.0.1:<free port> with REST and gateway.

REST (under /api/v10): GET users/@me, GET oauth2/applications/@me, GET gateway(/bot),
PUT/GET applications/{app}/commands (slash command sync), POST interactions/{id}/{token}/callback,
POST webhooks/{app}/{token} (followups), GET/PATCH webhooks/{app}/{token}/messages/{id|@original},
POST channels/{id}/messages, POST channels/{id}/typing, and the attachment CDN (/attachments/...).
Anything else answers 404 and is recorded, so a test can see the bot called something unexpected.
The gateway lives in `gateway.py`. Test-side helpers here build and deliver events.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field

from aiohttp import web

from tests.fake_discord import payloads as P
from tests.fake_discord.gateway import Gateway
from tests.fake_discord.recorder import Recorded, Recorder

API = "/api/v10"


def json_response(data: object, status: int = 200) -> web.Response:
    """`Content-Type: application/json` exactly: discord.py does not parse JSON with a charset suffix."""
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


@dataclass
class FakeGuild:
    """A server with one text channel, one thread, an @everyone and a Moderator role."""

    id: int
    name: str
    channel_id: int
    thread_id: int
    moderator_role_id: int
    owner_id: int
    extra_members: list[dict] = field(default_factory=list)

    def payload(self, bot_user: dict) -> dict:
        roles = [P.role(self.id, "@everyone", permissions=P.MEMBER_PERMISSIONS),
                 P.role(self.moderator_role_id, "Moderator", position=1)]
        channels = [P.text_channel(self.channel_id, self.id, "general")]
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
        self.gateway = Gateway(self)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{key}/{name}", self._attachment)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
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
                   if channel_id == guild.thread_id else P.text_channel(channel_id, guild.id, "general"))
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
        self.interactions[sent.token] = {"id": sent.id, "channel_id": channel_id, "guild_id": guild.id, "original": None}
        return payload, sent

    async def send_command(self, guild: FakeGuild, user: dict, name: str, options: dict | None = None, *,
                           channel_id: int | None = None, roles: tuple[int, ...] = (), manage_guild: bool = False,
                           attachments: dict[str, dict] | None = None) -> SentInteraction:
        """Deliver a slash command (INTERACTION_CREATE type 2) as a member with `roles` would send it."""
        command = self.commands[name]  # the bot must have synced it
        types = {o["name"]: o["type"] for o in command.get("options", [])}
        opts = [{"name": k, "type": types[k], "value": v} for k, v in (options or {}).items()]
        data: dict = {"id": command["id"], "name": name, "type": 1, "options": opts}
        if attachments:
            opts += [{"name": k, "type": 11, "value": a["id"]} for k, a in attachments.items()]
            data["resolved"] = {"attachments": {a["id"]: a for a in attachments.values()}}
        payload, sent = self._interaction(2, guild, user, data, channel_id=channel_id, roles=roles, manage_guild=manage_guild)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return sent

    async def press_button(self, guild: FakeGuild, user: dict, message: dict, custom_id: str) -> SentInteraction:
        """Deliver a button press (INTERACTION_CREATE type 3) on a message the bot sent."""
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

    # -- REST --------------------------------------------------------------------------------
    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.attachments.get(f"{request.match_info['key']}/{request.match_info['name']}")
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream"})

    async def _body(self, request: web.Request) -> dict | list | None:
        if not request.can_read_body:
            return None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            return json.loads(form.get("payload_json", "{}"))  # type: ignore[arg-type]
        text = await request.text()
        return json.loads(text) if text else None

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await self._body(request)
        item = Recorded(request.method, path, body, dict(request.query))
        status, response = self._route(request.method, path, body, item)
        item.response = response
        await self.recorder.add(item)
        if status == 204:
            return web.Response(status=204)
        return json_response(response, status)

    def _new_message(self, channel_id: int, body: dict, *, webhook: bool = False, reference: dict | None = None) -> dict:
        msg = P.message(
            self.snowflake(), channel_id, self.bot_user, body.get("content") or "", guild_id=self._guild_of(channel_id),
            embeds=body.get("embeds") or [], components=body.get("components") or [], reference=reference,
            flags=body.get("flags") or 0, webhook_id=self.app_id if webhook else None,
        )
        self.messages[int(msg["id"])] = msg
        return msg

    def _guild_of(self, channel_id: int) -> int | None:
        return next((g.id for g in self.guilds if channel_id in (g.channel_id, g.thread_id)), None)

    def _route(self, method: str, path: str, body, item: Recorded) -> tuple[int, object]:
        app = str(self.app_id)
        if method == "GET" and path == "/users/@me":
            return 200, self.bot_user
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, {
                "id": app, "name": "citebot", "icon": None, "description": "", "rpc_origins": [], "bot_public": True,
                "bot_require_code_grant": False, "owner": P.user(self.snowflake(), "owner"), "summary": "",
                "verify_key": "0" * 64, "team": None, "flags": 0, "tags": [], "interactions_endpoint_url": None,
                "bot": self.bot_user, "approximate_guild_count": len(self.guilds),
            }
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            return 200, {"url": self.ws_url, "shards": 1,
                         "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
        if path == f"/applications/{app}/commands":
            if method == "PUT":
                self.commands = {}
                for c in body or []:
                    synced = {"id": str(self.snowflake()), "application_id": app, "version": str(self.snowflake()),
                              "type": 1, "default_member_permissions": None, "dm_permission": True, "nsfw": False,
                              "options": [], "description": "", **c}
                    self.commands[synced["name"]] = synced
                return 200, list(self.commands.values())
            if method == "GET":
                return 200, list(self.commands.values())
        m = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if m and method == "POST":
            return 200, self._callback(int(m.group(1)), m.group(2), body or {})
        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path)
        if m and method == "POST":
            info = self.interactions.get(m.group(2))
            if info is None:
                return 404, {"message": "Unknown Webhook", "code": 10015}
            return 200, self._new_message(info["channel_id"], body or {}, webhook=True)
        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", path)
        if m and method in ("GET", "PATCH"):
            info = self.interactions.get(m.group(2))
            if info is None:
                return 404, {"message": "Unknown Webhook", "code": 10015}
            if m.group(3) == "@original":
                if info["original"] is None:
                    info["original"] = int(self._new_message(info["channel_id"], {}, webhook=True)["id"])
                message_id = info["original"]
            else:
                message_id = int(m.group(3))
            msg = self.messages[message_id]
            if method == "PATCH":
                msg.update({k: v for k, v in (body or {}).items() if k in ("content", "embeds", "components")})
            return 200, msg
        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if m and method == "POST":
            return 200, self._new_message(int(m.group(1)), body or {}, reference=(body or {}).get("message_reference"))
        if re.fullmatch(r"/channels/(\d+)/typing", path) and method == "POST":
            return 204, None
        return 404, {"message": f"fake Discord has no route {method} {path}", "code": 0}

    def _callback(self, interaction_id: int, token: str, body: dict) -> dict:
        """Interaction responses: 4 message, 5 deferred ("thinking"), 6 deferred update, 7 update message."""
        kind = body.get("type")
        data = body.get("data") or {}
        info = self.interactions.get(token, {"channel_id": 0})
        resource: dict = {"type": kind}
        message_id = None
        if kind == 4:
            msg = self._new_message(info["channel_id"], data, webhook=True)
            info["original"] = message_id = int(msg["id"])
            resource["message"] = msg
        elif kind == 5:
            msg = self._new_message(info["channel_id"], {"flags": data.get("flags", 0) | 128}, webhook=True)
            info["original"] = message_id = int(msg["id"])
        return {
            "interaction": {
                "id": str(interaction_id), "type": 2, "activity_instance_id": None,
                "response_message_id": str(message_id) if message_id else None,
                "response_message_loading": kind == 5, "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            },
            "resource": resource,
        }

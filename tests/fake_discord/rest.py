"""The fake Discord's REST API, below /api/v10, plus the attachment CDN.

Routes: GET users/@me, GET oauth2/applications/@me, GET gateway(/bot), PUT/GET
applications/{app}/commands (slash command sync), POST interactions/{id}/{token}/callback
(types 4 message, 5 deferred, 6 deferred update, 7 update message), POST webhooks/{app}/{token}
(followups), GET/PATCH webhooks/{app}/{token}/messages/{id|@original}, POST channels/{id}/messages, PATCH channels/{id}/messages/{id},
POST channels/{id}/typing, GET /attachments/{key}/{name}. Anything else answers 404 and is
recorded, so a test can see the bot called something unexpected. Every response is JSON with
`Content-Type: application/json` exactly (discord.py does not parse it with a charset suffix).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from aiohttp import web

from tests.fake_discord import payloads as P
from tests.fake_discord.recorder import Recorded

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord


def json_response(data: object, status: int = 200) -> web.Response:
    """`Content-Type: application/json` exactly: discord.py does not parse JSON with a charset suffix."""
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


class RestApi:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def attachment(self, request: web.Request) -> web.Response:
        data = self.fake.attachments.get(f"{request.match_info['key']}/{request.match_info['name']}")
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

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        if self.fake.token is not None and request.headers.get("Authorization") != f"Bot {self.fake.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)  # as Discord answers a wrong token
        body = await self._body(request)
        item = Recorded(request.method, path, body, dict(request.query))
        status, response = self._route(request.method, path, body, item)
        item.response = response
        await self.fake.recorder.add(item)
        if status == 204:
            return web.Response(status=204)
        return json_response(response, status)

    def _new_message(self, channel_id: int, body: dict, *, webhook: bool = False, reference: dict | None = None) -> dict:
        msg = P.message(
            self.fake.snowflake(), channel_id, self.fake.bot_user, body.get("content") or "", guild_id=self._guild_of(channel_id),
            embeds=body.get("embeds") or [], components=body.get("components") or [], reference=reference,
            flags=body.get("flags") or 0, webhook_id=self.fake.app_id if webhook else None,
        )
        self.fake.messages[int(msg["id"])] = msg
        return msg

    def _guild_of(self, channel_id: int) -> int | None:
        return next((g.id for g in self.fake.guilds if g.has_channel(channel_id)), None)

    def _route(self, method: str, path: str, body, item: Recorded) -> tuple[int, object]:
        app = str(self.fake.app_id)
        if method == "GET" and path == "/users/@me":
            return 200, self.fake.bot_user
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, {
                "id": app, "name": "citebot", "icon": None, "description": "", "rpc_origins": [], "bot_public": True,
                "bot_require_code_grant": False, "owner": P.user(self.fake.snowflake(), "owner"), "summary": "",
                "verify_key": "0" * 64, "team": None, "flags": 0, "tags": [], "interactions_endpoint_url": None,
                "bot": self.fake.bot_user, "approximate_guild_count": len(self.fake.guilds),
            }
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            return 200, {"url": self.fake.ws_url, "shards": 1,
                         "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
        if path == f"/applications/{app}/commands":
            if method == "PUT":
                self.fake.commands = {}
                for c in body or []:
                    synced = {"id": str(self.fake.snowflake()), "application_id": app, "version": str(self.fake.snowflake()),
                              "type": 1, "default_member_permissions": None, "dm_permission": True, "nsfw": False,
                              "options": [], "description": "", **c}
                    self.fake.commands[synced["name"]] = synced
                return 200, list(self.fake.commands.values())
            if method == "GET":
                return 200, list(self.fake.commands.values())
        m = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if m and method == "POST":
            return self._callback(int(m.group(1)), m.group(2), body or {})
        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path)
        if m and method == "POST":
            info = self.fake.interactions.get(m.group(2))
            if info is None:
                return 404, {"message": "Unknown Webhook", "code": 10015}
            return 200, self._new_message(info["channel_id"], body or {}, webhook=True)
        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", path)
        if m and method in ("GET", "PATCH"):
            info = self.fake.interactions.get(m.group(2))
            if info is None:
                return 404, {"message": "Unknown Webhook", "code": 10015}
            if m.group(3) == "@original":
                if info["original"] is None:
                    info["original"] = int(self._new_message(info["channel_id"], {}, webhook=True)["id"])
                message_id = info["original"]
            else:
                message_id = int(m.group(3))
            msg = self.fake.messages[message_id]
            if method == "PATCH":
                msg.update({k: v for k, v in (body or {}).items() if k in ("content", "embeds", "components")})
            return 200, msg
        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if m and method == "POST":
            return 200, self._new_message(int(m.group(1)), body or {}, reference=(body or {}).get("message_reference"))
        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)
        if m and method == "PATCH":
            msg = self.fake.messages.get(int(m.group(2)))
            if msg is None or int(msg["channel_id"]) != int(m.group(1)):
                return 404, {"message": "Unknown Message", "code": 10008}
            msg.update({k: v for k, v in (body or {}).items() if k in ("content", "embeds", "components")})
            return 200, msg
        if re.fullmatch(r"/channels/(\d+)/typing", path) and method == "POST":
            return 204, None
        return 404, {"message": f"fake Discord has no route {method} {path}", "code": 0}

    def _callback(self, interaction_id: int, token: str, body: dict) -> tuple[int, dict]:
        """Interaction responses: 4 message, 5 deferred ("thinking"), 6 deferred update, 7 update message.

        Like Discord, an interaction is answered once: a second callback is refused (40060), and 6 and 7
        are only for component interactions; 7 replaces the pressed message's content, embeds or buttons.
        """
        kind = body.get("type")
        data = body.get("data") or {}
        info = self.fake.interactions.get(token, {"channel_id": 0})
        if info.get("responded"):
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        if kind in (6, 7) and info.get("kind") != 3:
            return 400, {"message": "Invalid interaction response type for this interaction", "code": 50035}
        info["responded"] = True
        resource: dict = {"type": kind}
        message_id = None
        if kind == 4:
            msg = self._new_message(info["channel_id"], data, webhook=True)
            info["original"] = message_id = int(msg["id"])
            resource["message"] = msg
        elif kind == 5:
            msg = self._new_message(info["channel_id"], {"flags": data.get("flags", 0) | 128}, webhook=True)
            info["original"] = message_id = int(msg["id"])
        elif kind == 7 and info.get("message_id") in self.fake.messages:
            msg = self.fake.messages[info["message_id"]]
            msg.update({k: v for k, v in data.items() if k in ("content", "embeds", "components")})
            message_id = int(msg["id"])
            resource["message"] = msg
        return 200, {
            "interaction": {
                "id": str(interaction_id), "type": info.get("kind", 2), "activity_instance_id": None,
                "response_message_id": str(message_id) if message_id else None,
                "response_message_loading": kind == 5, "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            },
            "resource": resource,
        }

"""Per-server settings a Discord server's moderators set with /settings (channels, moderator role).

Kept in the store beside the articles (`side_records`), so every bot process sharing the store —
several shards against one Chroma server — applies the same rules. A field left empty means
"use the operator's global setting".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from vectorstore.chroma_connection import StoreConfig
from vectorstore.side_records import RecordCollection

SERVER_SETTINGS = "citebot_server_settings"


@dataclass(frozen=True)
class ServerSettings:
    """One server's overrides. `channels` None = the global `discord_channels`; () = everywhere."""

    server: str  # e.g. "guild:123456789012345678"
    channels: tuple[str, ...] | None = None
    moderator_role: str = ""  # role id or name; "" = the global `discord_moderator_role`
    set_by: str = ""
    set_at: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["channels"] = list(self.channels) if self.channels is not None else None
        return data


class ServerSettingsStore:
    def __init__(self, config: StoreConfig) -> None:
        self._records = RecordCollection(config, SERVER_SETTINGS)

    def get(self, server: str) -> ServerSettings | None:
        meta = self._records.get(server)
        if meta is None:
            return None
        channels = json.loads(meta["channels"]) if meta.get("channels") else None
        return ServerSettings(
            server=server, channels=tuple(channels) if channels is not None else None,
            moderator_role=meta.get("moderator_role", ""), set_by=meta.get("set_by", ""), set_at=meta.get("set_at", ""),
        )

    def put(self, settings: ServerSettings) -> ServerSettings | None:
        """Store a server's settings; returns the ones replaced."""
        with self._records.writing():
            previous = self.get(settings.server)
            self._records.upsert(settings.server, {
                "server": settings.server,
                "channels": json.dumps(list(settings.channels)) if settings.channels is not None else "",
                "moderator_role": settings.moderator_role, "set_by": settings.set_by, "set_at": settings.set_at,
            })
            return previous

    def remove(self, server: str) -> ServerSettings | None:
        with self._records.writing():
            previous = self.get(server)
            if previous is not None:
                self._records.delete([server])
            return previous

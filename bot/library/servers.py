"""Per-server settings (Discord): a server's own channel list and moderator role, audited.

Stored beside the articles (`vectorstore.server_settings`), so every process sharing the store
applies them. The rules that use them (which channel, who moderates) live in the adapter's
plain policy module, bot/discord/channels.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.library.sources import now_iso
from vectorstore.records import AuditEntry
from vectorstore.server_settings import ServerSettings, ServerSettingsStore

if TYPE_CHECKING:
    from bot.library.citebot import Citebot

KEEP = object()  # "leave this field as it is"


class Servers:
    def __init__(self, citebot: Citebot) -> None:
        self.citebot = citebot
        self._store: ServerSettingsStore | None = None

    @property
    def store(self) -> ServerSettingsStore:
        if self._store is None:
            self._store = ServerSettingsStore(self.citebot.store.config)
        return self._store

    def get(self, server: str) -> ServerSettings | None:
        return self.store.get(server)

    def update(self, server: str, *, channels=KEEP, moderator_role=KEEP, actor: str, audit_scope: str) -> ServerSettings:
        """Change some of a server's settings (channels: tuple, () = everywhere, None = global; role: "" = global)."""
        current = self.get(server) or ServerSettings(server=server)
        new = ServerSettings(
            server=server,
            channels=current.channels if channels is KEEP else channels,
            moderator_role=current.moderator_role if moderator_role is KEEP else moderator_role,
            set_by=actor, set_at=now_iso(),
        )
        self.store.put(new)
        self._audit(server, actor, audit_scope, f"channels={_show(new.channels)} moderator_role={new.moderator_role or 'global'}")
        return new

    def reset(self, server: str, *, actor: str, audit_scope: str) -> ServerSettings | None:
        """Back to the global settings for this server; returns what was removed."""
        previous = self.store.remove(server)
        self._audit(server, actor, audit_scope, "reset to the global settings")
        return previous

    def _audit(self, server: str, actor: str, scope: str, detail: str) -> None:
        self.citebot.store.record_audit(AuditEntry(
            at=now_iso(), actor=actor, action="settings", scope=scope, document_id=server, title="server settings", detail=detail,
        ))


def _show(channels: tuple[str, ...] | None) -> str:
    if channels is None:
        return "global"
    return ",".join(channels) or "everywhere"

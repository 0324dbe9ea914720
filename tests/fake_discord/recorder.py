"""Everything the bot sent to the fake Discord, in order, with a way to wait for a request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Recorded:
    """One REST request (or gateway frame, with method 'GATEWAY') as the bot sent it."""

    method: str
    path: str  # below the API base, e.g. "/channels/123/messages"
    body: dict | list | None
    query: dict = field(default_factory=dict)
    response: dict | list | None = None

    @property
    def allowed_mentions(self) -> dict | None:
        if isinstance(self.body, dict):
            if "allowed_mentions" in self.body:
                return self.body["allowed_mentions"]
            data = self.body.get("data")  # interaction callback: {"type": 4, "data": {...}}
            if isinstance(data, dict):
                return data.get("allowed_mentions")
        return None

    @property
    def message(self) -> dict:
        """The message part of the body (interaction callbacks wrap it in `data`)."""
        if not isinstance(self.body, dict):
            return {}
        if "type" in self.body and isinstance(self.body.get("data"), dict):
            return self.body["data"]
        return self.body

    def text(self) -> str:
        """Content plus every embed's visible text: what a member would read."""
        msg = self.message
        parts = [msg.get("content") or ""]
        for e in msg.get("embeds") or []:
            parts += [e.get("title", ""), e.get("description", ""), (e.get("footer") or {}).get("text", "")]
            for f in e.get("fields") or []:
                parts += [f.get("name", ""), f.get("value", "")]
        return "\n".join(p for p in parts if p)

    def button_ids(self) -> dict[str, str]:
        """Button label -> custom_id, from the message's components."""
        found = {}
        for row in self.message.get("components") or []:
            for c in row.get("components", []):
                if c.get("type") == 2 and "custom_id" in c:
                    found[c.get("label", "")] = c["custom_id"]
        return found


class Recorder:
    def __init__(self) -> None:
        self.items: list[Recorded] = []
        self._changed = asyncio.Condition()

    async def add(self, item: Recorded) -> None:
        async with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    def find(self, predicate: Callable[[Recorded], bool]) -> list[Recorded]:
        return [i for i in self.items if predicate(i)]

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, after: int = 0) -> Recorded:
        """The first recorded item from index `after` on that matches; waits until one arrives."""
        async with self._changed:
            while True:
                for item in self.items[after:]:
                    if predicate(item):
                        return item
                await self._changed.wait()

    def mark(self) -> int:
        """Index to pass as `after=` to wait only for what is sent from now on."""
        return len(self.items)

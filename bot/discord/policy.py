"""Who may do what in Discord, how often, on which sources — as plain classes, no discord.py.

The adapter extracts plain facts from Discord objects (role ids and names, the Manage Server bit,
server id, thread id) and asks these classes; tests exercise every rule with no client and an
injected clock.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.errors import PermissionDenied, RateLimited

Clock = Callable[[], float]


@dataclass(frozen=True)
class ModeratorPolicy:
    """Moderators are members with the configured role (name or id) or the Manage Server permission.

    Checked when the command runs, on the member data Discord sends with the interaction — hiding
    a command in the UI is not a permission check.
    """

    role: str = ""

    def is_moderator(self, roles: Iterable[tuple[int, str]], manage_guild: bool) -> bool:
        if manage_guild:
            return True
        wanted = self.role.strip()
        if not wanted:
            return False
        return any(wanted == str(role_id) or wanted.casefold() == name.casefold() for role_id, name in roles)

    def require(self, roles: Iterable[tuple[int, str]], manage_guild: bool, action: str) -> None:
        if not self.is_moderator(roles, manage_guild):
            who = f"the '{self.role}' role or " if self.role.strip() else ""
            raise PermissionDenied(f"only moderators ({who}Manage Server permission) can {action}")


class RateLimiter:
    """At most `limit` events per `window_s` seconds per key (sliding window)."""

    def __init__(self, limit: int, window_s: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may act again (0 = now), without recording anything."""
        now = self._clock()
        events = self._events.get(key)
        if events is None:
            return 0.0
        while events and events[0] <= now - self.window_s:
            events.popleft()
        if not events:
            del self._events[key]
            return 0.0
        return 0.0 if len(events) < self.limit else events[0] + self.window_s - now

    def record(self, key: str) -> None:
        self._events.setdefault(key, deque()).append(self._clock())


class QuestionLimits:
    """Per-member and per-server question limits; a refusal says when to try again."""

    def __init__(self, per_user: int, per_server: int, window_s: float, clock: Clock = time.monotonic) -> None:
        self.users = RateLimiter(per_user, window_s, clock)
        self.servers = RateLimiter(per_server, window_s, clock)

    def check(self, user_id: int, server_id: int | None) -> None:
        """Record a question, or raise RateLimited (recording nothing) if either limit is reached."""
        user_key, server_key = f"user:{user_id}", f"server:{server_id}"
        wait_user = self.users.retry_after(user_key)
        wait_server = self.servers.retry_after(server_key) if server_id is not None else 0.0
        if wait_user > 0:
            raise RateLimited(f"you are asking faster than this server allows; try again in {math.ceil(wait_user)} s")
        if wait_server > 0:
            raise RateLimited(f"this server is asking faster than allowed; try again in {math.ceil(wait_server)} s")
        self.users.record(user_key)
        if server_id is not None:
            self.servers.record(server_key)


def scope_for(guild_id: int | None, *, per_server: bool, global_scope: str) -> str:
    """The source set a server reads and writes: its own (`guild:<id>`) or the shared one."""
    if per_server and guild_id is not None:
        return f"guild:{guild_id}"
    return global_scope


class ConversationMemory:
    """Earlier questions of a conversation (a thread, or a chain of replies), oldest first.

    Keys are plain strings chosen by the adapter: `thread:<id>` for a thread, and for a reply
    chain the key of the conversation the replied-to bot message belongs to (`link`). Bounded in
    conversations and turns, least recently used first out, so memory never grows without end.
    """

    def __init__(self, max_turns: int = 4, max_conversations: int = 1000) -> None:
        self.max_turns = max_turns
        self.max_conversations = max_conversations
        self._history: OrderedDict[str, list[str]] = OrderedDict()
        self._links: OrderedDict[int, str] = OrderedDict()

    def history(self, key: str) -> list[str]:
        return list(self._history.get(key, []))

    def add(self, key: str, question: str) -> None:
        if self.max_turns == 0:
            return
        turns = self._history.pop(key, [])
        turns = (turns + [question])[-self.max_turns:]
        self._history[key] = turns
        while len(self._history) > self.max_conversations:
            self._history.popitem(last=False)

    def link(self, message_id: int, key: str) -> None:
        """Remember that bot message `message_id` belongs to conversation `key` (for replies to it)."""
        self._links[message_id] = key
        while len(self._links) > self.max_conversations * 4:
            self._links.popitem(last=False)

    def key_for_reply(self, message_id: int | None) -> str | None:
        return self._links.get(message_id) if message_id is not None else None

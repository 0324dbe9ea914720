"""Where the bot answers, and who moderates, per server — plain rules, no discord.py objects.

The operator's settings (`discord_channels`, `discord_moderator_role`) apply to every server; a
server's moderators can override them for their server with /settings (stored in the shared
store, so every shard process applies the same). The adapter passes plain facts (channel id and
name, a thread's parent) and these classes decide; tests check every rule with no client.

* Questions (/ask, /sources, @mentions) are answered only in the allowed channels; a thread
  counts as its parent channel. Elsewhere a slash command gets a private "ask in #…" hint and a
  mention is ignored (a bot that answers "not here" to every mention is noise).
* Moderator commands work in every channel, so a moderator can always fix the channel list.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.discord.policy import ModeratorPolicy
from bot.errors import BotError
from vectorstore.server_settings import ServerSettings

ANYWHERE = frozenset({"ingest", "remove", "audit", "feeds", "settings"})  # moderator commands
EVERYWHERE_WORDS = frozenset({"all", "*", "everywhere", "any"})
DEFAULT_WORDS = frozenset({"default", "global", "reset"})
_MENTION = re.compile(r"^<#(\d+)>$")
_NAME = re.compile(r"^[\w-]{1,100}$")


def server_key(guild_id: int) -> str:
    return f"guild:{guild_id}"


def parse_channels(text: str) -> tuple[str, ...] | None:
    """A moderator's channel list -> ids and names; () = everywhere, None = back to the global setting.

    Accepts channel mentions (<#123>), ids and names (with or without '#'), separated by commas
    or spaces: '<#123>, news #questions' -> ('123', 'news', 'questions').
    """
    words = [w for w in re.split(r"[\s,]+", (text or "").strip()) if w]
    if not words:
        raise BotError("name at least one channel (e.g. #news), or 'all' for every channel, or 'default'")
    if len(words) == 1 and words[0].lower() in EVERYWHERE_WORDS:
        return ()
    if len(words) == 1 and words[0].lower() in DEFAULT_WORDS:
        return None
    found: list[str] = []
    for word in words:
        mention = _MENTION.match(word)
        value = mention.group(1) if mention else word.lstrip("#")
        if not _NAME.match(value):
            raise BotError(f"'{word}' is not a channel; give #name, a channel mention or its id")
        found.append(value if value.isdigit() else value.casefold())
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class ChannelFacts:
    """The channel a question came from; for a thread, also its parent channel."""

    id: int | None
    name: str = ""
    parent_id: int | None = None
    parent_name: str = ""


@dataclass(frozen=True)
class ChannelRule:
    """The channels (ids or names) where questions are answered; empty = everywhere."""

    allowed: tuple[str, ...] = ()

    def _matches(self, channel_id: int | None, name: str) -> bool:
        name = name.casefold()
        return any((channel_id is not None and entry == str(channel_id)) or (name and entry.casefold() == name)
                   for entry in self.allowed)

    def allows(self, channel: ChannelFacts) -> bool:
        if not self.allowed:
            return True
        return self._matches(channel.id, channel.name) or self._matches(channel.parent_id, channel.parent_name)

    def allows_command(self, command: str, channel: ChannelFacts) -> bool:
        return command in ANYWHERE or self.allows(channel)

    def describe(self) -> str:
        if not self.allowed:
            return "every channel"
        return ", ".join(f"<#{a}>" if a.isdigit() else f"#{a}" for a in self.allowed)

    def hint(self) -> str:
        """The private reply to a question asked elsewhere."""
        return f"\U0001f4cd I answer questions in {self.describe()} on this server; please ask there."


def rule_for(global_channels: Iterable[str], server: ServerSettings | None) -> ChannelRule:
    """The server's own channel list if it set one, else the operator's."""
    if server is not None and server.channels is not None:
        return ChannelRule(tuple(server.channels))
    return ChannelRule(tuple(str(c).lstrip("#") for c in global_channels))


class ServerRules:
    """Each server's channel rule and moderator role, from its /settings or the global settings.

    Kept in memory for `ttl_s` so a mention costs no store read; `needs_refresh` tells the adapter
    when to reload a server's settings (in a worker thread) — other processes' /settings changes
    show within `ttl_s`, this process's own at once (`remember`).
    """

    def __init__(self, global_channels: Iterable[str], global_role: str, *, ttl_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.global_channels = tuple(global_channels)
        self.global_role = global_role
        self.ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, ServerSettings | None]] = {}

    def needs_refresh(self, key: str) -> bool:
        cached = self._cache.get(key)
        return cached is None or self._clock() - cached[0] >= self.ttl_s

    def remember(self, key: str, settings: ServerSettings | None) -> None:
        self._cache[key] = (self._clock(), settings)
        if len(self._cache) > 10_000:  # bounded: drop the oldest entries
            for old in sorted(self._cache, key=lambda k: self._cache[k][0])[:1000]:
                del self._cache[old]

    def settings(self, key: str) -> ServerSettings | None:
        cached = self._cache.get(key)
        return cached[1] if cached else None

    def rule(self, key: str) -> ChannelRule:
        return rule_for(self.global_channels, self.settings(key))

    def moderator_role(self, key: str) -> str:
        own = self.settings(key)
        return own.moderator_role if own is not None and own.moderator_role else self.global_role

    def moderators(self, key: str) -> ModeratorPolicy:
        return ModeratorPolicy(self.moderator_role(key))

"""Discord API objects as JSON dicts, with every field discord.py 2.7 reads when parsing them."""

from __future__ import annotations

import datetime as dt
import itertools
import time

DISCORD_EPOCH_MS = 1420070400000
MESSAGE_CONTENT_INTENT = 1 << 15
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)  # view, send, read history, use app commands


class Snowflakes:
    """Realistic 18-19 digit ids: (milliseconds since Discord's epoch << 22) + a counter."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._offset_ms = 0

    def __call__(self) -> int:
        return ((int(time.time() * 1000) + self._offset_ms - DISCORD_EPOCH_MS) << 22) + next(self._counter)

    def skip_millisecond(self) -> None:
        """Move the timestamp part on, which is what decides a guild's shard ((id >> 22) % count)."""
        self._offset_ms += 1


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict:
    return {
        "id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None,
        "bot": bot, "public_flags": 0, "flags": 0, "verified": True, "mfa_enabled": False,
    }


def role(role_id: int, name: str, *, permissions: int = 0, position: int = 0) -> dict:
    return {
        "id": str(role_id), "name": name, "color": 0, "colors": {"primary_color": 0}, "hoist": False, "icon": None,
        "unicode_emoji": None, "position": position, "permissions": str(permissions), "managed": False,
        "mentionable": False, "flags": 0,
    }


def member(user_data: dict, role_ids: list[int], *, permissions: int | None = None) -> dict:
    data = {
        "user": user_data, "roles": [str(r) for r in role_ids], "joined_at": now_iso(), "deaf": False, "mute": False,
        "flags": 0, "nick": None, "avatar": None, "pending": False, "premium_since": None,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def text_channel(channel_id: int, guild_id: int, name: str) -> dict:
    return {
        "id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": name, "position": 0,
        "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None, "rate_limit_per_user": 0,
        "last_message_id": None, "flags": 0,
    }


def thread_channel(thread_id: int, guild_id: int, parent_id: int, owner_id: int, name: str) -> dict:
    return {
        "id": str(thread_id), "type": 11, "guild_id": str(guild_id), "parent_id": str(parent_id),
        "owner_id": str(owner_id), "name": name, "last_message_id": None, "rate_limit_per_user": 0,
        "message_count": 0, "member_count": 1, "flags": 0, "total_message_sent": 0,
        "thread_metadata": {
            "archived": False, "auto_archive_duration": 1440, "archive_timestamp": now_iso(), "locked": False,
        },
    }


def guild(guild_id: int, name: str, owner_id: int, roles: list[dict], channels: list[dict], threads: list[dict], members: list[dict]) -> dict:
    return {
        "id": str(guild_id), "name": name, "icon": None, "splash": None, "discovery_splash": None, "banner": None,
        "description": None, "owner_id": str(owner_id), "afk_channel_id": None, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
        "nsfw_level": 0, "premium_tier": 0, "premium_subscription_count": 0, "system_channel_id": None,
        "system_channel_flags": 0, "rules_channel_id": None, "public_updates_channel_id": None,
        "safety_alerts_channel_id": None, "vanity_url_code": None, "preferred_locale": "en-US",
        "application_id": None, "max_members": 500000, "max_video_channel_users": 25, "features": [],
        "roles": roles, "emojis": [], "stickers": [], "channels": channels, "threads": threads, "members": members,
        "member_count": len(members), "large": False, "unavailable": False, "joined_at": now_iso(),
        "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
        "premium_progress_bar_enabled": False, "soundboard_sounds": [],
    }


def message(message_id: int, channel_id: int, author: dict, content: str, *, guild_id: int | None = None,
            embeds: list | None = None, components: list | None = None, mentions: list | None = None,
            reference: dict | None = None, flags: int = 0, webhook_id: int | None = None,
            interaction_metadata: dict | None = None) -> dict:
    data = {
        "id": str(message_id), "channel_id": str(channel_id), "author": author, "content": content,
        "timestamp": now_iso(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
        "mentions": mentions or [], "mention_roles": [], "mention_channels": [], "attachments": [],
        "embeds": embeds or [], "components": components or [], "pinned": False, "type": 19 if reference else 0,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if reference:
        data["message_reference"] = reference
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    return data

"""Per-server rules in the running bot: the channel gate on every command and mention, and /settings.

The decisions are bot/discord/channels.py's (plain, tested without Discord); this module turns
Discord objects into its facts, loads a server's settings off the event loop when the cached
copy is old, and registers /settings for moderators.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.discord.channels import ChannelFacts, ServerRules, parse_channels, rule_for, server_key
from bot.discord.commands import actor_name
from bot.errors import PermissionDenied
from bot.library.servers import KEEP, Servers
from vectorstore.errors import StoreError

log = logging.getLogger("citebot.discord")


def channel_facts(channel) -> ChannelFacts:
    if channel is None:
        return ChannelFacts(None)
    if isinstance(channel, discord.Thread):
        parent = channel.parent
        return ChannelFacts(channel.id, channel.name or "", channel.parent_id, getattr(parent, "name", "") or "")
    return ChannelFacts(channel.id, getattr(channel, "name", "") or "")


async def refresh(client, guild_id: int) -> None:
    """Reload this server's settings in a worker thread when the cached copy is old."""
    key = server_key(guild_id)
    if not client.server_rules.needs_refresh(key):
        return
    try:
        settings = await asyncio.to_thread(client.servers.get, key)
    except StoreError as err:  # keep answering by the last known (or global) rules
        log.warning("server settings for %s not reloaded: %s", key, err)
        settings = client.server_rules.settings(key)
    client.server_rules.remember(key, settings)


async def mention_allowed(client, message: discord.Message) -> bool:
    """Whether to answer this @mention here; elsewhere mentions are ignored, silently."""
    await refresh(client, message.guild.id)
    allowed = client.server_rules.rule(server_key(message.guild.id)).allows(channel_facts(message.channel))
    if not allowed:
        log.info("mention %s ignored: channel %s is not one the bot answers in", message.id, message.channel.id)
    return allowed


class GatedTree(app_commands.CommandTree):
    """The command tree, with the channel rule checked before any command runs."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None or interaction.command is None:
            return True
        client = self.client
        await refresh(client, interaction.guild_id)
        rule = client.server_rules.rule(server_key(interaction.guild_id))
        command = interaction.command.qualified_name.split()[0]
        if rule.allows_command(command, channel_facts(interaction.channel)):
            return True
        log.info("/%s from %s refused in channel %s", command, interaction.user.id, interaction.channel_id)
        await interaction.response.send_message(rule.hint(), ephemeral=True)
        return False


def _describe(client, key: str) -> str:
    own = client.server_rules.settings(key)
    s = client.settings
    channels = rule_for(s.discord_channels, own).describe()
    channels_from = "this server's setting" if own is not None and own.channels is not None else "the bot's global setting"
    role = client.server_rules.moderator_role(key)
    role_text = (f"<@&{role}>" if role.isdigit() else f"'{role}'") + " or Manage Server" if role else "members with Manage Server"
    role_from = "this server's setting" if own is not None and own.moderator_role else "the bot's global setting"
    return (f"\u2699\ufe0f Questions are answered in: {channels} ({channels_from}).\n"
            f"Moderators: {role_text} ({role_from}).")


def register_server_commands(client) -> None:
    """/settings, and the per-server rules the client consults (`client.server_rules`, `client.servers`)."""
    settings = client.settings
    client.servers = Servers(client.citebot)
    client.server_rules = ServerRules(settings.discord_channels, settings.discord_moderator_role)

    @client.tree.command(name="settings", description="Moderators: where the bot answers on this server, and who moderates it.")
    @app_commands.describe(
        channels="Where to answer: #news #questions, or 'all' (every channel) or 'default' (the bot's setting)",
        moderator_role="The role whose members moderate the bot here (changed only with Manage Server)",
        reset="Forget this server's settings: use the bot's global settings again",
    )
    @app_commands.guild_only()
    async def settings_command(interaction: discord.Interaction, channels: str | None = None,
                               moderator_role: discord.Role | None = None, reset: bool = False) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        client.require_moderator(interaction, "change the bot's settings for this server")
        key, actor = server_key(interaction.guild_id), actor_name(interaction.user)
        audit_scope = client.scope(interaction.guild_id)
        if moderator_role is not None and not interaction.permissions.manage_guild:
            raise PermissionDenied("only members with the Manage Server permission can choose the moderator role")
        if reset:
            await asyncio.to_thread(client.servers.reset, key, actor=actor, audit_scope=audit_scope)
        elif channels is not None or moderator_role is not None:
            await asyncio.to_thread(
                client.servers.update, key, actor=actor, audit_scope=audit_scope,
                channels=parse_channels(channels) if channels is not None else KEEP,
                moderator_role=str(moderator_role.id) if moderator_role is not None else KEEP,
            )
        client.server_rules.remember(key, await asyncio.to_thread(client.servers.get, key))
        await interaction.followup.send(_describe(client, key), ephemeral=True)

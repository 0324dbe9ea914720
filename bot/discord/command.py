"""`citebot discord`: run the Discord bot over the same store as the CLI."""

from __future__ import annotations

import click


@click.command("discord")
@click.option("--no-sync", is_flag=True, help="Do not register (sync) the slash commands with Discord on start.")
@click.pass_context
def discord_command(ctx: click.Context, no_sync: bool) -> None:
    """Run citebot as a Discord bot until stopped (SIGTERM or Ctrl-C close it cleanly).

    \b
    Needs the bot token in DISCORD_TOKEN (or CITEBOT_DISCORD_TOKEN, or discord_token in
    config.toml). Members use /ask, /sources and @mentions; moderators (the role in
    CITEBOT_DISCORD_MODERATOR_ROLE, or Manage Server) also /ingest, /remove,
    /show, /edit and /audit.
    Answers come from the same CITEBOT_HOME store as `citebot ask`.

    \b
    Exit codes: 0 stopped by SIGTERM/Ctrl-C; 2 configuration to fix (no token,
    token rejected, "Message Content Intent" switched off in the developer portal);
    4 Discord (its API or gateway) or the store could not be reached; 1 unexpected.
    """
    import asyncio

    from bot.errors import ConfigError
    from bot.library.opening import citebot_for

    citebot = citebot_for(ctx.meta)
    settings = citebot.settings
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise ConfigError("no Discord bot token: set DISCORD_TOKEN (or CITEBOT_DISCORD_TOKEN) to your bot's token")
    if no_sync:
        citebot.settings = settings.model_copy(update={"discord_sync_commands": False})

    from bot.discord.serving import serve

    asyncio.run(serve(citebot, token))
    click.echo("citebot discord: stopped.", err=True)

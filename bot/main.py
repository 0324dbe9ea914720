"""The `citebot` program: the command line, with the commands that start the other adapters.

This is the one place that knows every adapter. The adapters themselves (bot/cli, bot/discord,
bot/daemon) import the library and engine, never each other: `citebot discord` and
`citebot daemon run` are defined beside the adapter they start and attached here.
"""

from __future__ import annotations

from bot.cli.app import cli
from bot.cli.bench import bench_command
from bot.cli.common import flush_or_quit
from bot.cli.daemon import daemon_command
from bot.cli.evaluate import eval_command
from bot.cli.feedback import feedback_command, gaps_command
from bot.cli.feeds import feeds_command, watch_command
from bot.cli.records import edit_command, show_command
from bot.cli.store import export_command, import_command
from bot.cli.trust import trust_command
from bot.daemon.command import run_command
from bot.discord.command import discord_command

# Command modules keep their heavy imports inside the command functions, so `citebot ask` stays
# fast to start.
for command in (discord_command, trust_command, export_command, import_command, bench_command, eval_command, daemon_command,
                feeds_command, watch_command, show_command, edit_command, feedback_command, gaps_command):
    cli.add_command(command)
daemon_command.add_command(run_command)


def main() -> None:
    try:
        cli(prog_name="citebot")
    finally:
        flush_or_quit()


if __name__ == "__main__":
    main()

"""`citebot daemon run`: the daemon in the foreground (what `citebot daemon start` launches; for systemd)."""

from __future__ import annotations

import click


@click.command("run")
@click.pass_context
def run_command(ctx: click.Context) -> None:
    """Run the daemon in the foreground (what `start` launches; for systemd or debugging)."""
    import logging

    from bot.daemon.server import serve
    from bot.library.opening import citebot_for

    settings = citebot_for(ctx.meta).settings  # same settings errors, as one line, as every other command
    logging.getLogger("citebot.daemon").setLevel(logging.INFO)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("citebot.daemon").addHandler(handler)
    logging.getLogger("citebot.daemon").propagate = False
    serve(settings)

"""What every command shares: one JSON line, one error line and an exit code, the opened library.

Commands raise citebot's own errors; `CitebotGroup` turns them into one stderr line and the
error's exit code, so no command (and no user) ever sees a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

import click

from bot.errors import USER_ERRORS

log = logging.getLogger("citebot")
EXIT_UNEXPECTED = 1


def emit_json(payload: object) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=None))


def fail(message: str, code: int) -> None:
    from bot.engine.safe_text import (
        terminal_safe,  # messages can quote a hostile file name, URL or header
    )

    click.echo(f"citebot: error: {terminal_safe(message)}", err=True)
    sys.exit(code)


class CitebotGroup(click.Group):
    """Turns citebot's errors into one stderr line and an exit code; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as err:
            fail(str(err), getattr(err, "exit_code", 2))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as err:  # last resort: log the detail, show one line
            log.debug("unexpected error", exc_info=True)
            logfile = log_unexpected(err)
            fail(f"unexpected {type(err).__name__}: {err}. Details were written to {logfile}", EXIT_UNEXPECTED)


def log_unexpected(err: Exception) -> str:
    import traceback

    from bot.paths import home_from_env

    path = home_from_env() / "logs" / "errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()}\n")
            fh.write("".join(traceback.format_exception(err)))
    except OSError:
        return "(log not writable)"
    return str(path)


def library(ctx: click.Context):
    """The one `Citebot` of this command (settings read once; a bad setting is one error line)."""
    from bot.library.opening import citebot_for

    return citebot_for(ctx.meta)

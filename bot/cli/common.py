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


def fail(message: str, code: int, *, as_json: bool = False) -> None:
    """One `citebot: error: ...` line on stderr and exit `code`; with --json also one JSON object
    on stdout, so a script reading stdout always gets an object to parse."""
    from bot.engine.safe_text import (
        terminal_safe,  # messages can quote a hostile file name, URL or header
    )

    if as_json:
        emit_json({"error": message, "exit_code": code})
    click.echo(f"citebot: error: {terminal_safe(message)}", err=True)
    sys.exit(code)


class CitebotGroup(click.Group):
    """Turns citebot's errors into one stderr line and an exit code; never a traceback.

    With `--json` on the invoked command, a failure also prints `{"error": ..., "exit_code": ...}`
    on stdout: the one place that knows this for every command, present and future."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[_INVOKED] = (name, command, list(rest))  # what the failure handler re-reads for --json
        return name, command, rest

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as err:
            fail(str(err), getattr(err, "exit_code", 2), as_json=json_requested(ctx))
        except click.ClickException as err:  # a usage error: click prints it; --json also gets its object
            if json_requested(ctx):
                emit_json({"error": err.format_message(), "exit_code": err.exit_code})
            raise
        except (click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `citebot sources | head -1`: the reader has all it wanted
            reader_gone()
        except Exception as err:  # last resort: log the detail, show one line
            log.debug("unexpected error", exc_info=True)
            logfile = log_unexpected(err)
            fail(f"unexpected {type(err).__name__}: {err}. Details were written to {logfile}", EXIT_UNEXPECTED,
                 as_json=json_requested(ctx))


EXIT_READER_GONE = 141  # 128 + SIGPIPE, what a shell reports for any tool cut off by `| head`


def reader_gone() -> None:
    """Stop quietly when stdout's reader has closed the pipe: no error line and no log entry,
    and stdout pointed at /dev/null so the interpreter's last flush raises nothing either."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_READER_GONE)


def flush_or_quit() -> None:
    """Flush stdout before the interpreter exits: output small enough to sit in the pipe's buffer
    meets a closed pipe only then, where Python would print "Exception ignored … BrokenPipeError"."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()


_INVOKED = "citebot.invoked"


def json_requested(ctx: click.Context) -> bool:
    """Did the invoked command (or a group's subcommand: `daemon status`) get `--json`? Its
    arguments are parsed again, leniently, because a failing command's own context is gone."""
    name, command, args = ctx.meta.get(_INVOKED, (None, None, []))
    while isinstance(command, click.Group) and args:  # our nested groups take no options of their own
        name, command, args = args[0], command.get_command(ctx, args[0]), args[1:]
    option = next((p for p in getattr(command, "params", []) if isinstance(p, click.Option) and "--json" in p.opts), None)
    if option is None:
        return False
    try:
        parsed = command.make_context(name, list(args), parent=ctx, resilient_parsing=True)
    except Exception:  # unparseable even leniently: fall back on the plain word
        return "--json" in args
    return bool(parsed.params.get(option.name))


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

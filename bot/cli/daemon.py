"""`citebot daemon start|stop|status|run`: thin commands over bot/daemon.py (client) and bot/daemon_server.py."""

from __future__ import annotations

import json

import click

SLOW_START_S = 120  # a warm-up (model load, store open) past this is no longer "a few seconds"


def _echo(payload: dict, as_json: bool, text: str) -> None:
    click.echo(json.dumps(payload) if as_json else text)


def _describe(info: dict) -> str:
    if not info.get("running"):
        return f"no daemon is running for {info['home']}."
    if info.get("starting"):
        waited = info.get("starting_for_s", 0)
        if waited <= SLOW_START_S:
            return f"starting: loading the model, ready in a few seconds (pid {info.get('pid')}, for {info['home']})."
        return (f"starting for {waited:.0f} s, longer than it should take (pid {info.get('pid')}); "
                f"see {info.get('log')}, and 'citebot daemon stop' ends it.")
    if info.get("responding") is False:
        return f"a daemon (pid {info.get('pid')}) holds the lock for {info['home']} but does not answer; 'citebot daemon stop' ends it."
    fresh = "" if info.get("fresh") else " (started with other settings or code: asks here are answered in-process)"
    return (f"daemon running, pid {info['pid']}, since {info['started_at']}, {info['served']} answers, "
            f"idle {info['idle_for_s']:.0f} s of {info['idle_timeout_s'] or 'unlimited'}{fresh}; socket {info['socket']}")


@click.group("daemon")
def daemon_command() -> None:
    """A warm background process that answers `citebot ask` in a fraction of a cold start.

    \b
    It holds the store and the embedding model open for this home and these settings; `citebot ask`
    uses it when one runs (same answers, byte for byte) and answers by itself otherwise.
    It exits after `daemon_idle_s` seconds without a question (default 900).
    An `ask` typed at a terminal starts one when there is none (CITEBOT_DAEMON_AUTOSTART=1: always, =0: never).
    """


@daemon_command.command("start")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (pid, socket, started).")
def start_command(as_json: bool) -> None:
    """Start the daemon in the background and wait until it is ready (a no-op if it already runs)."""
    from bot.client.daemon import start

    info = start()
    verb = "started" if info.get("started") else "already running"
    _echo(info, as_json, f"daemon {verb}, pid {info.get('pid')}; socket {info['socket']}")


@daemon_command.command("stop")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (stopped, pid).")
def stop_command(as_json: bool) -> None:
    """Stop the daemon for this home (it finishes the question it is answering first).

    Returns once the process has exited; after 15 s without that, says so and exits with 2.
    """
    from bot.client.daemon import stop

    info = stop()
    text = f"daemon stopped (pid {info.get('pid')})." if info["stopped"] else f"no daemon is running for {info['home']}."
    _echo(info, as_json, text)


@daemon_command.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (running, pid, fresh, served, ...).")
def status_command(as_json: bool) -> None:
    """Show whether a daemon runs for this home, and whether it matches the current settings."""
    from bot.client.daemon import status

    info = status()
    _echo(info, as_json, _describe(info))

"""`citebot feeds add|list|remove` and `citebot watch`: watched feeds from the command line.

Parsing and printing only; the rules live in bot/library/feeds.py (what may be watched, one
poll) and bot/library/watching.py (when, and by which process). Registered in bot/main.py.
"""

from __future__ import annotations

import datetime as dt
import sys

import click


def _when(epoch: float) -> str:
    if not epoch:
        return "never"
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def _feeds(ctx: click.Context):
    from bot.cli.common import library
    from bot.library.feeds import Feeds

    if "feeds" not in ctx.meta:
        ctx.meta["feeds"] = Feeds(library(ctx))
    return ctx.meta["feeds"]


def _listing(feed) -> dict:
    data = feed.to_dict()
    data.pop("seen")
    return data


@click.group("feeds")
def feeds_command() -> None:
    """Watch outlets' RSS/Atom feeds: `citebot watch` (or `citebot discord`) ingests their new entries.

    \b
    citebot feeds add https://news.example.org/rss --every 30m
    citebot feeds list
    citebot feeds remove https://news.example.org/rss

    Entries go through the same checks as `citebot ingest` (address policy, size limits, the
    source registry: see `citebot trust`); each ingest is audited as feed:<url>.
    """


@feeds_command.command("add")
@click.argument("url")
@click.option("--scope", default=None, help="Source set the feed's articles go to (default: the configured scope).")
@click.option("--every", "every", default=None, help="How often to poll, e.g. 30m, 2h, 1d (default: feed_every_s, 30m).")
@click.option("--json", "as_json", is_flag=True, help="Print the new feed as one JSON object.")
@click.pass_context
def add_command(ctx: click.Context, url: str, scope: str | None, every: str | None, as_json: bool) -> None:
    """Watch the feed at URL; its first poll is due at once."""
    from bot.cli.common import emit_json
    from bot.library.feeds import format_every, parse_every

    feed = _feeds(ctx).add(url, scope=scope, every_s=parse_every(every) if every else None)
    if as_json:
        emit_json(_listing(feed))
    else:
        click.echo(f"watching {feed.url} in '{feed.scope}' every {format_every(feed.every_s)}; "
                   "`citebot watch` (or `citebot discord`) polls it.")


@feeds_command.command("list")
@click.option("--scope", default=None, help="Only the feeds of this source set (default: every scope).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the feeds.")
@click.pass_context
def list_command(ctx: click.Context, scope: str | None, as_json: bool) -> None:
    """The watched feeds: schedule, last poll, last new entry, failures in a row."""
    from bot.cli.common import emit_json
    from bot.engine.safe_text import terminal_safe
    from bot.library.feeds import format_every

    feeds = _feeds(ctx).list(scope)
    if as_json:
        emit_json({"feeds": [_listing(f) for f in feeds]})
        return
    for f in feeds:
        click.echo(f"{terminal_safe(f.url)}  [{f.scope}] every {format_every(f.every_s)}")
        new = f"{_when(f.last_new)} ({terminal_safe(f.last_new_title[:60])})" if f.last_new else "never"
        click.echo(f"    last poll {_when(f.last_poll)}, last new entry {new}, {f.ingested} ingested, "
                   f"{f.refused} refused at the last read, errors {f.errors}, next poll {_when(f.next_poll)}")
        if f.errors:
            click.echo(f"    last error: {terminal_safe(f.last_error)}")
    click.echo(f"{len(feeds)} watched feed{'s' if len(feeds) != 1 else ''}.")


@feeds_command.command("remove")
@click.argument("url")
@click.option("--scope", default=None, help="Source set the feed was added to (default: the configured scope).")
@click.option("--json", "as_json", is_flag=True, help="Print the removed feed as one JSON object.")
@click.pass_context
def remove_command(ctx: click.Context, url: str, scope: str | None, as_json: bool) -> None:
    """Stop watching URL. Articles already ingested from it stay (remove them with `citebot remove`)."""
    from bot.cli.common import emit_json

    feed = _feeds(ctx).remove(url, scope=scope)
    if as_json:
        emit_json(_listing(feed))
    else:
        click.echo(f"stopped watching {feed.url} in '{feed.scope}' ({feed.ingested} articles ingested from it stay).")


def _line(result) -> str:
    what = {
        "new": f"{result.added} new", "unchanged": "nothing new", "not-modified": "not modified (304)",
        "failed": f"failed: {result.error}", "busy": "polled by another watcher", "skipped": "polled meanwhile by another watcher",
    }[result.status]
    extra = "".join(f", {n} {label}" for n, label in ((result.refused, "refused by the source registry"),
                                                      (result.failed_entries, "entries failed")) if n)
    return f"{result.url} [{result.scope}]: {what}{extra}"


@click.command("watch")
@click.option("--once", is_flag=True, help="Poll the feeds that are due once, then exit.")
@click.option("--for", "for_s", type=click.FloatRange(min=0), default=None, help="Run for this many seconds, then exit.")
@click.option("--json", "as_json", is_flag=True, help="With --once or --for: print one JSON object with every poll.")
@click.pass_context
def watch_command(ctx: click.Context, once: bool, for_s: float | None, as_json: bool) -> None:
    """Poll the watched feeds on their schedules and ingest new entries, until stopped.

    \b
    Several watchers may share one store (a Chroma server): each feed is polled by one at a
    time. Failures back off exponentially and log one line each. Exit code with --once or
    --for: 3 if a poll or an entry failed, else 0.
    """
    import signal
    import threading

    from bot.cli.common import emit_json
    from bot.engine.safe_text import terminal_safe
    from bot.errors import BotError
    from bot.library.watching import Watcher

    if as_json and not (once or for_s is not None):
        raise BotError("--json needs --once or --for (a watcher that runs until stopped prints one line per poll)")
    watcher = Watcher(_feeds(ctx))
    if once:
        results = watcher.poll_due()  # a store that cannot be reached is exit 4 here, not a retry
    else:
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
        if not watcher.feeds.list():
            click.echo("no watched feeds yet; waiting for `citebot feeds add` (or /feeds add).", err=True)

        def report(result) -> None:
            if not as_json and (result.added or result.refused or result.failed_entries):  # failures are logged
                click.echo(terminal_safe(_line(result)))

        try:
            results = watcher.run(for_s=for_s, stop=stop, report=report)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if stop.is_set():
            click.echo("citebot watch: stopped.", err=True)
    failed = [r for r in results if r.status == "failed" or r.failed_entries]
    if as_json:
        emit_json({"polls": [r.to_dict() for r in results], "added": sum(r.added for r in results),
                   "refused": sum(r.refused for r in results), "failed": len(failed)})
    elif once:
        for result in results:
            click.echo(terminal_safe(_line(result)))
        click.echo(f"{len(results)} feed{'s' if len(results) != 1 else ''} due, {sum(r.added for r in results)} new articles.")
    if failed and (once or for_s is not None):
        sys.exit(3)

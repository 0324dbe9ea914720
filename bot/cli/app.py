"""`citebot` command line: parse, call the library, render. No logic lives here."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

import click

from bot.cli.common import CitebotGroup, emit_json, library
from bot.cli.words import plural, shorten
from bot.errors import USER_ERRORS

log = logging.getLogger("citebot")

@click.group(cls=CitebotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="Data directory (overrides CITEBOT_HOME).")
@click.version_option(package_name="citebot")
def cli(home: Path | None) -> None:
    """citebot answers questions only from sources you ingested, quoting and citing each passage.

    \b
    Quick start:
      citebot ingest examples/corpus
      citebot ask "Did the suspects head to Ukraine?"
    Configuration: CITEBOT_* environment variables or $CITEBOT_HOME/config.toml (see README).
    """
    if home is not None:
        os.environ["CITEBOT_HOME"] = str(home)


# -- ingest --------------------------------------------------------------------------------------
@cli.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--scope", default=None, help="Source set to write to (default: the configured scope).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with per-item results.")
@click.option("--allow-unknown", is_flag=True, help="Ingest from domains not in the source registry (see 'citebot trust').")
@click.pass_context
def ingest(ctx: click.Context, targets: tuple[str, ...], scope: str | None, as_json: bool, allow_unknown: bool) -> None:
    """Ingest files (.txt .md .html .pdf .jsonl), folders (recursively) and http(s) URLs.

    Re-ingesting an unchanged article does nothing; a changed one replaces its old version.
    Bad items are reported and skipped; the exit code is 3 if any item failed.
    On a terminal a progress bar shows articles done, chunks per second and the time left.
    """
    from bot.cli.progress import ingest_bar

    bot = library(ctx)
    with ingest_bar(enabled=not as_json) as on_progress:
        report = bot.ingest(list(targets), scope=scope, allow_unknown=allow_unknown, on_progress=on_progress)
    if as_json:
        emit_json({
            "added": report.count("added"), "updated": report.count("updated"),
            "unchanged": report.count("unchanged"), "duplicate": report.count("duplicate"),
            "failed": report.count("failed"),
            "items": [i.to_dict() for i in report.items], "warnings": report.warnings,
        })
    else:
        from bot.engine.safe_text import (
            terminal_safe,  # titles and errors come from the sources: data, not escapes
        )

        for item in report.items:
            if item.status == "failed":
                click.echo(f"  failed     {terminal_safe(item.error)}", err=True)
            else:
                click.echo(f"  {item.status:<10} {terminal_safe(shorten(item.title, 70))} "
                           f"({terminal_safe(item.outlet) or 'no outlet'}, {plural(item.chunks, 'chunk')})")
        click.echo(
            f"{report.count('added')} added, {report.count('updated')} updated, "
            f"{report.count('unchanged')} unchanged, {report.count('duplicate')} duplicate, "
            f"{report.count('failed')} failed."
        )
        for warning in report.warnings:
            click.echo(f"warning: {terminal_safe(warning)}", err=True)
    if report.failed:
        sys.exit(3)


# -- ask / chat ----------------------------------------------------------------------------------
def _date_option(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2024-03-25") from None


@cli.command()
@click.argument("question")
@click.option("-k", "k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve (default from settings).")
@click.option("--since", help="Only sources published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only sources published on or before this date (YYYY-MM-DD).")
@click.option("--scope", default=None, help="Source set to read (default: the configured scope).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (question, abstained, answer, citations).")
@click.option("--llm/--extractive", "llm", default=None, help="Let the configured language model write a checked, cited answer (streamed), or force the quoted answer. Default: --llm if CITEBOT_LLM_MODEL is set.")
@click.option("--no-daemon", is_flag=True, help="Answer in this process even if a warm daemon runs (see 'citebot daemon').")
@click.pass_context
def ask(ctx: click.Context, question: str, k: int | None, since: str | None, until: str | None, scope: str | None, as_json: bool, llm: bool | None, no_daemon: bool) -> None:
    """Answer QUESTION with quoted, cited passages, or say the sources don't cover it.

    \b
    Exit code 0 for an answer and for an abstention alike, also when nothing
    is stored yet: the answer then names the data directory it read and how
    to fill it (--json: "empty_store": true). 2 for a bad question or option,
    4 if the store cannot be opened. A question over 2,000 characters is
    answered from its beginning, with a note on stderr (--json:
    "question_truncated": true). With --json, a failure prints
    {"error": ..., "exit_code": ...}.
    """
    from bot.client import daemon

    since_date, until_date = _date_option(since), _date_option(until)
    outcome = None
    if not no_daemon and llm is not True:  # a warm daemon answers byte for byte as this process would
        outcome = daemon.try_ask(question, k=k, scope=scope, since=since_date and since_date.isoformat(),
                                 until=until_date and until_date.isoformat(), as_json=as_json, llm=llm)
        if outcome.status == "served":
            click.echo(outcome.output)
            _show_answer_id(outcome.answer_id, as_json)
            sys.exit(outcome.exit_code)
    if _llm_mode(ctx, llm):
        from bot.llm.terminal import stream_to_terminal, synthesis_json

        bot, options = library(ctx), dict(k=k, scope=scope, since=since_date, until=until_date)
        if as_json:
            result = bot.ask_llm(question, **options)
            asked = bot.record(result, scope=scope, via="cli")
            emit_json({**synthesis_json(result), "question_truncated": result.extractive.question_truncated,
                       **({"answer_id": asked.answer_id} if asked else {})})
        else:
            result = stream_to_terminal(bot, question, click.echo, **options)
            if result.extractive.empty_store:
                click.echo(daemon.empty_store_line(result.extractive), err=True)
            asked = bot.record(result, scope=scope, via="cli")
            _show_answer_id(asked.answer_id if asked else "", as_json)
        _note_truncation(result.extractive)
        return
    bot = library(ctx)
    answer = bot.ask(question, k=k, scope=scope, since=since_date, until=until_date)
    asked = bot.record(answer, scope=scope, via="cli")  # the answer id: for 'citebot feedback', and 'citebot gaps'
    click.echo(daemon.ask_output(answer, as_json, asked.answer_id if asked else ""))
    _note_truncation(answer)
    _show_answer_id(asked.answer_id if asked else "", as_json)
    if outcome is not None and outcome.status == "absent" and _autostart(bot.settings.daemon_autostart):
        sys.stdout.flush()  # the answer is out; starting the daemon must not delay it
        try:
            started = daemon.start_in_background()
        except (OSError, daemon.DaemonError) as err:  # only a missed speed-up: say so in the log
            log.warning("could not start the daemon: %s", err)
        else:
            if started:  # said once: only by the ask that started it
                click.echo(_started_note(bot.settings.daemon_idle_s), err=True)


def _note_truncation(answer) -> None:
    if answer.question_truncated:
        from bot.library import MAX_QUESTION_CHARS

        click.echo(f"citebot: note: the question is longer than {MAX_QUESTION_CHARS:,} characters; "
                   "only its beginning was read and answered.", err=True)


def _started_note(idle_s: float) -> str:
    """The one line an ask prints when it has just started a background daemon."""
    lifetime = f"it exits after {idle_s / 60:g} min without a question" if idle_s else "it runs until stopped"
    return ("citebot: started a background daemon so the next ask answers faster "
            f"({lifetime}; `citebot daemon stop` ends it; CITEBOT_DAEMON_AUTOSTART=false turns this off).")


def _show_answer_id(answer_id: str, as_json: bool) -> None:
    """After a text answer, its id on stderr (JSON carries it as `answer_id`)."""
    if answer_id and not as_json:
        from bot.cli.feedback import answer_id_line

        click.echo(answer_id_line(answer_id), err=True)


def _autostart(setting: bool | None) -> bool:
    """Start a daemon after this ask? Unset means: when a person runs `ask` from a terminal."""
    return setting if setting is not None else sys.stdin.isatty() and sys.stdout.isatty()


@cli.command()
@click.option("--scope", default=None, help="Source set to read.")
@click.option("--llm/--extractive", "llm", default=None, help="Checked, cited language-model answers (streamed) or quoted answers. Default: --llm if CITEBOT_LLM_MODEL is set.")
@click.pass_context
def chat(ctx: click.Context, scope: str | None, llm: bool | None) -> None:
    """Ask questions interactively; follow-ups ("what did Putin say about that?") use the conversation."""
    from bot.client.daemon import ask_output

    bot = library(ctx)
    use_llm = _llm_mode(ctx, llm)
    history: list[str] = []
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo("Ask about the ingested sources. An empty line or Ctrl-D quits.")
    while True:
        try:
            question = input("> " if interactive else "")
        except EOFError:
            break
        if not question.strip():
            break
        try:
            if use_llm:
                from bot.llm.terminal import stream_to_terminal

                result = stream_to_terminal(bot, question, click.echo, history=history, scope=scope)
                click.echo()
            else:
                result = bot.ask(question, history=history, scope=scope)
                click.echo(ask_output(result, as_json=False) + "\n")  # as `ask` words it, an empty store too
                _note_truncation(result)
            asked = bot.record(result, scope=scope, via="cli")
            _show_answer_id(asked.answer_id if asked else "", False)
        except USER_ERRORS as err:
            click.echo(f"citebot: error: {err}", err=True)
            continue
        history.append(question)


def _llm_mode(ctx: click.Context, flag: bool | None) -> bool:
    from bot.llm.terminal import use_llm

    return use_llm(library(ctx), flag)


# -- registry ------------------------------------------------------------------------------------
@cli.command()
@click.option("--scope", default=None, help="Source set to list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with a 'sources' list.")
@click.pass_context
def sources(ctx: click.Context, scope: str | None, as_json: bool) -> None:
    """List the ingested sources, newest first, with trust tier and chunk counts."""
    bot = library(ctx)
    records = bot.sources(scope)
    tiers = bot.source_tiers(records, scope)
    if as_json:
        emit_json({
            "count": len(records), "chunks": sum(r.chunk_count for r in records),
            "sources": [{**r.to_dict(), "tier": tiers[r.document_id]} for r in records],
        })
        return
    from bot.engine.safe_text import terminal_safe

    for r in records:
        click.echo(terminal_safe(
            f"{r.document_id}  {(r.published_at or 'undated')[:10]}  {tiers[r.document_id]:<8} "
            f"{r.outlet or '-'} · {shorten(r.title, 70)} ({plural(r.chunk_count, 'chunk')})"
        ))
    click.echo(f"{plural(len(records), 'source')}, {plural(sum(r.chunk_count for r in records), 'chunk')}.")


@cli.command()
@click.argument("source")
@click.option("--scope", default=None, help="Source set to remove from.")
@click.option("--json", "as_json", is_flag=True, help="Print the removed source as JSON.")
@click.option("--yes", "-y", is_flag=True, help="Remove a source named by a title fragment without asking.")
@click.option("--dry-run", is_flag=True, help="Show what would be removed; remove nothing.")
@click.pass_context
def remove(ctx: click.Context, source: str, scope: str | None, as_json: bool, yes: bool, dry_run: bool) -> None:
    """Remove SOURCE (document id, URL, path or title fragment) from all future answers.

    \b
    A document id, URL or path removes that source at once. A title fragment
    ("ferry") could name another article than the one meant: at a terminal
    citebot shows the match and asks first; from a script it refuses
    (exit 2) unless --yes is given. --dry-run only shows what would go.
    """
    from bot.engine.safe_text import terminal_safe

    bot = library(ctx)
    matches = bot.find_sources(source, scope)
    if len(matches) != 1:
        bot.remove(source, scope=scope)  # raises the library's own error: nothing, or several, match
    record = matches[0]
    what = terminal_safe(f"{record.title} ({record.document_id}, {record.outlet or 'no outlet'}, {plural(record.chunk_count, 'chunk')})")
    if dry_run:
        if as_json:
            emit_json({"removed": None, "dry_run": True, "would_remove": record.to_dict()})
        else:
            click.echo(f"Would remove {what}. Nothing was removed (--dry-run).")
        return
    by_title = source.strip() not in (record.document_id, record.url, record.origin)
    if by_title and not yes:
        if not sys.stdin.isatty():
            from bot.errors import BotError

            raise BotError(f"'{source}' names a source by a title fragment ({terminal_safe(record.title)}, "
                           f"{record.document_id}); pass --yes to remove it, or give its document id")
        if not click.confirm(f"Remove {what}?", default=False, err=True):
            if as_json:
                emit_json({"removed": None, "declined": True})
            else:
                click.echo("Nothing was removed.")
            return
    removed = bot.remove(record.document_id, scope=scope)
    if as_json:
        emit_json({"removed": removed.to_dict()})
    else:
        click.echo(f"Removed {terminal_safe(removed.title)} ({removed.document_id}, {plural(removed.chunk_count, 'chunk')}).")


@cli.command()
@click.option("--scope", default=None, help="Source set whose log to show.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def audit(ctx: click.Context, scope: str | None, limit: int, as_json: bool) -> None:
    """Show recent ingests and removals: who, when, what, content hash."""
    entries = library(ctx).audit(scope, limit)
    if as_json:
        emit_json({"entries": [e.to_dict() for e in entries]})
        return
    for e in entries:
        click.echo(f"{e.at}  {e.actor:<12} {e.action:<7} {e.title[:50]}  {e.content_hash[:12] or e.detail}")


@cli.command()
@click.option("--repair", is_flag=True, help="Delete orphaned chunks and half-written documents.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def doctor(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check that the registry and the stored chunks agree (after a crash, say)."""
    report = library(ctx).store.check(repair=repair)
    if as_json:
        emit_json(report.__dict__)
    else:
        click.echo(
            f"{report.documents} documents, {report.chunks} chunks; {report.orphan_chunks} orphaned chunks, "
            f"{len(report.incomplete_documents)} incomplete documents" + (" — repaired." if repair else ".")
        )
    if (report.orphan_chunks or report.incomplete_documents) and not repair:
        sys.exit(5)

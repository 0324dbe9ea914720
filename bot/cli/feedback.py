"""`citebot feedback` (rate an answer from a terminal) and `citebot gaps` (what the sources miss).

`citebot ask` prints each answer's id (a line on stderr, `answer_id` in --json); `feedback` takes
it. The member is the local user (`ingested_by`, your login name by default), stored only as a
keyed hash, exactly as a Discord member is.
"""

from __future__ import annotations

import datetime as dt

import click

from bot.cli.common import emit_json, library


def answer_id_line(answer_id: str) -> str:
    """The stderr line after a text answer: the id and how to rate it."""
    return f"answer id {answer_id} (rate it: citebot feedback {answer_id} helpful|wrong)"


@click.command("feedback")
@click.argument("answer_id")
@click.argument("verdict", type=click.Choice(["helpful", "wrong"]))
@click.option("--note", default="", help="What was wrong or missing (kept with the vote).")
@click.option("--json", "as_json", is_flag=True, help="Print the vote as one JSON object.")
@click.pass_context
def feedback_command(ctx: click.Context, answer_id: str, verdict: str, note: str, as_json: bool) -> None:
    """Rate the answer ANSWER_ID (printed by 'citebot ask') as helpful or wrong.

    A second vote on the same answer replaces your first. Answers voted wrong show up in
    'citebot gaps' for moderators.
    """
    bot = library(ctx)
    result = bot.vote(answer_id, verdict, member=f"cli:{bot.settings.ingested_by}", note=note, via="cli")
    if as_json:
        emit_json(result.to_dict())
        return
    from bot.engine.safe_text import terminal_safe

    question = terminal_safe(result.question[:80])
    if result.changed:
        click.echo(f"Changed your vote on {result.answer_id} (\u201c{question}\u201d) from {result.previous} to {verdict}.")
    else:
        click.echo(f"Thanks: {result.answer_id} (\u201c{question}\u201d) recorded as {verdict}.")


def _since(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2024-03-25", param_hint="--since") from None


@click.command("gaps")
@click.option("--since", help="Only questions asked on or after this date (YYYY-MM-DD).")
@click.option("--scope", default=None, help="Source set whose questions to list (default: the configured scope).")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True, help="Most groups listed.")
@click.option("--no-recheck", is_flag=True, help="Do not re-ask the questions against the current sources (faster; no 'answered now').")
@click.option("--purge", is_flag=True, help="Delete every stored question and vote (of --scope, if given) instead of listing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with 'gaps' and 'answered_now' lists.")
@click.pass_context
def gaps_command(ctx: click.Context, since: str | None, scope: str | None, limit: int, no_recheck: bool, purge: bool,
                 as_json: bool) -> None:
    """List questions the sources did not answer or answered wrongly, grouped, newest first.

    \b
    Each row is one question (near-duplicates counted together) with the sources that came
    closest: what to ingest next. Questions that the current sources now answer are listed
    under "Answered now". Stored questions are kept question_retention_days (default 90).
    """
    bot = library(ctx)
    if purge:
        removed = bot.purge_questions(scope=scope)
        if as_json:
            emit_json({"purged": removed})
        else:
            click.echo(f"Removed {removed} stored questions and their votes.")
        return
    report = bot.gaps(since=_since(since), scope=scope, limit=limit, recheck=not no_recheck)
    if as_json:
        emit_json(report.to_dict())
        return
    click.echo(render_gaps(report))


def render_gaps(report) -> str:
    from bot.engine.safe_text import terminal_safe

    def source(s) -> str:
        return terminal_safe(f"{s.outlet or 'no outlet'} \u00b7 {s.title[:70]} ({s.document_id})")

    def group(g, now: bool) -> list[str]:
        why = ", ".join(p for p in (f"abstained {g.abstained}" if g.abstained else "",
                                    f"voted wrong {g.wrong_votes}" if g.wrong_votes else "") if p)
        lines = [f"{g.count:>3}\u00d7  {terminal_safe(g.question)}",
                 f"      last asked {g.newest[:16].replace('T', ' ')} \u00b7 {why} \u00b7 answer id {g.answer_id}"]
        lines += [f"      also asked: {terminal_safe(v)}" for v in g.also_asked]
        label = "now cites" if now else "closest" if g.abstained else "cited"  # a wrong answer's own sources
        for s in (g.now_cites if now else g.closest):
            lines.append(f"      {label}: {source(s)}")
        if not now and not g.closest:
            lines.append("      closest: (no source came near)")
        return lines

    scope = terminal_safe(report.scope)
    if not report.open and not report.answered_now:
        return f"No gaps in scope '{scope}': every recorded question was answered and none was voted wrong."
    out = [f"Gaps in scope '{scope}': {len(report.open)} open, newest first"
           + (f" (since {report.since})" if report.since else "") + ":"]
    for g in report.open:
        out += ["", *group(g, now=False)]
    if report.answered_now:
        out += ["", f"Answered now by the current sources ({len(report.answered_now)}):"]
        for g in report.answered_now:
            out += ["", *group(g, now=True)]
    return "\n".join(out)

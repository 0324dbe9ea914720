"""`citebot show` / `citebot edit`: see exactly what is stored for a source, and correct its metadata.

Parsing and rendering only; the work is in the library (`Citebot.show`, `Citebot.edit`, see
bot/library/records_view.py). Neither command loads the embedding model: an edit rewrites
metadata, never vectors.
"""

from __future__ import annotations

import click

from bot.cli.words import plural

SOURCE_HELP = "Document id (see 'citebot sources'), URL, file path or a unique part of the title."


def _field_lines(view) -> list[str]:
    r = view.record
    return [
        f"{r.document_id}  (scope {r.scope})",
        f"  title      {r.title}",
        f"  outlet     {r.outlet or '-'}",
        f"  author     {r.author or '-'}",
        f"  published  {r.published_at or '-'}",
        f"  url        {r.url or '-'}",
        f"  origin     {r.origin or '-'}",
        f"  tier       {view.tier}",
        f"  ingested   {r.ingested_at[:19] or '-'} by {r.ingested_by or '-'}",
        f"  content    sha256 {r.content_hash[:16]} · {plural(r.chunk_count, 'chunk')} · {len(view.text)} characters",
    ]


@click.command("show")
@click.argument("source")
@click.option("--scope", default=None, help="Source set to look in (default: the configured scope).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: source (metadata, tier), text, sentences.")
@click.pass_context
def show_command(ctx: click.Context, source: str, scope: str | None, as_json: bool) -> None:
    """Show what is stored for SOURCE: its metadata, trust tier and cleaned text.

    \b
    SOURCE: document id, URL, file path or a unique part of the title.
    The text is shown one sentence a line: number, character offsets into the
    cleaned text (what citations' start/end point into), role (headline, byline,
    caption or body) and the sentence. Correct the metadata with 'citebot edit'.
    """
    from bot.cli.common import emit_json, library
    from bot.engine.safe_text import terminal_safe

    view = library(ctx).show(source, scope=scope)
    if as_json:
        emit_json(view.to_dict())
        return
    for line in _field_lines(view):
        click.echo(terminal_safe(line))
    click.echo()
    width = len(str(len(view.text)))
    for s in view.sentences:
        offsets = f"{s.start}-{s.end}"
        click.echo(terminal_safe(f"{s.n:>4}  {offsets:<{2 * width + 1}}  {s.role:<8}  {s.text}"))
    note = "" if view.roles_stored else " (no sentence roles stored: all shown as body)"
    click.echo(f"{len(view.sentences)} sentences{note}.")


@click.command("edit")
@click.argument("source")
@click.option("--title", default=None, help="The corrected title.")
@click.option("--outlet", default=None, help="The corrected outlet name ('' clears it).")
@click.option("--author", default=None, help="The corrected author ('' clears it).")
@click.option("--published", default=None, help="The corrected publication date, YYYY-MM-DD or ISO date-time ('' clears it).")
@click.option("--url", default=None, help="The corrected http(s) address of the article ('' clears it).")
@click.option("--scope", default=None, help="Source set to change (default: the configured scope).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: edited, before, after, changes.")
@click.pass_context
def edit_command(ctx: click.Context, source: str, title: str | None, outlet: str | None, author: str | None,
                 published: str | None, url: str | None, scope: str | None, as_json: bool) -> None:
    """Correct SOURCE's citation metadata, without re-ingesting or re-embedding it.

    \b
    SOURCE: document id, URL, file path or a unique part of the title.
      citebot edit doc-0123456789abcdef --outlet "Harbor Wire" --published 2024-03-23
    Answers cite the new values at once. Each change is written to the audit log
    ('citebot audit': action "edit", old -> new). Re-ingesting a changed version of
    the article later replaces it, with the metadata of that version.
    """
    from bot.cli.common import emit_json, library
    from bot.engine.safe_text import terminal_safe

    edit = library(ctx).edit(source, scope=scope, title=title, outlet=outlet, author=author, published=published, url=url)
    if as_json:
        emit_json({"edited": bool(edit.changes), **edit.to_dict()})
        return
    if not edit.changes:
        click.echo(terminal_safe(f"Nothing to change: {edit.after.document_id} already has those values."))
        return
    click.echo(terminal_safe(f"Edited \u201c{edit.after.title}\u201d ({edit.after.document_id}): {edit.detail()}"))

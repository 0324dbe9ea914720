"""`/show` and `/edit` as Discord pages: a stored article's metadata and its text by sentence.

Like bot/discord/format.py: plain data in, plain dicts out, every limit kept, every piece of
ingested text neutralised (a title or sentence is data, never markup or a mention).
"""

from __future__ import annotations

from bot.discord.format import (
    ANSWER_COLOUR,
    DESCRIPTION_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    Page,
    neutralise,
    safe_url,
    text_page,
    trim,
)

SENTENCE_MAX = 1000  # one sentence line; a longer one (a table, a list) is cut with "…"


def _metadata_lines(view) -> list[str]:
    r = view.record
    lines = [
        f"**Outlet** {neutralise(r.outlet or '-')} · **Author** {neutralise(r.author or '-')}",
        f"**Published** {neutralise(r.published_at or '-')} · **Tier** {neutralise(view.tier)}",
        f"**URL** {safe_url(r.url) if r.url else '-'}",
        f"**Ingested** {neutralise(r.ingested_at[:19] or '-')} by {neutralise(r.ingested_by or '-')}",
        f"**Stored** {r.chunk_count} chunks · {len(view.text)} characters · hash `{r.content_hash[:12]}` · id `{r.document_id}`",
    ]
    if not view.roles_stored:
        lines.append("*No sentence roles stored: every sentence is shown as body.*")
    return [*lines, ""]


def show_pages(view) -> list[Page]:
    """The article's metadata, then one line per sentence (number, offsets, role, text), paged."""
    lines = [
        trim(f"`{s.n:>3}` `{s.start}-{s.end}` {s.role} \u2014 {neutralise(s.text)}", SENTENCE_MAX)
        for s in view.sentences
    ] or ["*No stored text.*"]
    groups: list[list[str]] = [_metadata_lines(view)]
    for line in lines:
        if len("\n".join([*groups[-1], line])) > DESCRIPTION_MAX:
            groups.append([])
        groups[-1].append(line)
    title = trim(f"\u201c{neutralise(view.record.title)}\u201d", TITLE_MAX)
    return [
        Page(embeds=[{
            "title": title, "description": "\n".join(group), "color": ANSWER_COLOUR,
            "footer": {"text": trim(f"Page {i} of {len(groups)} · {len(view.sentences)} sentences", FOOTER_MAX)},
        }])
        for i, group in enumerate(groups, 1)
    ]


def edit_page(edit) -> Page:
    """What `/edit` changed, old -> new, or that nothing needed to."""
    if not edit.changes:
        return text_page(f"Nothing to change: \u201c{edit.after.title}\u201d already has those values.")
    return text_page(f"Edited \u201c{edit.after.title}\u201d (id {edit.after.document_id}): {edit.detail()}")

"""Answers, source lists and audit logs as Discord message payloads, within Discord's limits.

Plain data in, plain dicts out (the embed dicts of Discord's API): no discord.py import, so every
limit and every escape is unit-tested without a client. Two rules shape this module:

- Ingested text is *data*, never markup: a quote or title containing `@everyone`, `<@&role>`,
  `**bold**` or a masked link `[x](y)` is shown literally and can neither ping nor disguise a link.
  (The client also sends `allowed_mentions` none; this is the second lock on the door.)
- Discord rejects a whole message if any limit is exceeded, so long answers are split into pages
  at citation boundaries (each page carrying the sources it cites); the adapter shows the first
  page and a "Show more" button for the rest. A single quote too long for a page is trimmed with "…".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.engine.answer import Answer, Citation, SourceRef
from bot.engine.render import citation_label, freshness_line, source_ref_tier

# Discord's documented limits (https://discord.com/developers/docs/resources/message).
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000

ELLIPSIS = "\u2026"
ZWSP = "\u200b"
ANSWER_COLOUR = 0x2B6CB0
ABSTAIN_COLOUR = 0x718096

_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_ID_MENTION = re.compile(r"<(@[!&]?|#|/[^>]*:)(\d+)>")
_MARKDOWN = re.compile(r"([\\*_~|`\[\]])")  # escaping [ ] is enough to kill masked links
_LINE_START = re.compile(r"^(\s*)([>#-])", re.MULTILINE)  # quotes, headings, lists, -# subtext


def neutralise(text: str) -> str:
    """Make arbitrary text inert in Discord: no mentions, no markdown, no masked links.

    `@everyone` becomes `@\u200beveryone` (renders the same, pings no one); `<@123>`, `<@&123>` and
    `<#123>` get a zero-width space so they stay visible text; markdown characters are escaped.
    """
    text = _defuse_ids(text)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return _MASS_MENTION.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)


def _defuse_ids(text: str) -> str:
    """`<@123>`, `<@&123>`, `<#123>` with a zero-width space: still visible, no longer a mention."""
    return _ID_MENTION.sub(lambda m: f"<{ZWSP}{m.group(1)}{m.group(2)}>", text)


def is_http(url: str | None) -> bool:
    """Whether `url` is an http(s) link (the only links shown as links or fetched from Discord)."""
    return bool(re.match(r"https?://", url or "", re.IGNORECASE))


def safe_url(url: str) -> str:
    """A link shown as a bare URL: only http(s), mentions defused, no markdown wrapping."""
    if not is_http(url):
        return neutralise(url or "")
    return _MASS_MENTION.sub(lambda m: f"%40{m.group(1)}", url).replace(" ", "%20").replace(")", "%29")


def trim(text: str, limit: int) -> str:
    """Cut at a word boundary to at most `limit` characters, ending with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    # Never leave a dangling escape backslash or half a zero-width-protected mention.
    cut = cut.rstrip("\\ " + ZWSP)
    return cut + ELLIPSIS


def _date(value: str) -> str:
    return value[:10] if value else "undated"


def source_line(ref: SourceRef) -> str:
    parts = [neutralise(ref.outlet or "Unknown outlet"), f"\u201c{neutralise(ref.title)}\u201d", _date(ref.published_at)]
    if ref.url:
        parts.append(safe_url(ref.url))
    tier = source_ref_tier(ref)
    if tier:
        parts.append(neutralise(tier))
    return trim(f"[{ref.n}] " + " · ".join(parts), FIELD_VALUE_MAX)


def citation_line(citation: Citation, quote_limit: int | None = None) -> str:
    label = neutralise(citation_label(citation.kind, citation.speaker, citation.outlet, citation.published_at))
    quote = neutralise(citation.quote)
    if quote_limit is not None:
        quote = trim(quote, quote_limit)
    return f"\u2022 **{label}:** \u201c{quote}\u201d **[{citation.n}]**"


@dataclass
class Page:
    """One Discord message: `content` plus embed dicts as Discord's API takes them."""

    content: str = ""
    embeds: list[dict] = field(default_factory=list)


def embed_size(embed: dict) -> int:
    """Characters Discord counts towards the 6000 total of a message's embeds."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    size += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
    return size


def page_problems(page: Page) -> list[str]:
    """Every Discord limit `page` breaks (empty = valid): the specification the tests hold every page to."""
    problems = []
    if len(page.content) > CONTENT_MAX:
        problems.append(f"content {len(page.content)} > {CONTENT_MAX}")
    if len(page.embeds) > 10:
        problems.append("more than 10 embeds")
    if not page.content and not page.embeds:
        problems.append("empty message")
    total = 0
    for e in page.embeds:
        total += embed_size(e)
        if len(e.get("title", "")) > TITLE_MAX:
            problems.append("embed title too long")
        if len(e.get("description", "")) > DESCRIPTION_MAX:
            problems.append("embed description too long")
        if len(e.get("footer", {}).get("text", "")) > FOOTER_MAX:
            problems.append("embed footer too long")
        fields = e.get("fields", [])
        if len(fields) > FIELDS_MAX:
            problems.append("too many embed fields")
        for f in fields:
            if not f.get("name") or not f.get("value"):
                problems.append("empty embed field")
            if len(f.get("name", "")) > FIELD_NAME_MAX or len(f.get("value", "")) > FIELD_VALUE_MAX:
                problems.append("embed field too long")
    if total > EMBED_TOTAL_MAX:
        problems.append(f"embeds total {total} > {EMBED_TOTAL_MAX}")
    return problems


def _pack_fields(name: str, lines: Sequence[str]) -> list[dict]:
    """Lines grouped into fields of at most FIELD_VALUE_MAX characters, never splitting a line."""
    fields: list[dict] = []
    current: list[str] = []
    for line in lines:
        if current and len("\n".join(current + [line])) > FIELD_VALUE_MAX:
            fields.append({"name": name if not fields else f"{name} (cont.)", "value": "\n".join(current)})
            current = []
        current.append(line)
    if current:
        fields.append({"name": name if not fields else f"{name} (cont.)", "value": "\n".join(current)})
    return fields


def _answer_embed(title: str, lines: list[str], refs: list[SourceRef], colour: int) -> dict:
    embed: dict = {"title": trim(neutralise(title), TITLE_MAX), "description": "\n".join(lines), "color": colour}
    fields = _pack_fields("Sources", [source_line(r) for r in refs])
    if fields:
        embed["fields"] = fields
    return embed


def _fits(embed: dict, footer_reserve: int) -> bool:
    return (
        len(embed["description"]) <= DESCRIPTION_MAX
        and len(embed.get("fields", [])) <= FIELDS_MAX
        and embed_size(embed) + footer_reserve <= EMBED_TOTAL_MAX
    )


_FOOTER_RESERVE = 60  # room for "Part 12 of 12 · press Show more for the rest"


def answer_pages(answer: Answer) -> list[Page]:
    """The answer as one or more valid messages; page 1 is sent, the rest behind "Show more"."""
    if answer.abstained:
        return [abstention_page(answer)]
    by_n = {r.n: r for r in answer.sources}
    groups: list[tuple[list[str], list[SourceRef]]] = []
    lines: list[str] = []
    refs: list[SourceRef] = []
    for citation in answer.citations:
        ref = by_n.get(citation.n)
        new_refs = refs + ([ref] if ref is not None and ref not in refs else [])
        line = citation_line(citation)
        candidate = _answer_embed(answer.headline, lines + [line], new_refs, ANSWER_COLOUR)
        if lines and not _fits(candidate, _FOOTER_RESERVE):
            groups.append((lines, refs))
            lines, refs = [], []
            new_refs = [ref] if ref is not None else []
            candidate = _answer_embed(answer.headline, [line], new_refs, ANSWER_COLOUR)
        if not lines and not _fits(candidate, _FOOTER_RESERVE):
            # One quote alone is too long for a message: trim it to what is left.
            sources_size = embed_size(_answer_embed(answer.headline, [], new_refs, ANSWER_COLOUR))
            room = min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - _FOOTER_RESERVE - sources_size) - 80
            line = citation_line(citation, quote_limit=max(room, 100))
        lines.append(line)
        refs = new_refs
    if lines:
        groups.append((lines, refs))
    stale = freshness_line(answer)
    if stale and groups:  # under the last quote, as the terminal shows it; on a page of its own if that one is full
        note = ["", neutralise(stale)]
        last_lines, last_refs = groups[-1]
        if _fits(_answer_embed(answer.headline, last_lines + note, last_refs, ANSWER_COLOUR), _FOOTER_RESERVE):
            groups[-1] = (last_lines + note, last_refs)
        else:
            groups.append((note[1:], []))
    pages = []
    for i, (group_lines, group_refs) in enumerate(groups, 1):
        embed = _answer_embed(answer.headline, group_lines, sorted(group_refs, key=lambda r: r.n), ANSWER_COLOUR)
        if len(groups) > 1:
            more = " · press Show more for the rest" if i < len(groups) else ""
            embed["footer"] = {"text": f"Part {i} of {len(groups)}{more}"}
        pages.append(Page(embeds=[embed]))
    return pages


def abstention_page(answer: Answer) -> Page:
    """An explicit abstention that names the nearest sources, so the member knows where to look."""
    if not answer.closest:
        description = "No sources have been ingested that relate to this."
        return Page(embeds=[{"title": answer.headline, "description": description, "color": ABSTAIN_COLOUR}])
    embed = {"title": answer.headline, "description": "Closest sources:", "color": ABSTAIN_COLOUR}
    embed["fields"] = _pack_fields("Nearest sources", [source_line(r) for r in answer.closest])[:FIELDS_MAX]
    return Page(embeds=[embed])


_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_SOURCES_HEADING = "\n\nSources\n"


def _inert(text: str) -> str:
    """`neutralise` for rendered text that holds bare source links: links stay clickable, the rest is inert."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [neutralise(text[last:m.start()]), _defuse_ids(safe_url(m.group()))]
        last = m.end()
    return "".join(out + [neutralise(text[last:])])


def synthesis_page(text: str) -> Page:
    """A streamed synthesis-mode text (partial or final) as one plain message within 2000 characters.

    The text mixes model sentences and source metadata, both untrusted, so it is made inert like
    every other answer. A final text too long for one message keeps its Sources list (the
    citations must stay resolvable) and loses the end of the sentences, marked with "…".
    """
    head, sep, sources = text.partition(_SOURCES_HEADING)
    body = _inert(head)
    tail = sep + "\n".join(_inert(line) for line in sources.split("\n")) if sep else ""
    if len(body) + len(tail) > CONTENT_MAX:
        tail = trim(tail, CONTENT_MAX // 2)
        body = trim(body, CONTENT_MAX - len(tail))
    return Page(content=trim(body + tail, CONTENT_MAX))


def text_page(message: str) -> Page:
    """A one-line notice (an error, a refusal): neutralised and within the content limit."""
    return Page(content=trim(neutralise(message), CONTENT_MAX))


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def sources_pages(records: Sequence, per_page: int = 10) -> list[Page]:
    """`/sources`: ingested documents, `per_page` per page, each with outlet, title, date, chunks, link."""
    if not records:
        return [Page(embeds=[{"title": "Sources", "description": "No sources have been ingested yet.", "color": ABSTAIN_COLOUR}])]
    total_chunks = sum(r.chunk_count for r in records)
    groups = _chunks(list(records), per_page)
    pages = []
    for i, group in enumerate(groups, 1):
        lines = []
        for r in group:
            head = f"**{neutralise(r.outlet or 'Unknown outlet')}** · \u201c{neutralise(r.title)}\u201d · {_date(r.published_at)}"
            tail = f"{r.chunk_count} chunks · id `{r.document_id}`" + (f" · {safe_url(r.url)}" if r.url else "")
            lines.append(trim(f"{head}\n{tail}", DESCRIPTION_MAX // per_page - 1))
        embed = {
            "title": f"Sources ({len(records)} documents, {total_chunks} chunks)",
            "description": "\n".join(lines),
            "color": ANSWER_COLOUR,
            "footer": {"text": f"Page {i} of {len(groups)}"},
        }
        pages.append(Page(embeds=[embed]))
    return pages


def audit_page(entries: Sequence) -> Page:
    """`/audit`: recent ingests, removals, edits — when, who, what, content hash (or what changed)."""
    if not entries:
        return Page(embeds=[{"title": "Audit log", "description": "Nothing has been ingested or removed yet.", "color": ABSTAIN_COLOUR}])
    lines = []
    for e in entries:
        what = f"`{e.content_hash[:12]}`" if e.content_hash else neutralise(e.detail)  # an edit or trust change says what changed
        line = trim(f"`{e.at[:19]}` **{e.action}** {neutralise(e.title)} · by {neutralise(e.actor)} · {what}", 400)
        if len("\n".join(lines + [line])) > DESCRIPTION_MAX:
            break
        lines.append(line)
    return Page(embeds=[{"title": f"Audit log (latest {len(lines)})", "description": "\n".join(lines), "color": ANSWER_COLOUR}])


def ingest_report_page(report) -> Page:
    """What `/ingest` did, item by item: added/updated (title, outlet, chunks) or exactly why not."""
    lines = []
    for item in report.items:
        if item.status == "failed":
            lines.append(f"\u274c Not ingested: {neutralise(item.error)}")
        elif item.status == "duplicate":
            lines.append(f"\u2796 Skipped \u201c{neutralise(item.title)}\u201d: {neutralise(item.error)}")
        elif item.status == "unchanged":
            lines.append(f"\u2796 Already ingested, unchanged: \u201c{neutralise(item.title)}\u201d ({item.chunks} chunks)")
        else:
            lines.append(
                f"\u2705 {item.status.capitalize()}: \u201c{neutralise(item.title)}\u201d "
                f"({neutralise(item.outlet or 'no outlet')}, {item.chunks} chunks, hash `{item.content_hash[:12]}`)"
            )
    lines += [f"\u26a0\ufe0f {neutralise(w)}" for w in report.warnings]
    text = "\n".join(trim(line, 500) for line in lines) or "Nothing to ingest."
    return Page(content=trim(text, CONTENT_MAX))

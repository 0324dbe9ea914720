"""Article structure: which parts of a cleaned text are the story, and which are its furniture.

A pasted or scraped article is more than its body: a headline, a byline, a dateline, photo captions
with their credits, key-point bullets, and trailers ("Read the original article on…", "Sign up
for…"). Only the body is what the outlet reports; an answer that quotes a credit or a newsletter
prompt as evidence is wrong, and a caption or a key point only restates the body, so the answer
engine should quote one only when the body says nothing of the kind.

`recognise` gives every part of the text a role, as `segments`: `(start, end, role)` offsets into
the text, sorted, not overlapping, each `text[start:end]` with no surrounding whitespace. Every
character of the text lies in a segment except whitespace and the list marker of a bullet ("• ").
Roles:

    body      the story: quotable
    caption   a photo caption: quotable only when no body sentence says the same (FALLBACK_ROLES)
    keypoint  a summary bullet above the story, or under "Key points:", or a standfirst (an
              unpunctuated line under the headline): likewise a fallback
    headline, byline, dateline     kept in the text (they help retrieval), never quoted
    heading   a "Key points:" or "Highlights" label above a list: kept, never quoted (other short
              lines stay body: in real feeds they are as often facts, "X joins Y for $20m", as subheads)
    credit, trailer                       never quoted, and removed from stored text

Credits and trailers are *removed* at ingest (`without_unquotable`) rather than kept with a role:
they are not part of the article, so a quote can then never contain one whatever the engine does
with roles (including stores and engines that predate roles), and they no longer pull unrelated
questions ("subscribe", "Getty") toward a chunk. What they name (the outlet in "Read the original
article on X" or "© 2025 X") is read first, as metadata. A text that was not ingested this way
(e.g. a `SourceDocument` built by hand) can still be recognised: its credits and trailers keep
their roles instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ingest import chrome, dates, lines, mastheads, page_paste
from ingest.text import split_span

Segment = tuple[int, int, str]

ROLES = ("body", "caption", "keypoint", "headline", "byline", "dateline", "heading", "credit", "trailer")
QUOTABLE_ROLES = frozenset({"body", "caption", "keypoint"})
FALLBACK_ROLES = frozenset({"caption", "keypoint"})  # quotable only when no body sentence says the same
REMOVED_ROLES = frozenset({"credit", "trailer"})  # dropped from ingested text by `without_unquotable`

_LINE = re.compile(r"[^\n]+")
_NO_HEADLINE_END = re.compile(r"[.,;:…!?][\"'”’)\]»]*$")


@dataclass(frozen=True)
class Structure:
    """A text, the role of each of its parts, and the citation fields its furniture names."""

    text: str
    segments: tuple[Segment, ...]
    title: str = ""
    author: str = ""
    outlet: str = ""
    published_at: str = ""


class _Recogniser:
    """One pass over the lines of a cleaned text; state is what the lines above have shown."""

    def __init__(self, text: str, title: str = "") -> None:
        self.text = text
        self.known_title = " ".join(title.split())  # a headline the format gave (a page's <h1> or meta)
        self.segments: list[list] = []  # [start, end, role], mutable so a caption can be marked late
        self.body_lines = 0  # 0 while in the header zone (above the story)
        self.list_role = ""  # "keypoint" under "Key points:", "trailer" under "Related:", "topics" under "Explore more on these topics"
        self.title = self.author = ""
        self.outlets: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        self.previous: tuple[int, int, bool, int] | None = None  # line start, end, block-first, segment index
        self.header_bylines: set[str] = set()  # a page's running header repeats them further down

    def add(self, start: int, end: int, role: str) -> None:
        self.segments.append([start, end, role])
        if role == "body":
            self.body_lines += 1

    def run(self) -> Structure:
        previous_end = -2
        found = list(_LINE.finditer(self.text))
        # a whole page pasted from a browser: the story lies between its header and its footer
        bounds = page_paste.story_bounds([m.group() for m in found])
        for index, match in enumerate(found):
            start, end = match.span()
            block_first = start != previous_end + 1
            previous_end = end
            first_segment = len(self.segments)
            if bounds and not bounds[0] <= index < bounds[1]:
                self.page_line(match.group(), start, end, below=index >= bounds[1])
                continue
            self.line(match.group(), start, end, block_first)
            self.previous = (start, end, block_first, first_segment)
        outlet = next((self.outlets[k] for k in ("trailer", "byline", "copyright", "masthead", "dateline", "credit", "owner") if self.outlets.get(k)), "")
        published = next((self.dates[k] for k in ("byline", "published", "updated", "dateline") if self.dates.get(k)), "")
        return Structure(self.text, tuple((s, e, r) for s, e, r in self.segments), self.title, self.author, outlet, published)

    def line(self, line: str, start: int, end: int, block_first: bool) -> None:
        header = self.body_lines == 0
        bullet = lines.BULLET.match(line)
        if bullet and bullet.end() < len(line):
            content = line[bullet.end():]
            if self.list_role == "trailer" or lines.trailer(content):
                role = "trailer"
            else:
                role = "keypoint" if self.list_role == "keypoint" or header else "body"
            self.add(start + bullet.end(), end, role)
            return
        if self.list_role == "topics" and len(line) <= 200 and not lines.TERMINAL_END.search(line):
            self.add(start, end, "trailer")  # "Explore more on these topics" / "Ferries"; "Top stories" / a headline
            return
        if (self.list_role == "keypoint" and len(line) <= 200 and not lines.TERMINAL_END.search(line)
                and not lines.is_structural(line)):
            self.add(start, end, "keypoint")  # "Key points" / "Level 4 restrictions start on July 15": a paste lost the bullets
            return
        if self.list_role == "caption" and not lines.trailer(line) and not lines.is_credit_line(line):
            self.list_role = ""
            self.add(start, end, "caption")  # the line under an "Image caption," label
            return
        self.list_role = ""
        if header and not self.title and chrome.is_navigation(line, at_top=True):
            self.add(start, end, "trailer")  # the menu above the headline: "Home", "News", "Sport"
            return
        label = chrome.caption_label(line)
        if 0 < label < len(line):  # "Image caption, Crowds at the gate": the label, then the caption
            self.add(start, start + len(line[:label].rstrip()), "heading")
            self.add(start + label, end, "caption")
            return
        if label > 0:
            self.list_role = "caption"
            self.add(start, end, "trailer")
            return
        if not header and line in self.header_bylines:  # "THE GAZETTE | Court & Council | www…" atop page 2
            self.add(start, end, "byline")
            return
        found = lines.trailer(line)
        if found:
            self.note_trailer(found)
            self.list_role = "trailer" if found.opens_list else "topics" if found.opens_tags else ""
            self.add(start, end, "trailer")
            return
        if lines.is_credit_line(line):
            self.mark_caption_above(block_first)
            self.add_credit(line, start, end)
            return
        if self.byline_or_date(line, start, end, header):
            return
        if lines.is_key_points_header(line):
            self.list_role = "keypoint"
            self.add(start, end, "heading")
            return
        credit = lines.credit_tail(line)
        if credit >= 0:
            self.mark_caption_above(block_first)
            self.add(start, start + len(line[:credit].rstrip()), "caption")
            self.add_credit(line[credit:], start + credit, end)
            return
        after_byline = bool(self.segments) and self.segments[-1][2] == "byline"
        if header and after_byline and not lines.is_job_line(line) and (outlet := lines.outlet_line(line)):
            self.outlets.setdefault("byline", outlet)  # "By Jane Roe, Reporter\nThe Outlet"
            self.add(start, end, "byline")
            return
        if self.title and (header or self.under_standfirst()) and self.name_or_job(line, start, end):
            return
        if header and self.known_title and line == self.known_title and self.title != line:
            for segment in self.segments:  # what was taken for the headline is a kicker or section label
                if segment[2] == "headline":
                    segment[2] = "heading"
            self.title = line
            self.add(start, end, "headline")
            return
        first = start == 0 or (not self.title and bool(self.segments)
                               and all(seg[2] in ("byline", "trailer") for seg in self.segments))
        if first and end < len(self.text) and _headline_shaped(line):  # a date line may sit above it
            self.title = line
            self.add(start, end, "headline")
            return
        if header and self.segments and self.segments[-1][2] == "headline" and _headline_shaped(line):
            self.add(start, end, "keypoint")  # a standfirst under the headline sums the story up
            return
        if header or after_byline:  # a subhead may sit above the byline
            cut, source = lines.dateline(line)
            if cut > 0:
                self.outlets.setdefault("dateline", lines.outlet_name(source))
                if iso := dates.parse_date(line[:cut])[0]:
                    self.dates.setdefault("dateline", iso)
                self.add(start, start + cut, "dateline")
                start += cut + len(line[cut:]) - len(line[cut:].lstrip())
        self.add(start, end, "body")

    def page_line(self, line: str, start: int, end: int, *, below: bool) -> None:
        """A line of the page around the story: a trailer, whose credit or copyright below the
        story still names the writer or the outlet ("(Reporting by Lucy Brannan …)", "© 2026 X")."""
        found = lines.trailer(line) if below else None
        if found:
            self.note_trailer(found)
        elif not below and not chrome.is_chrome(line) and (name := mastheads.masthead(line)):
            self.outlets.setdefault("masthead", name)  # "Murrumbong Examiner" above the headline
        self.add(start, end, "trailer")

    def note_trailer(self, found: lines.Trailer) -> None:
        """What a trailer names: the writer of a reporting credit, the outlet of a copyright line,
        a credit or a "Read the original article on X"."""
        self.author = self.author or found.author
        if found.outlet:
            # a company's copyright ("© 2026 Cascadia Broadcast Group") names the owner, not the masthead
            kind = ("owner" if mastheads.is_company(found.outlet) else "copyright") if found.copyright else "byline" if found.author else "trailer"
            self.outlets.setdefault(kind, found.outlet)

    def add_credit(self, credit: str, start: int, end: int) -> None:
        if outlet := lines.credit_outlet(credit):
            self.outlets.setdefault("credit", outlet)
        self.add(start, end, "credit")

    def byline_or_date(self, line: str, start: int, end: int, header: bool) -> bool:
        byline = lines.parse_byline(line, header=header)
        if byline:
            self.author = self.author or byline.author
            if byline.outlet:
                self.outlets.setdefault("byline", byline.outlet)
            if byline.published_at:
                self.dates.setdefault("byline", byline.published_at)
        else:
            kind, iso = dates.date_line(line, bare=header)
            if not iso:
                numeric, iso = dates.numeric_date_line(line) if header else (False, "")
                if not numeric:
                    return False
                kind = "published"
            if iso:
                self.dates.setdefault(kind, iso)
        self.add(start, end, "byline")
        if header:
            self.header_bylines.add(line)
        return True

    def under_standfirst(self) -> bool:
        """Just below the headline and one finished line under it (a post's subtitle)."""
        return self.body_lines == 1 and len(self.segments) >= 2 and self.segments[-2][2] == "headline"

    def name_or_job(self, line: str, start: int, end: int) -> bool:
        """Under the headline, a line that is only a name is the writer's byline ("Rosalind
        Achebe" above the date), and a job title under a byline is part of it ("Midlands
        correspondent")."""
        after_byline = bool(self.segments) and self.segments[-1][2] == "byline"
        if lines.is_name_line(line):
            self.author = self.author or line
        elif not (after_byline and lines.is_job_line(line)):
            return False
        self.add(start, end, "byline")
        return True

    def mark_caption_above(self, block_first: bool) -> None:
        """A credit also covers the line just above it in its paragraph, when that line opens the
        paragraph and reads as a caption (a short finished sentence): "Boats at the quay.\\nAP Photo/…"."""
        if block_first or self.previous is None:
            return
        start, end, previous_first, index = self.previous
        if (previous_first and len(self.segments) == index + 1 and self.segments[index][2] == "body"
                and self.segments[index][0] == start and end - start <= 300
                and lines.TERMINAL_END.search(self.text[start:end])):
            self.segments[index][2] = "caption"
            self.body_lines -= 1


def _headline_shaped(line: str) -> bool:
    """A first line, short, without final punctuation (even a question mark: a first line that asks
    is as often the story's opening question as a headline, and the body is the safer guess)."""
    return (len(line) <= 200 and len(line.split()) >= 2 and not _NO_HEADLINE_END.search(line)
            and not line[0].islower() and lines.dateline(line)[0] < 0)


def recognise(text: str, title: str = "") -> Structure:
    """The roles of the parts of a cleaned text (see the module docstring), nothing removed; a
    `title` the format gave marks the line that repeats it as the headline."""
    return _Recogniser(text, title).run()


def without_unquotable(structure: Structure) -> Structure:
    """The same structure with credit and trailer segments cut out of the text (see module docs).

    Credits and trailers are whole lines, or the end of a caption line, so the text left is whole
    lines: lines stay lines, paragraphs stay paragraphs, and the kept segments move with their text.
    """
    if not any(role in REMOVED_ROLES for _, _, role in structure.segments):
        return structure
    text, segments = structure.text, structure.segments
    pieces: list[str] = []
    kept: list[Segment] = []
    length, last_end, i = 0, -1, 0
    for match in _LINE.finditer(text):
        line_start, line_end = match.span()
        in_line = []
        while i < len(segments) and segments[i][0] < line_end:
            in_line.append(segments[i])
            i += 1
        keep = [seg for seg in in_line if seg[2] not in REMOVED_ROLES]
        if not keep:
            continue
        if pieces:
            separator = "\n\n" if "\n\n" in text[last_end:line_start] else "\n"
            pieces.append(separator)
            length += len(separator)
        shift = length - line_start
        cut = max(e for _, e, _ in keep)
        pieces.append(text[line_start:cut])
        length += cut - line_start
        kept.extend((s + shift, e + shift, role) for s, e, role in keep)
        last_end = line_end
    return Structure("".join(pieces), tuple(kept), structure.title, structure.author, structure.outlet,
                     structure.published_at)


def role_at(segments: tuple[Segment, ...] | list[Segment], offset: int) -> str | None:
    """The role of the segment holding character `offset` (e.g. a sentence's start), or None
    between segments (whitespace, a bullet's marker)."""
    index = bisect_right(segments, (offset, float("inf"), "")) - 1
    if index >= 0 and segments[index][0] <= offset < segments[index][1]:
        return segments[index][2]
    return None


def sentences_with_roles(text: str, segments: tuple[Segment, ...] | list[Segment]) -> list[Segment]:
    """Sentences of `text` as `(start, end, role)`, none crossing a segment boundary.

    Body, caption and key-point segments are split by pysbd; the other roles are one unit each (a
    byline or a credit is not prose, and skipping pysbd for them saves time)."""
    spans: list[Segment] = []
    for start, end, role in segments:
        if role in QUOTABLE_ROLES:
            spans.extend((s, e, role) for s, e in split_span(text, start, end))
        else:
            spans.append((start, end, role))
    return spans


_CODES = {"body": "b", "caption": "c", "keypoint": "k", "headline": "H", "byline": "y", "dateline": "d",
          "heading": "g", "credit": "C", "trailer": "t"}
_ROLE_OF = {code: role for role, code in _CODES.items()}


def encode_roles(roles: tuple[str, ...] | list[str]) -> str:
    """Sentence roles as one letter each ("bbcck…"), compact enough for a chunk's stored metadata."""
    return "".join(_CODES.get(role, "b") for role in roles)


def decode_roles(encoded: str, count: int) -> tuple[str, ...] | None:
    """The roles `encode_roles` wrote, or None when they do not fit `count` sentences (then treat
    every sentence as body, as before roles were stored)."""
    if len(encoded) != count or any(code not in _ROLE_OF for code in encoded):
        return None
    return tuple(_ROLE_OF[code] for code in encoded)


def structured_document(text: str, *, origin: str, fallback_title: str, empty_hint: str = "", **fields: str):
    """A `SourceDocument` from cleaned text: structure recognised, credits and trailers removed,
    and the headline, byline and trailers filling whichever citation fields the format left empty
    (front matter, HTML meta tags, JSON fields and feed entries always win)."""
    from ingest.document import SourceDocument
    from ingest.errors import EmptySource

    found = without_unquotable(recognise(text, fields.get("title", "")))
    if not found.text.strip():
        raise EmptySource("has no readable text" + (f" ({empty_hint})" if empty_hint else ""), source=origin)
    given = {key: value for key, value in fields.items() if value}
    first_line = found.text.split("\n", 1)[0].strip()
    given.setdefault("title", found.title or (first_line[:120] if len(first_line) <= 200 else fallback_title))
    for key in ("author", "outlet", "published_at"):
        if getattr(found, key):
            given.setdefault(key, getattr(found, key))
    extra = given.pop("extra", None) or {}
    return SourceDocument(text=found.text, origin=origin, segments=found.segments, extra=extra, **given)

"""RSS/Atom feeds: each entry becomes an article.

A newsroom usually trusts an outlet's feed rather than single links. Entries carry title, author,
date and link; the text is the entry's full content when the feed includes it, else the linked
page (fetched with the same SSRF-safe policy as any URL) or, failing that, the entry's summary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest.document import SourceDocument
from ingest.errors import EmptySource, MalformedSource
from ingest.text import clean_text

FEED_CONTENT_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL)


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    """True for RSS/Atom/RDF documents, by content type or by their root element."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    return content_type in FEED_CONTENT_TYPES[:2] or bool(_FEED_START.match(head))


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    author: str
    published_at: str
    text: str  # entry content or summary as clean text ("" when the feed has none)
    outlet: str


def _html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return clean_text(fragment)
    import lxml.html

    try:
        root = lxml.html.fromstring(fragment)
    except (ValueError, lxml.etree.ParserError):
        return clean_text(re.sub(r"<[^>]+>", " ", fragment))
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    # list items keep a bullet, so key points stay key points; captions are their own blocks
    blocks = [("• " if el.tag == "li" else "") + clean_text(el.text_content())
              for el in root.iter("p", "li", "blockquote", "h2", "h3", "figcaption")]
    text = "\n\n".join(b for b in blocks if b.strip("• "))
    return text or clean_text(root.text_content())


def _date(entry) -> str:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc).isoformat()
    return ""


_SECTION = re.compile(r"\s+[-–—|>]\s+|:\s+")


def feed_outlet(title: str) -> str:
    """The outlet a feed's title names: channels are titled "<outlet> - <section>" ("The Riverside
    Chronicle - Latest news", "Kestrel Post | Business"), and a citation names the outlet."""
    name = title.strip()
    return _SECTION.split(name, maxsplit=1)[0].strip() or name


def parse_feed(data: bytes, *, origin: str) -> list[FeedEntry]:
    import feedparser

    from ingest.formats import is_http_url  # formats imports yaml; only feeds need it here

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo"):
            raise MalformedSource("is not a readable RSS/Atom feed", source=origin)
        raise EmptySource("is a feed with no entries", source=origin)
    outlet = feed_outlet(parsed.feed.get("title") or "")
    entries = []
    for e in parsed.entries:
        content = ""
        if e.get("content"):
            content = max((c.get("value", "") for c in e.content), key=len)
        text = _html_to_text(content or e.get("summary", ""))
        link = (e.get("link") or "").strip()
        entries.append(FeedEntry(
            # a citation links to the entry's page: a 'javascript:' or relative link is dropped, as
            # front-matter URLs are refused, and the entry is cited by its feed instead
            title=(e.get("title") or "").strip(), link=link if is_http_url(link) else "",
            author=(e.get("author") or "").strip(), published_at=_date(e), text=text, outlet=outlet,
        ))
    return entries


def entry_document(entry: FeedEntry, *, origin: str) -> SourceDocument:
    """The entry's own text as an article (used when there is no link to follow, or it failed)."""
    if not entry.text:
        raise EmptySource("feed entry has no text and its link could not be read", source=entry.link or origin)
    from ingest.structure import structured_document

    return structured_document(
        entry.text, origin=entry.link or origin, fallback_title=entry.text[:80], title=entry.title,
        outlet=entry.outlet, author=entry.author, published_at=entry.published_at, url=entry.link,
    )


def with_feed_metadata(document: SourceDocument, entry: FeedEntry) -> SourceDocument:
    """A linked article keeps the feed's outlet, author and date where the page lacked them."""
    from dataclasses import replace

    return replace(
        document,
        title=document.title or entry.title,
        outlet=document.outlet or entry.outlet,
        author=document.author or entry.author,
        published_at=document.published_at or entry.published_at,
        url=entry.link or document.url,
    )

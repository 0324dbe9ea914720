"""Parse raw bytes of one format into a `SourceDocument`.

Each parser receives bytes (from disk, an upload or a download) so that files, Discord
attachments and URLs share one code path and one set of checks.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace

import yaml

from ingest.document import SourceDocument
from ingest.errors import EmptySource, MalformedSource, SourceTooLarge, UnsupportedSource
from ingest.lines import author_without_roles
from ingest.markdown import markdown_title, markdown_to_text
from ingest.structure import structured_document
from ingest.text import clean_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
JSONL_SUFFIXES = {".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | JSONL_SUFFIXES

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
# Front-matter keys we accept, mapped to SourceDocument fields.
_KEY_ALIASES = {
    "title": "title",
    "outlet": "outlet",
    "source": "outlet",
    "publisher": "outlet",
    "author": "author",
    "byline": "author",
    "published": "published_at",
    "published_at": "published_at",
    "date": "published_at",
    "url": "url",
    "link": "url",
}


def decode_text(data: bytes, *, origin: str) -> str:
    """Decode bytes as text, refusing binary data and guessing legacy encodings.

    UTF-8 (with or without BOM) is tried first; otherwise charset-normalizer guesses, and when it
    cannot, the user is told to convert the file.
    """
    _refuse_known_binary(data, origin)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise MalformedSource(
            "looks like a binary file, not text; check the file or its extension", source=origin
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _guess_decode(data, origin)
    if _looks_binary(text):
        raise MalformedSource("looks like a binary file, not text; check the file or its extension", source=origin)
    return text


def _guess_decode(data: bytes, origin: str) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise MalformedSource(
            "is not valid UTF-8 and its encoding could not be detected; save it as UTF-8",
            source=origin,
        )
    # On short texts the detector cannot tell Western code pages apart ('café' vs 'cafť'); Windows-1252
    # is by far the most common legacy encoding of news text (and the web's default), so it wins ties.
    best = min(matches, key=lambda m: m.chaos)
    western = next((m for m in matches if m.encoding == "cp1252" and m.chaos <= best.chaos + 0.02), None)
    return str(western or best)


_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "gzip-compressed", b"%PDF-": "a PDF", b"\x7fELF": "a program",
    b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive", b"\xd0\xcf\x11\xe0": "an Office document",
}


def _refuse_known_binary(data: bytes, origin: str) -> None:
    """A file whose first bytes say 'image', 'archive' or 'PDF' is refused by name, not decoded."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise MalformedSource(
                f"is {kind}, not text; check the file or give it the right extension", source=origin
            )


def _looks_binary(text: str) -> bool:
    """Text with many control characters is a binary file that happened to decode."""
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\x0c")
    return controls > max(4, len(text) // 100)


def _normalise_date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() if value else ""


def _metadata_from(mapping: dict, *, origin: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in mapping.items():
        target = _KEY_ALIASES.get(str(key).lower())
        if target and value not in (None, ""):
            fields[target] = _normalise_date(value) if target == "published_at" else str(value).strip()
    if "url" in fields and not is_http_url(fields["url"]):
        # A citation links to the source's own page; 'javascript:' or 'file:' links are never stored.
        raise MalformedSource(
            f"has url '{fields['url'][:80]}', which is not an http(s) address; fix or remove it", source=origin
        )
    return fields


def is_http_url(url: str) -> bool:
    """True for a plain http(s) URL with a host: the only links citebot stores or shows."""
    from urllib.parse import urlsplit

    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def parse_text(data: bytes, *, origin: str, name: str) -> SourceDocument:
    """Plain text or Markdown, with optional YAML front matter for the citation fields."""
    raw = decode_text(data, origin=origin)
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if match:
        try:
            loaded = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as err:
            raise MalformedSource(f"has invalid front matter ({err.problem})", source=origin) from None
        if not isinstance(loaded, dict):
            raise MalformedSource("front matter must be 'key: value' lines", source=origin)
        meta = _metadata_from(loaded, origin=origin)
        raw = raw.lstrip("\ufeff")[match.end():]
    body = raw
    if name.lower().endswith((".md", ".markdown")):
        if title := markdown_title(body):
            meta.setdefault("title", title)
        body = markdown_to_text(body)
    return structured_document(clean_text(body), origin=origin, fallback_title=name, **meta)


def parse_html(data: bytes | str, *, origin: str, url: str = "") -> SourceDocument:
    """Main article text and metadata of an HTML page, via trafilatura (boilerplate removed)."""
    import trafilatura

    html = data if isinstance(data, str) else decode_text(data, origin=origin)
    try:
        extracted = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as err:  # trafilatura raises assorted lxml errors on broken markup
        raise MalformedSource(f"could not be parsed as HTML ({type(err).__name__})", source=origin) from None
    if extracted is None or not (extracted.text or "").strip():
        raise EmptySource(
            "has no article text that could be extracted (pages that are only scripts, images or "
            "very deeply nested markup cannot be read); save the article text as .txt instead",
            source=origin,
        )
    # trafilatura ends each block (paragraph, list item, caption) with one newline: a paragraph each
    text = clean_text(extracted.text.replace("\n", "\n\n"))
    title, title_outlet = _split_site_title((extracted.title or "").strip(), html)
    # trafilatura repeats the headline as the first line of the text; drop it once.
    if title and text.startswith(title + "\n\n"):
        text = text[len(title) + 2:]
    sitename = (extracted.sitename or "").strip()
    document = structured_document(
        text, origin=origin, fallback_title=origin, title=title,
        outlet="" if _DOMAIN_LIKE.fullmatch(sitename) else sitename,
        author=author_without_roles(extracted.author or ""), published_at=(extracted.date or "").strip(),
        url=url or (extracted.url if is_http_url(extracted.url or "") else ""),
    )
    if not document.outlet:
        outlet = title_outlet or _logo_outlet(html) or _copyright_outlet(html) or sitename
        document = replace(document, outlet=outlet)
    return document


# Without og:site_name, trafilatura names a page's site after its domain ("harborwire.example");
# the page itself usually names it better: "<title>Headline | Outlet</title>", the logo's alt text,
# the "© 2025 Outlet" footer (which trafilatura drops with the boilerplate). The domain is the last resort.
_DOMAIN_LIKE = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||–|—|·|-|::)\s+")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_HTML_COPYRIGHT = re.compile(r"(?:©|&copy;|&#169;|&#xa9;)[^<]{0,160}", re.IGNORECASE)


def _split_site_title(title: str, html: str) -> tuple[str, str]:
    """(headline, outlet) from "Headline | Outlet" in the page's <title> (and in `title`, if it is that)."""
    import html as html_lib

    from ingest.lines import outlet_name

    tag = _TITLE_TAG.search(html[:200_000])
    page_title = " ".join(html_lib.unescape(tag.group(1)).split()) if tag else ""
    parts = _TITLE_SEPARATOR.split(page_title)
    if len(parts) < 2:
        return title, ""
    outlet = parts[-1].strip()
    if len(outlet.split()) > 6 or outlet_name(outlet) != outlet or outlet.casefold() == (title or parts[0]).casefold():
        return title, ""
    suffix = re.compile(_TITLE_SEPARATOR.pattern + re.escape(outlet) + "$")
    return suffix.sub("", title) or title, outlet


def _logo_outlet(html: str) -> str:
    """The alt text of the site's logo image ("The Harbor Wire logo" -> "The Harbor Wire")."""
    import html as html_lib

    from ingest.lines import outlet_name

    for tag in _IMG.findall(html[:200_000]):
        alt = _ALT.search(tag)
        if alt and "logo" in tag.lower():
            name = re.sub(r"(?i)\s*\b(?:site\s+)?logo\b\s*", " ", html_lib.unescape(alt.group(2))).strip(" -|:")
            name = outlet_name(name)
            if name:
                return name
    return ""


def _copyright_outlet(html: str) -> str:
    import html as html_lib

    from ingest.lines import trailer

    for match in _HTML_COPYRIGHT.finditer(html):
        found = trailer(" ".join(html_lib.unescape(match.group(0)).split()))
        if found and found.outlet:
            return found.outlet
    return ""


def parse_pdf(data: bytes, *, origin: str, name: str) -> SourceDocument:
    """Text of a PDF's pages (pypdf); encrypted and image-only PDFs are refused clearly."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise MalformedSource("is encrypted; save an unprotected copy and try again", source=origin)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
        created = getattr(info, "creation_date", None) if info else None
        title, author = str(info.get("/Title") or "").strip(), str(info.get("/Author") or "").strip()
    except MalformedSource:
        raise
    except LimitReachedError:
        # pypdf caps every decompressed stream (75 MB by default): a Flate "bomb" lands here.
        raise SourceTooLarge("expands past the PDF decompression limit; it may be a compression bomb", source=origin) from None
    except RecursionError:
        raise MalformedSource("is not a readable PDF (nested too deeply)", source=origin) from None
    except Exception as err:  # noqa: BLE001 - pypdf raises a zoo of types on malformed files (fuzz-tested)
        raise MalformedSource(f"is not a readable PDF ({type(err).__name__})", source=origin) from None
    return structured_document(
        clean_text("\n\n".join(pages)), origin=origin, fallback_title=name, empty_hint="an image-only PDF needs OCR first",
        title=title, author=author, published_at=created.date().isoformat() if isinstance(created, dt.datetime) else "",
    )


def iter_jsonl(data: bytes, *, origin: str) -> Iterator[SourceDocument]:
    """Articles one JSON object a line (`title`, `source`, `url`, `published_at`, `author`, `body`).

    The MultiHop-RAG corpus uses this shape, and it is the easy bulk-import format for scripts.
    """
    text = decode_text(data, origin=origin)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise MalformedSource(f"is not valid JSON ({err.msg})", source=where) from None
        if not isinstance(row, dict):
            raise MalformedSource("must be a JSON object", source=where)
        body = row.get("body") or row.get("text") or ""
        meta = _metadata_from(row, origin=where)
        cleaned = clean_text(str(body))
        if not cleaned:
            raise EmptySource("has no body text", source=where)
        extra = {"external_id": str(row["id"])} if row.get("id") else {}
        yield structured_document(cleaned, origin=where, fallback_title=where, extra=extra, **meta)


def parse_bytes(data: bytes, *, name: str, origin: str) -> list[SourceDocument]:
    """Dispatch on the file name's extension."""
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if not data.strip():
        raise EmptySource("is empty", source=origin)
    if suffix in TEXT_SUFFIXES:
        return [parse_text(data, origin=origin, name=name)]
    if suffix in HTML_SUFFIXES:
        return [parse_html(data, origin=origin)]
    if suffix in PDF_SUFFIXES:
        return [parse_pdf(data, origin=origin, name=name)]
    if suffix in JSONL_SUFFIXES:
        documents = list(iter_jsonl(data, origin=origin))
        if not documents:  # e.g. only a byte-order mark or blank lines (found by the fuzz suite)
            raise EmptySource("has no JSON lines", source=origin)
        return documents
    raise UnsupportedSource(
        f"has an unsupported type '{suffix or 'none'}'; citebot reads "
        + ", ".join(sorted(SUPPORTED_SUFFIXES)),
        source=origin,
    )

"""Expand what a moderator typed (files, folders, URLs) into documents, one result per item.

Bad items do not stop the batch: each yields either documents or an `IngestError`, so a folder
with one broken PDF still ingests everything else and reports the broken one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.document import SourceDocument
from ingest.errors import IngestError, SourceNotFound, SourceTooLarge
from ingest.feeds import FEED_SUFFIXES, entry_document, looks_like_feed, parse_feed, with_feed_metadata
from ingest.fetch import Fetched, FetchPolicy, fetch
from ingest.formats import HTML_SUFFIXES, PDF_SUFFIXES, SUPPORTED_SUFFIXES, parse_bytes, parse_html, parse_pdf, parse_text


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_document_chars: int = 2_000_000  # extracted text; a small compressed PDF can hold a lot
    max_html_bytes: int = 5_000_000  # HTML extraction takes ~3 s per MB, so pages get a lower cap
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    follow_feed_links: bool = True  # fetch each feed entry's page for its full text


def _within_text_cap(documents: list[SourceDocument], limits: ReadLimits) -> list[SourceDocument]:
    """Refuse a source whose extracted text is longer than the cap (the whole item, not a truncated copy)."""
    for document in documents:
        if len(document.text) > limits.max_document_chars:
            raise SourceTooLarge(
                f"has {len(document.text):,} characters of text, over the {limits.max_document_chars:,} limit "
                "(raise CITEBOT_MAX_DOCUMENT_CHARS to allow it)",
                source=document.origin,
            )
    return documents


def _check_html_size(size: int, limits: ReadLimits, origin: str) -> None:
    if size > limits.max_html_bytes:
        raise SourceTooLarge(
            f"is an HTML page of {size / 1_000_000:.1f} MB, over the {limits.max_html_bytes / 1_000_000:g} MB "
            "limit for HTML (raise CITEBOT_MAX_HTML_MB, or save the article text as .txt)",
            source=origin,
        )


def _check_file_size(size: int, limits: ReadLimits, origin: str, hint: str = "") -> None:
    if size > limits.max_file_bytes:
        raise SourceTooLarge(
            f"is {size / 1_000_000:.1f} MB, over the {limits.max_file_bytes / 1_000_000:g} MB limit"
            + (f" ({hint})" if hint else ""),
            source=origin,
        )


def read_bytes(data: bytes, *, name: str, origin: str, limits: ReadLimits) -> list[SourceDocument]:
    """Parse an upload with the same caps as a file on disk (size before parsing, text after)."""
    _check_file_size(len(data), limits, origin)
    if Path(name).suffix.lower() in HTML_SUFFIXES:
        _check_html_size(len(data), limits, origin)
    return _within_text_cap(parse_bytes(data, name=name, origin=origin), limits)


@dataclass
class SourceResult:
    """What one input item produced: documents, or the error that stopped it."""

    origin: str
    documents: list[SourceDocument] = field(default_factory=list)
    error: IngestError | None = None


def is_url(target: str) -> bool:
    return "://" in target


def read_file(path: Path, limits: ReadLimits) -> list[SourceDocument]:
    origin = str(path)
    if not path.is_file():
        raise SourceNotFound("no such file or folder", source=origin)
    read_file_size_check(path, limits)
    documents = read_bytes(path.read_bytes(), name=path.name, origin=origin, limits=limits)
    dated = _name_date(path.name)
    return [replace(d, published_at=dated) if dated and not d.published_at else d for d in documents]


_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _name_date(name: str) -> str:
    """The date a file's name opens with ("2026-03-03-pellman-job-cuts.txt"), as archives and
    static-site posts name articles: the last resort for an article whose text gives no year."""
    match = _NAME_DATE.match(name)
    if not match:
        return ""
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return ""


def read_url(url: str, limits: ReadLimits) -> list[SourceDocument]:
    fetched = fetch(url, limits.fetch)
    return _documents_from_fetched(url, fetched, limits)


def _documents_from_fetched(url: str, fetched: Fetched, limits: ReadLimits) -> list[SourceDocument]:
    if fetched.content_type == "application/pdf" or fetched.url.lower().endswith(tuple(PDF_SUFFIXES)):
        document = parse_pdf(fetched.body, origin=url, name=fetched.url)
    elif fetched.content_type == "text/plain":
        document = parse_text(fetched.body, origin=url, name=fetched.url)
    else:
        _check_html_size(len(fetched.body), limits, url)
        document = parse_html(fetched.body, origin=url, url=fetched.url)
    if not document.url:
        document = SourceDocument(**{**document.__dict__, "url": fetched.url})
    return _within_text_cap([document], limits)


def _files_under(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES | FEED_SUFFIXES and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def expand_targets(targets: list[str]) -> list[str]:
    """Folders become their supported files (recursively, sorted, hidden files skipped)."""
    expanded: list[str] = []
    for target in targets:
        path = Path(target)
        if not is_url(target) and path.is_dir():
            expanded.extend(str(p) for p in _files_under(path))
        else:
            expanded.append(target)
    return expanded


def _feed_results(data: bytes, origin: str, limits: ReadLimits, *, follow: bool) -> Iterator[SourceResult]:
    """One result per feed entry; an entry whose page fails falls back to the feed's own text."""
    for entry in parse_feed(data, origin=origin):
        result = SourceResult(origin=entry.link or origin)
        try:
            if follow and entry.link:
                try:
                    result.documents = [with_feed_metadata(d, entry) for d in read_url(entry.link, limits)]
                except IngestError:
                    if not entry.text:
                        raise
                    result.documents = [entry_document(entry, origin=origin)]
            else:
                result.documents = [entry_document(entry, origin=origin)]
        except IngestError as err:
            result.error = err
        yield result


def _read_one(target: str, limits: ReadLimits) -> Iterator[SourceResult]:
    if is_url(target):
        fetched = fetch(target, limits.fetch)
        if looks_like_feed(fetched.body, fetched.content_type):
            yield from _feed_results(fetched.body, target, limits, follow=limits.follow_feed_links)
            return
        yield SourceResult(origin=target, documents=_documents_from_fetched(target, fetched, limits))
        return
    path = Path(target)
    if path.suffix.lower() in FEED_SUFFIXES and path.is_file():
        # A feed saved to disk is read offline: entries' own text, no link following.
        read_file_size_check(path, limits)
        yield from _feed_results(path.read_bytes(), target, limits, follow=False)
        return
    yield SourceResult(origin=target, documents=read_file(path, limits))


def read_file_size_check(path: Path, limits: ReadLimits) -> None:
    _check_file_size(path.stat().st_size, limits, str(path), hint="raise CITEBOT_MAX_FILE_MB to allow it")


def read_targets(targets: list[str], limits: ReadLimits | None = None) -> Iterator[SourceResult]:
    """Read each file, feed or URL in turn, turning failures into per-item results."""
    limits = limits or ReadLimits()
    for target in targets:
        try:
            yield from _read_one(target, limits)
        except IngestError as err:
            yield SourceResult(origin=target, error=err)


__all__ = ["ReadLimits", "SourceResult", "expand_targets", "parse_bytes", "read_bytes", "read_targets", "parse_text"]

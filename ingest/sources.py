"""Expand what a moderator typed (files, folders, URLs) into documents, one result per item.

Bad items do not stop the batch: each yields either documents or an `IngestError`, so a folder
with one broken PDF still ingests everything else and reports the broken one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import SourceDocument
from ingest.errors import IngestError, SourceNotFound, SourceTooLarge
from ingest.fetch import FetchPolicy, fetch
from ingest.formats import HTML_SUFFIXES, PDF_SUFFIXES, SUPPORTED_SUFFIXES, parse_bytes, parse_html, parse_pdf, parse_text


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_document_chars: int = 2_000_000  # extracted text; a small compressed PDF can hold a lot
    max_html_bytes: int = 5_000_000  # HTML extraction takes ~3 s per MB, so pages get a lower cap
    fetch: FetchPolicy = field(default_factory=FetchPolicy)


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


def read_bytes(data: bytes, *, name: str, origin: str, limits: ReadLimits) -> list[SourceDocument]:
    """Parse an upload with the same caps as a file on disk (size before parsing, text after)."""
    if len(data) > limits.max_file_bytes:
        raise SourceTooLarge(
            f"is {len(data) / 1_000_000:.1f} MB, over the {limits.max_file_bytes / 1_000_000:g} MB limit", source=origin
        )
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
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise SourceTooLarge(
            f"is {size / 1_000_000:.1f} MB, over the {limits.max_file_bytes / 1_000_000:g} MB limit "
            "(raise CITEBOT_MAX_FILE_MB to allow it)",
            source=origin,
        )
    return read_bytes(path.read_bytes(), name=path.name, origin=origin, limits=limits)


def read_url(url: str, limits: ReadLimits) -> list[SourceDocument]:
    fetched = fetch(url, limits.fetch)
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
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not any(part.startswith(".") for part in p.relative_to(folder).parts)
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


def read_targets(targets: list[str], limits: ReadLimits | None = None) -> Iterator[SourceResult]:
    """Read each file or URL in turn, turning failures into per-item results."""
    limits = limits or ReadLimits()
    for target in targets:
        result = SourceResult(origin=target)
        try:
            result.documents = read_url(target, limits) if is_url(target) else read_file(Path(target), limits)
        except IngestError as err:
            result.error = err
        yield result


__all__ = ["ReadLimits", "SourceResult", "expand_targets", "parse_bytes", "read_bytes", "read_targets", "parse_text"]

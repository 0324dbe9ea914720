"""Errors raised while reading sources.

Every error carries a message a moderator can act on: what went wrong and what to do. The CLI
prints it as one line; the Discord bot replies with it. No traceback ever reaches a user.
"""

from __future__ import annotations


class IngestError(Exception):
    """A source could not be ingested. `str(err)` is the user-facing line."""

    exit_code = 3

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        text = f"{source}: {message}" if source else message
        # One line, always: a file name, URL or front-matter value may carry newlines (fuzz-found).
        super().__init__(" ".join(text.split()))


class SourceNotFound(IngestError):
    """The path does not exist."""


class UnsupportedSource(IngestError):
    """The file type or URL scheme is not one citebot reads."""


class EmptySource(IngestError):
    """The source has no readable text."""


class SourceTooLarge(IngestError):
    """The source is over the configured size cap."""


class MalformedSource(IngestError):
    """The source could not be parsed (broken PDF, binary data, bad encoding, bad front matter)."""


class FetchError(IngestError):
    """A URL could not be fetched (unreachable, refused, blocked by policy, wrong content type)."""

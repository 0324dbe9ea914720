"""citebot's user-facing errors and the exit codes the CLI maps them to.

`ingest`, `vectorstore` and `bot` each raise their own small family; the edges (CLI, Discord)
catch `USER_ERRORS`, print `str(err)` as one line and exit with `exit_code`.
"""

from __future__ import annotations

from ingest.errors import IngestError
from vectorstore.errors import StoreError


class BotError(Exception):
    """A request citebot cannot serve, with the reason as a readable line."""

    exit_code = 2


class BadQuestion(BotError):
    """Empty or unusable question."""


class SourceNotKnown(BotError):
    """`remove` was given something that matches no ingested source."""


class PermissionDenied(BotError):
    """The user lacks the moderator role for this action."""


class RateLimited(BotError):
    """Too many questions in a short time."""


class ConfigError(BotError):
    """The configuration is invalid or incomplete."""


USER_ERRORS: tuple[type[Exception], ...] = (BotError, IngestError, StoreError)

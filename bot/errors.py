"""citebot's user-facing errors and the exit codes the CLI maps them to.

`ingest`, `vectorstore` and `bot` each raise their own small family; the edges (CLI, Discord)
catch `USER_ERRORS`, print `str(err)` as one line and exit with `exit_code`.

Exit codes: 0 ok; 1 unexpected; 2 bad request or configuration (`BotError`, most `IngestError`s;
also a Discord bot token or intent the developer portal refuses); 3 an ingest item failed;
4 a service citebot needs is unavailable: the store (`StoreError`) or Discord
(`ServiceUnavailable`); 5 `doctor` found problems.
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


class ServiceUnavailable(BotError):
    """A network service citebot needs (Discord's API or gateway) cannot be reached: exit 4, like
    an unavailable store, because the remedy is the same kind (network, firewall, the service's
    status), not a change to the request."""

    exit_code = 4


USER_ERRORS: tuple[type[Exception], ...] = (BotError, IngestError, StoreError)

"""Opening a citebot for one process: settings read once, a bad setting as one error line, and
logging set up so the terminal shows citebot's own lines only.

Libraries log freely (pypdf warns about every broken PDF, trafilatura about deep markup, chromadb
and httpx about their internals); beside citebot's one readable error line those are noise. So
every logger writes to a log file in the data directory (`$CITEBOT_HOME/logs/citebot.log`, at
DEBUG), and only citebot's own loggers (`citebot.*`) also reach stderr, at `log_level`. Secret
settings (tokens, API keys) are replaced in everything written to the file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.errors import ConfigError

LOG_FILE_NAME = "citebot.log"
LOG_FILE_MAX_BYTES = 2_000_000  # past this, the file is moved to citebot.log.1 when a command starts
REDACTED = "[redacted]"


def load_settings():
    """`Settings()` from defaults, config file and environment; a validation error becomes a `ConfigError`."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting '{where}': {first['msg']} (check CITEBOT_* variables and config.toml)") from None


def citebot_for(meta: dict):
    """The one `Citebot` of a command, kept in `meta` (a click context's) so commands share it."""
    from bot.library.citebot import Citebot

    if "citebot" not in meta:
        settings = load_settings()
        configure_logging(settings)
        meta["citebot"] = Citebot(settings)
    return meta["citebot"]


# -- logging -------------------------------------------------------------------------------------
class _CitebotHandler:
    """Marks the handlers this module installed, so configuring again replaces them (and only them)."""


class _StderrHandler(logging.StreamHandler, _CitebotHandler):
    pass


class _FileHandler(logging.FileHandler, _CitebotHandler):
    pass


class _NullHandler(logging.NullHandler, _CitebotHandler):
    pass


class _TerminalFormatter(logging.Formatter):
    """`citebot: warning: ...`, like the CLI's own `citebot: error: ...` lines."""

    def format(self, record: logging.LogRecord) -> str:
        return f"citebot: {record.levelname.lower()}: {record.getMessage()}"


class RedactingFormatter(logging.Formatter):
    """Formats a record, then replaces each secret value (message, arguments and traceback alike)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def secret_values(settings) -> list[str]:
    """The values that must never be written anywhere: every secret setting, plus DISCORD_TOKEN
    as the environment has it (the setting reads it under either name)."""
    from pydantic import SecretStr

    values = [v.get_secret_value() for v in (getattr(settings, name) for name in type(settings).model_fields)
              if isinstance(v, SecretStr)]
    values += [os.environ.get(name, "") for name in ("DISCORD_TOKEN", "CITEBOT_DISCORD_TOKEN", "CITEBOT_LLM_API_KEY")]
    return [v for v in values if v]


def log_file_path(settings) -> Path:
    return Path(settings.home) / "logs" / LOG_FILE_NAME


def configure_logging(settings) -> Path | None:
    """Route every log record of this process: all of them to the log file (DEBUG), citebot's own
    (`citebot.*`) also to stderr at `settings.log_level`. Returns the log file, or None if it cannot
    be written (then libraries' records are dropped rather than shown). Calling it again (another
    home, in tests) replaces what an earlier call installed and leaves other handlers alone."""
    root, own = logging.getLogger(), logging.getLogger("citebot")
    for logger in (root, own):
        for handler in [h for h in logger.handlers if isinstance(h, _CitebotHandler)]:
            logger.removeHandler(handler)
            handler.close()

    terminal = _StderrHandler()
    terminal.setLevel(settings.log_level.upper())
    terminal.setFormatter(_TerminalFormatter())
    own.addHandler(terminal)
    own.setLevel(logging.DEBUG)  # the handlers choose: stderr at log_level, the file everything

    path = log_file_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_FILE_MAX_BYTES:
            os.replace(path, path.with_name(LOG_FILE_NAME + ".1"))
        file_handler: logging.Handler = _FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        file_handler, path = _NullHandler(), None
    file_handler.setLevel(logging.DEBUG)
    file_handler.setFormatter(RedactingFormatter(secret_values(settings)))
    root.addHandler(file_handler)
    root.setLevel(logging.DEBUG)
    logging.captureWarnings(True)  # libraries' warnings.warn(...) go to the file too, not to stderr
    return path

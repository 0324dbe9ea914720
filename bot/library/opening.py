"""Opening a citebot for one process: settings read once, a bad setting as one error line."""

from __future__ import annotations

import logging

from bot.errors import ConfigError


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
        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
        meta["citebot"] = Citebot(settings)
    return meta["citebot"]

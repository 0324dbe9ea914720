"""Where citebot's home and config file are: one rule for `Settings` and for the daemon client.

Standard library (and platformdirs) only: the daemon client (`bot/daemon.py`) must find the home
without importing pydantic or the model, and it must find the very home `Settings` will use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("citebot", appauthor=False))


def home_from_env(env: Mapping[str, str] | None = None) -> Path:
    """`CITEBOT_HOME` (empty = unset), else the per-user data directory."""
    raw = (os.environ if env is None else env).get("CITEBOT_HOME")
    return Path(raw or default_home()).expanduser()


def config_file_path(env: Mapping[str, str] | None = None) -> Path:
    """`CITEBOT_CONFIG`, else `config.toml` in the home."""
    explicit = (os.environ if env is None else env).get("CITEBOT_CONFIG")
    return Path(explicit).expanduser() if explicit else home_from_env(env) / "config.toml"

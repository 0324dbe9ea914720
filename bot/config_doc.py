"""docs/configuration.md, written from the `Settings` fields themselves.

Regenerate with `python -m bot.config_doc > docs/configuration.md`. The reference is generated so
it cannot drift from the code: tests/test_docs.py fails when the file differs from `render()` or
when a field has no description. Defaults that depend on the machine (the home, the login name)
are described, not printed, so the file is the same everywhere; secrets' defaults are never shown.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo

from bot.settings import Settings

REGENERATE = "python -m bot.config_doc > docs/configuration.md"

# Defaults computed when the settings are read: what they come to, in words.
COMPUTED_DEFAULTS = {
    "home_from_env": "the per-user data directory (`~/.local/share/citebot` on Linux)",
    "_current_user": "your login name",
}

# Headings by field-name prefix, in this order, each with a line under it; every other field is
# under the first heading.
SECTIONS = [
    ("General", "", "The store, the model, retrieval, answers, ingestion and its limits, trust and freshness, the warm daemon."),
    ("Discord", "discord_", "Read by `citebot discord` only; see [discord.md](discord.md)."),
    ("Synthesis mode", "llm_", "Off unless `llm_model` is set; see [llm.md](llm.md)."),
]

PREAMBLE = """\
# Configuration

<!-- Generated from bot/settings.py by `{regenerate}`; edit the field descriptions there. -->

citebot has one settings object, `Settings` in `bot/settings.py`. Nothing is required: the defaults
give a working local bot. Each setting is read from, highest first:

1. arguments given in code (`Settings(top_k=10)`, e.g. `Citebot(Settings(home=...))`);
2. the environment: `CITEBOT_<NAME>` (the environment column below), e.g. `CITEBOT_TOP_K=10`;
3. the config file: `$CITEBOT_HOME/config.toml`, or the file named by `CITEBOT_CONFIG`, with the
   setting names as keys (`top_k = 10`);
4. the default.

`citebot --home DIR` sets `CITEBOT_HOME` for that command. Environment values are text: booleans
are `true`/`false` (or `1`/`0`), lists are JSON (`CITEBOT_FETCH_TRUSTED_NETWORKS='["10.1.2.0/24"]'`),
and an empty value for an optional URL or name means unset. Unknown keys are ignored; a value that
does not fit (a word where a number belongs, a number out of range) stops every command with one
line naming the setting, exit code 2.
Secrets ({secrets}) are never logged or shown.
"""


def _is_secret(field: FieldInfo) -> bool:
    return SecretStr in (field.annotation, *typing.get_args(field.annotation))


def env_names(name: str, field: FieldInfo) -> list[str]:
    """The environment variables that set this field."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [c for c in alias.choices if isinstance(c, str) and c.isupper()]
    return [f"CITEBOT_{name.upper()}"]


def default_text(field: FieldInfo) -> str:
    if _is_secret(field):
        return "(secret: never shown)"
    if field.default_factory is not None:
        factory = field.default_factory
        if factory in (list, dict, tuple):
            return f"`{json.dumps(factory())}`"
        return COMPUTED_DEFAULTS.get(getattr(factory, "__name__", ""), "computed at start-up")
    value = field.default
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (str, Path)):
        return f'`"{value}"`'
    return f"`{value}`"


def type_text(field: FieldInfo) -> str:
    """The kind of value, with its allowed range or choices."""
    annotation = field.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Literal:
        return " / ".join(f"`{a}`" for a in typing.get_args(annotation))
    base = args[0] if args and typing.get_origin(annotation) is not list else annotation
    if typing.get_origin(base) is list:
        kind = "list of text"
    else:
        kind = {bool: "boolean", int: "integer", float: "number", str: "text", Path: "path", SecretStr: "secret"}.get(base, str(base))
    bounds = {}
    for constraint in field.metadata:
        for attr in ("ge", "gt", "le", "lt"):
            if getattr(constraint, attr, None) is not None:
                bounds[attr] = getattr(constraint, attr)
    if "ge" in bounds and "le" in bounds:
        return f"{kind}, {bounds['ge']} to {bounds['le']}"
    signs = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    parts = [f"{signs[attr]} {value}" for attr, value in bounds.items()]
    return f"{kind}, {', '.join(parts)}" if parts else kind


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(name: str) -> str:
    matched = [title for title, prefix, _ in SECTIONS if prefix and name.startswith(prefix)]
    return matched[0] if matched else SECTIONS[0][0]


def render() -> str:
    """The whole of docs/configuration.md."""
    fields = Settings.model_fields
    secrets = ", ".join(f"`{n}`" for n, f in fields.items() if _is_secret(f))
    out = [PREAMBLE.format(regenerate=REGENERATE, secrets=secrets)]
    for title, _, intro in SECTIONS:
        rows = [(n, f) for n, f in fields.items() if _section(n) == title]
        if not rows:
            continue
        out += [f"## {title}", "", intro, "", "| setting | environment | default | type | what it does |", "|---|---|---|---|---|"]
        for name, field in rows:
            env = " or ".join(f"`{e}`" for e in env_names(name, field))
            out.append(
                f"| `{name}` | {env} | {_cell(default_text(field))} | {_cell(type_text(field))} | {_cell(field.description or '')} |"
            )
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")

"""The one configuration object: defaults < config file < environment < explicit arguments.

The config file is `$CITEBOT_HOME/config.toml` (or the path in `CITEBOT_CONFIG`); every field
can also be set as `CITEBOT_<FIELD>` in the environment. Nothing is required: the defaults give
a working local bot.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from vectorstore.embeddings import DEFAULT_MODEL


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("citebot", appauthor=False))


def _home_from_env() -> Path:
    return Path(os.environ.get("CITEBOT_HOME") or default_home()).expanduser()


def config_file_path() -> Path:
    explicit = os.environ.get("CITEBOT_CONFIG")
    return Path(explicit).expanduser() if explicit else _home_from_env() / "config.toml"


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Settings(BaseSettings):
    """Everything an operator can tune. Each field documents what it changes."""

    model_config = SettingsConfigDict(env_prefix="CITEBOT_", extra="ignore", validate_default=True)

    home: Path = Field(default_factory=_home_from_env, description="Data directory: store, config file and model cache.")
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (`chroma run`) to share one store between processes; empty = embedded store in `home`.",
    )
    chroma_auth_token: SecretStr | None = Field(
        default=None, description="Bearer token sent to the Chroma server, if it requires one. Never logged."
    )
    embedding_model: str = Field(
        default=DEFAULT_MODEL,
        description="Embedding model: 'all-MiniLM-L6-v2' (bundled, offline) or a local sentence-transformers folder.",
    )
    top_k: int = Field(default=8, ge=1, le=50, description="Passages retrieved per question before quotes are picked.")
    max_quotes: int = Field(default=6, ge=1, le=12, description="Most quoted sentences in one answer.")
    min_passage_score: float = Field(
        default=0.42, ge=-1, le=1,
        description="Abstain when the best passage's cosine similarity to the question is below this (calibrated with `citebot eval` on MultiHop-RAG dev: 0.42 abstains on 91% of null questions at 0.5% false abstention, with the unknown-outlet rule).",
    )
    min_sentence_score: float = Field(
        default=0.25, ge=-1, le=1, description="A sentence is quoted only if its relevance score reaches this."
    )
    chunk_max_chars: int = Field(
        default=700, ge=200, le=4000,
        description="Longest chunk in characters (~175 word pieces), inside MiniLM's 256-token window.",
    )
    max_file_mb: float = Field(default=20, gt=0, description="Largest file or download accepted for ingestion, in MB.")
    fetch_timeout_s: float = Field(default=15, gt=0, description="Time limit for downloading one URL.")
    allow_private_urls: bool = Field(
        default=False, description="Allow fetching loopback/private addresses. For tests only: it disables SSRF protection."
    )
    scope: str = Field(default="global", description="Which set of sources the CLI reads and writes (Discord uses one per server when so configured).")
    ingested_by: str = Field(default_factory=_current_user, description="Name recorded in the audit log for CLI ingests.")
    lock_timeout_s: float = Field(default=60, gt=0, description="How long a writer waits for another process's embedded-store lock.")
    log_level: str = Field(default="WARNING", description="Log level for citebot's own messages (stderr).")
    # -- retrieval quality (measured with `citebot eval`, see README "Evaluation") --
    hybrid_search: bool = Field(
        default=True,
        description="Fuse BM25 keyword search (a local SQLite FTS5 index synced from the store) with dense search by reciprocal rank fusion.",
    )
    embed_article_context: bool = Field(
        default=False,
        description="Embed each chunk with its article's title, outlet and date in front (quotes stay verbatim). Re-ingest after changing it.",
    )
    analyze_queries: bool = Field(
        default=True,
        description="Also search within each outlet and around each date a question names, fused with the main search (needs hybrid_search).",
    )
    abstain_on_unknown_outlet: bool = Field(
        default=True,
        description="Abstain when a question asks what a named outlet reported ('a Reuters article') and no ingested source is from that outlet.",
    )
    max_passages_per_article: int = Field(
        default=3, ge=0, le=50,
        description="Diversify hybrid results: passages of one article past this many rank behind all other articles' (0 = off).",
    )
    rrf_k: int = Field(default=60, ge=1, le=1000, description="Reciprocal rank fusion constant: larger flattens the rank bonus.")
    retrieval_pool: int = Field(
        default=30, ge=1, le=200, description="Candidates taken from each ranker (dense, keyword) before fusion."
    )

    @field_validator("chroma_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file_path()))

    @property
    def store_path(self) -> Path:
        return self.home / "store"

"""The one configuration object: defaults < config file < environment < explicit arguments.

The config file is `$CITEBOT_HOME/config.toml` (or the path in `CITEBOT_CONFIG`); every field
can also be set as `CITEBOT_<FIELD>` in the environment. Nothing is required: the defaults give
a working local bot.
"""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.paths import config_file_path, home_from_env
from vectorstore.embeddings import DEFAULT_MODEL


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Settings(BaseSettings):
    """Everything an operator can tune. Each field documents what it changes."""

    model_config = SettingsConfigDict(env_prefix="CITEBOT_", extra="ignore", validate_default=True)

    home: Path = Field(default_factory=home_from_env, description="Data directory: the store, the keyword index, config.toml and logs (the ONNX model cache is `model_cache_dir`).")
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
        description="Abstain when the best passage's cosine similarity to the question is below this (calibrated with `citebot eval` on MultiHop-RAG dev: 0.42 abstains on 93% of null questions at 0.7% false abstention, with the unknown-outlet rule).",
    )
    min_sentence_score: float = Field(
        default=0.25, ge=-1, le=1, description="A sentence is quoted only if its relevance score reaches this."
    )
    min_sentence_answer_score: float = Field(
        default=0.44, ge=-1, le=1,
        description="Sentence-level evidence: a question whose best passage is below `min_passage_score` (but within `sentence_rescue_margin` of it) is still answered when one sentence's cosine to the question reaches this (a long chunk whose one sentence answers). MultiHop-RAG dev: no null question's sentence reaches 0.44 below the passage floor (0.48 and 0.44 abstain on the same 93.3% of null questions; 0.44 answers 4 more of the five messy sets' 287 answerable questions and one more unanswerable one).",
    )
    sentence_rescue_margin: float = Field(
        default=0.1, ge=0, le=1,
        description="How far below `min_passage_score` a long question's best passage may be for its sentences to be judged one by one (below that, abstain at once). A short question's sentences are always judged: its few words are diluted by the rest of a chunk.",
    )
    single_fact_margin: float = Field(
        default=0.15, ge=0, le=2,
        description="For a question asking one fact (how many, when, where), other quotes are kept only if their cosine to the question is within this of the answering sentence's.",
    )
    judge_weight: float = Field(
        default=0.5, ge=0, le=5,
        description="How much the trained sentence judge (bot/engine/judge.py, `python -m bot.measure.train_judge`) adds to a sentence's quote score, times its probability that the sentence answers; 0 turns it off. It ranks quotes only, never decides abstention.",
    )
    judge_weights_path: Path | None = Field(
        default=None,
        description="Weights of the sentence judge to use instead of the ones shipped in bot/engine/judge_weights.json (written by `python -m bot.measure.train_judge --out FILE`, e.g. trained on one half of a split to measure it on the other).",
    )
    quote_relevance_spread: float = Field(
        default=0.3, ge=0, le=2,
        description="A sentence is quoted only if its relevance is within this of the most relevant sentence's: further below, it is about another story.",
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
    follow_feed_links: bool = Field(
        default=True, description="For a feed URL, fetch each entry's page for its full text (else use the feed's own text)."
    )
    scope: str = Field(default="global", description="Which set of sources the CLI reads and writes (Discord uses one per server when so configured).")
    ingested_by: str = Field(default_factory=_current_user, description="Name recorded in the audit log for CLI ingests.")
    lock_timeout_s: float = Field(default=60, gt=0, description="How long a writer waits for another process's embedded-store lock.")
    log_level: str = Field(default="WARNING", description="Log level for citebot's own messages (stderr).")
    # -- hardening limits (issue 8; see SECURITY.md) --
    fetch_total_timeout_s: float = Field(
        default=60, gt=0, description="Time limit for a whole URL download, all redirect hops and a slow-dripping server included."
    )
    fetch_max_redirects: int = Field(default=5, ge=0, le=20, description="Most redirects followed for one URL; each hop's address is checked.")
    fetch_trusted_networks: list[str] = Field(
        default_factory=list,
        description="IP networks (e.g. '10.1.2.0/24') URL ingestion may reach although they are not public: an intranet news server. Empty = public addresses only.",
    )
    max_document_chars: int = Field(
        default=2_000_000, ge=1000, description="Longest extracted text of one article (after PDF/HTML extraction); longer sources are refused."
    )
    max_html_mb: float = Field(
        default=5, gt=0, description="Largest HTML page (file or download) accepted, in MB: extraction takes seconds per MB, so pages get a lower cap than max_file_mb."
    )

    # -- retrieval quality (measured with `citebot eval`, see README "Evaluation") --
    hybrid_search: bool = Field(
        default=True,
        description="Fuse BM25 keyword search (a local tantivy index synced from the store) with dense search by reciprocal rank fusion.",
    )
    embed_article_context: bool = Field(
        default=False,
        description="Embed each chunk with its article's title, outlet and date in front (quotes stay verbatim). Re-ingest after changing it.",
    )
    store_sentence_vectors: bool = Field(
        default=True,
        description="At ingest, store two vectors for each sentence, one pooled from its chunk's token outputs and one of the sentence embedded alone (answers score a sentence by the better of the two), so answering embeds only the question (at 100k chunks, warm answers ~2x faster). Costs ~16 KB per chunk on disk (Chroma indexes metadata strings) and 10–55% more ingest time (most for short articles). Off: answers embed their candidate sentences. Applies to articles ingested from then on.",
    )
    analyze_queries: bool = Field(
        default=True,
        description="Also search within each outlet and around each date a question names, fused with the main search (needs hybrid_search).",
    )
    abstain_on_unknown_outlet: bool = Field(
        default=True,
        description="Abstain when a question asks what a named outlet reported ('a Reuters article') and no ingested source is from that outlet.",
    )
    article_discount: float = Field(
        default=0.7, ge=0.0, le=1.0,
        description="Diversify hybrid results by score: an article's n-th passage keeps article_discount**n of its fused score "
        "before the final sort, so other articles' strong hits move up (1.0 = off).",
    )
    max_passages_per_article: int = Field(
        default=0, ge=0, le=50,
        description="Hard diversity cap for hybrid results: passages of one article past this many rank behind all other "
        "articles' (0 = off; article_discount is the default, softer way).",
    )
    rrf_k: int = Field(
        default=5, ge=1, le=1000,
        description="Reciprocal rank fusion constant: larger flattens the rank bonus; small values let each ranking's top hits (and each part's) lead.",
    )
    retrieval_pool: int = Field(
        default=30, ge=1, le=200, description="Candidates taken from each ranker (dense, keyword) before fusion."
    )
    keyword_weight: float = Field(
        default=2.0, ge=0.0, le=10.0,
        description="Weight of the BM25 keyword ranking in the rank fusion, relative to the dense ranking (1.0).",
    )
    rerank_weight: float = Field(
        default=2.0, ge=0.0, le=100.0,
        description="Re-sort the top `rerank_window` passages by fused rank plus this × the share of the question's "
        "distinctive words their best sentence holds (bot/engine/rerank.py; 0 = off, keep the fused order).",
    )
    rerank_window: int = Field(
        default=10, ge=1, le=50,
        description="How many top passages the rerank reorders; only their order changes, never which passages are in it.",
    )

    # -- speed (issue 6) --
    embedding_backend: Literal["onnx", "sentence-transformers"] = Field(
        default="onnx",
        description="How the embedding model runs: 'onnx' (ONNX Runtime; no torch at query time, faster; same vectors) "
        "or 'sentence-transformers' (PyTorch).",
    )
    model_cache_dir: Path | None = Field(
        default=None,
        description="Where the ONNX graph exported from the model is kept (once per model); empty = the user cache "
        "folder (e.g. ~/.cache/citebot/models), shared by all stores.",
    )
    onnx_threads: int = Field(default=0, ge=0, le=64, description="ONNX Runtime intra-op threads; 0 = one per CPU core.")
    daemon_autostart: bool | None = Field(
        default=None,
        description="When `citebot ask` finds no daemon for this home, start one in the background after answering, so "
        "the next ask is served warm (see `citebot daemon`). Unset (default): only when run from a terminal, so a person "
        "typing questions gets warm answers from the second one on, while scripts, pipes and tests never leave a "
        "background process behind unless they set it to true.",
    )
    daemon_idle_s: float = Field(
        default=900, ge=0,
        description="A daemon exits by itself after this many seconds without a request (0 = runs until stopped).",
    )

    @property
    def model_cache_path(self) -> Path:
        if self.model_cache_dir is not None:
            return self.model_cache_dir.expanduser()
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("citebot", appauthor=False)) / "models"

    @field_validator("fetch_trusted_networks")
    @classmethod
    def _networks_parse(cls, value: list[str]) -> list[str]:
        from ingest.addresses import parse_networks

        parse_networks(value)  # ValueError names the bad entry
        return value

    # -- Discord adapter (`citebot discord`) --------------------------------------------------
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "CITEBOT_DISCORD_TOKEN", "discord_token"),
        description="Bot token from the Discord developer portal (env DISCORD_TOKEN or CITEBOT_DISCORD_TOKEN). Required only by `citebot discord`; never logged.",
    )
    discord_api_base: str = Field(
        default="https://discord.com/api/v10",
        description="Discord REST API base URL; point it at another Discord-compatible endpoint (the end-to-end tests' fake).",
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", description="Discord gateway websocket URL (same purpose as discord_api_base)."
    )
    discord_ready_timeout: float = Field(
        default=2.0, ge=0, description="Seconds discord.py waits for servers to stream in before it reports ready (its guild_ready_timeout)."
    )
    discord_moderator_role: str = Field(
        default="",
        description="Role name or ID whose members may /ingest, /remove and /audit; members with Manage Server may always. Empty = Manage Server only.",
    )
    discord_per_server_scope: bool = Field(
        default=False,
        description="Give each Discord server its own source set (scope 'guild:<id>'); off = every server shares the configured `scope`.",
    )
    discord_user_rate: int = Field(default=5, ge=1, description="Questions one member may ask per rate window.")
    discord_server_rate: int = Field(default=30, ge=1, description="Questions one server may ask per rate window.")
    discord_rate_window_s: float = Field(default=60, gt=0, description="Length of the rate-limit window in seconds.")
    discord_sources_per_page: int = Field(default=10, ge=1, le=25, description="Sources shown per page of /sources.")
    discord_memory_turns: int = Field(
        default=4, ge=0, le=20, description="Earlier questions of a thread or reply chain passed to follow-ups (0 = no memory)."
    )
    discord_sync_commands: bool = Field(default=True, description="Register (sync) the slash commands with Discord on start.")
    discord_edit_interval_s: float = Field(
        default=1.5, ge=0,
        description="In synthesis mode, the shortest time between two edits of a streaming answer (Discord rate-limits message edits); the final edit is always sent.",
    )

    # -- optional synthesis mode (bot/llm/); off unless llm_model is set ----------------------------
    llm_provider: Literal["openai-compatible"] = Field(
        default="openai-compatible",
        description="Chat API spoken by the synthesis mode; OpenAI-compatible covers Ollama, vLLM, llama.cpp, LM Studio and hosted APIs.",
    )
    llm_model: str | None = Field(
        default=None, description="Chat model for synthesis answers, e.g. 'llama3.1:8b' on Ollama. Empty = off: extractive answers only."
    )
    llm_base_url: str | None = Field(
        default=None, description="Base URL of the chat API, e.g. http://127.0.0.1:11434/v1 for Ollama; empty = api.openai.com."
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="API key for the chat API, from CITEBOT_LLM_API_KEY only (OPENAI_API_KEY is deliberately ignored). Never logged.",
    )
    llm_timeout_s: float = Field(default=60, gt=0, description="Deadline for one synthesis answer, retries included; then the extractive answer is shown.")
    llm_max_retries: int = Field(default=2, ge=0, le=10, description="Retries after a timeout, 429 or 5xx, with the client's exponential backoff (honours Retry-After).")
    llm_temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature; 0 keeps answers close to the passages.")
    llm_max_tokens: int = Field(default=600, ge=16, le=8000, description="Longest model answer, in tokens.")
    llm_min_support: float = Field(
        default=0.4, ge=0, le=1,
        description="Share of a model sentence's content words that must occur in the passages it cites; below it the sentence is dropped.",
    )

    # -- source registry and freshness (issue 9: verified sources) ------------------------------
    unknown_domains: Literal["allow", "confirm", "refuse"] = Field(
        default="allow",
        description=(
            "Ingesting from a domain not in the source registry (`citebot trust`): 'allow' it, require "
            "'confirm'ation (--allow-unknown), or 'refuse' it. Files without a front-matter url count as unknown. "
            "Blocked domains are always refused."
        ),
    )
    stale_after_days: int = Field(
        default=365, ge=0,
        description="Answers note when the newest cited source is older than this many days (0 = never note).",
    )


    # -- shared store (Chroma server) ---------------------------------------------------------
    chroma_database: str | None = Field(
        default=None,
        description="Database on the Chroma server (created on first use), so one server can hold several separate stores; empty = Chroma's default database.",
    )

    # -- feedback on answers and coverage gaps (docs/feedback.md) --------------------------------
    record_questions: bool = Field(
        default=True,
        description="Keep each question asked through `citebot ask` or Discord (text, scope, time, cited or closest sources) "
        "so members can rate the answer and moderators see unanswered questions in `citebot gaps` / /gaps. Off: nothing is "
        "stored and answers carry no answer id and no feedback buttons.",
    )
    question_retention_days: int = Field(
        default=90, ge=1,
        description="Stored questions and the votes on their answers are deleted this many days after the question was asked.",
    )
    gap_similarity: float = Field(
        default=0.7, ge=0.0, le=1.0,
        description="Gap questions whose embeddings' cosine reaches this are listed as one row with a count (measured in "
        "docs/feedback.md: at 0.7, 85% of paraphrase pairs group and other topics stay apart).",
    )

    @field_validator("chroma_url", "chroma_database", "llm_model", "llm_base_url", mode="before")
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

    # -- watched feeds, channel rules, many servers (issue 20; see docs/feeds.md) --------------
    feed_every_s: float = Field(
        default=1800, ge=60,
        description="How often a watched feed is polled when `feeds add` gives no --every, in seconds (at least 60).",
    )
    feed_check_s: float = Field(
        default=30, gt=0, description="How often `citebot watch` (and the watcher inside `citebot discord`) looks for feeds that are due, in seconds.",
    )
    feed_backoff_max_s: float = Field(
        default=21600, gt=0,
        description="Longest wait after failed polls: a failing feed waits its interval x 2^failures in a row, at most this (or its interval, if longer).",
    )
    feed_lease_s: float = Field(
        default=300, ge=5,
        description="How long a watcher's claim on a feed lasts unless renewed; a crashed watcher's feeds are taken over after it. Keep it far above clock differences between hosts.",
    )
    discord_watch_feeds: bool = Field(
        default=True, description="`citebot discord` also polls the watched feeds (in a worker thread), when there are any; off = leave it to `citebot watch`.",
    )
    discord_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Channels (IDs or names, comma-separated) where the bot answers /ask, /sources and @mentions; empty = everywhere. "
        "Threads follow their channel. A server's moderators can override it with /settings.",
    )
    discord_shard_count: int | None = Field(
        default=None, ge=1, description="Total gateway shards of the bot; empty = the count Discord recommends (GET /gateway/bot).",
    )
    discord_shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="The shards this process runs (comma-separated, e.g. '0,1'), so several processes can share one bot; "
        "needs discord_shard_count. Empty = all shards.",
    )

    @field_validator("discord_channels", "discord_shard_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [part for part in re.split(r"[\s,]+", text) if part]
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _shards_fit(cls, value: list[int], info) -> list[int]:
        count = info.data.get("discord_shard_count")
        if value and count is None:
            raise ValueError("discord_shard_ids needs discord_shard_count (the bot's total number of shards)")
        wrong = [i for i in value if not 0 <= i < (count or 0)]
        if wrong:
            raise ValueError(f"shard ids {wrong} are outside 0..{(count or 1) - 1} (discord_shard_count = {count})")
        return value

"""The heavy parts of a citebot, opened on first use: the Chroma store, the embedding model, the
retriever and the read limits.

Opening them lazily keeps quick commands quick (`citebot sources` never loads the model) and lets
tests hand in a small embedder.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from bot.engine.judge import WEIGHTS, SentenceJudge, load_judge
from bot.errors import ConfigError
from bot.settings import Settings
from ingest.addresses import parse_networks
from vectorstore.chroma_connection import StoreConfig
from vectorstore.chroma_store import (
    ChromaStore,  # no chromadb import until a store is opened
)
from vectorstore.embeddings import Embedder, OnnxEmbedder, SentenceTransformerEmbedder
from vectorstore.lexical import LexicalIndex, retire_fts5_index
from vectorstore.retriever import Retriever

if TYPE_CHECKING:  # imported where used: the parsers pull in httpx, yaml, pypdf, trafilatura; `ask` needs none
    from ingest.sources import ReadLimits


class Parts:
    """Store, model and retriever for one set of settings (`settings` may be replaced before first use)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder

    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        headers = {"Authorization": f"Bearer {s.chroma_auth_token.get_secret_value()}"} if s.chroma_auth_token else None
        return ChromaStore(StoreConfig(
            path=s.store_path, url=s.chroma_url, headers=headers, lock_timeout_s=s.lock_timeout_s,
            database=s.chroma_database,
        ))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            if s.embedding_backend == "onnx":
                self._embedder = OnnxEmbedder(s.embedding_model, cache_dir=s.model_cache_path, threads=s.onnx_threads)
            else:
                self._embedder = SentenceTransformerEmbedder(s.embedding_model)
        return self._embedder

    @cached_property
    def judge(self) -> SentenceJudge | None:
        """The trained sentence judge shipped with the engine, or None when `judge_weight` is 0."""
        s = self.settings
        if s.judge_weight <= 0:
            return None
        path = s.judge_weights_path or WEIGHTS
        try:
            return load_judge(path)
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"cannot read the sentence judge's weights at {path} ({e}); set CITEBOT_JUDGE_WEIGHTS_PATH to a file "
                              "written by `python -m bot.measure.train_judge`, or CITEBOT_JUDGE_WEIGHT=0 to turn the judge off") from e

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        lexical = None
        if s.hybrid_search:
            retire_fts5_index(s.home / "lexical")
            lexical = LexicalIndex(s.home / "lexical" / "keywords.sqlite")
        return Retriever(
            self.store, self.embedder, lexical=lexical, rrf_k=s.rrf_k, pool=s.retrieval_pool,
            analyze_queries=s.analyze_queries, per_article=s.max_passages_per_article, article_discount=s.article_discount,
            keyword_weight=s.keyword_weight,
        )

    @property
    def read_limits(self) -> ReadLimits:
        from ingest.fetch import FetchPolicy
        from ingest.sources import ReadLimits

        s = self.settings
        max_bytes = int(s.max_file_mb * 1_000_000)
        return ReadLimits(
            max_file_bytes=max_bytes,
            max_document_chars=s.max_document_chars,
            max_html_bytes=int(s.max_html_mb * 1_000_000),
            fetch=FetchPolicy(
                max_bytes=max_bytes, timeout_s=s.fetch_timeout_s, allow_private=s.allow_private_urls,
                total_timeout_s=s.fetch_total_timeout_s, max_redirects=s.fetch_max_redirects,
                trusted_networks=parse_networks(s.fetch_trusted_networks),
            ),
            follow_feed_links=s.follow_feed_links,
        )


class OnParts:
    """Base of the library's workers (sources, ingesting, asking): each reads the one shared
    `Parts`, so a setting replaced on the `Citebot` is the one every worker sees."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    @property
    def settings(self) -> Settings:
        return self._parts.settings

    @property
    def store(self) -> ChromaStore:
        return self._parts.store

    @property
    def embedder(self) -> Embedder:
        return self._parts.embedder

    @property
    def retriever(self) -> Retriever:
        return self._parts.retriever

    @property
    def judge(self) -> SentenceJudge | None:
        return self._parts.judge

    @property
    def read_limits(self) -> ReadLimits:
        return self._parts.read_limits

    def _scope(self, scope: str | None) -> str:
        return scope if scope is not None else self.settings.scope

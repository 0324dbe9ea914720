"""Shared fixtures: real model, real embedded Chroma, the bundled sample corpus.

The embedding model is loaded once per session (it is the slow part); every test gets its own
store under `tmp_path`, so tests never see each other's data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.library import Citebot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from vectorstore.embeddings import SentenceTransformerEmbedder  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = REPO / "examples" / "corpus"
SHARED = REPO.parent / "shared"
MULTIHOP = SHARED / "benchmarks" / "multihop"
CANONICAL_QUESTION = "Did the suspects head to Ukraine?"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test reads the developer's real config or store."""
    for key in list(os.environ):
        if key.startswith("CITEBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CITEBOT_HOME", str(tmp_path_factory.mktemp("default-home")))


@pytest.fixture(scope="session")
def make_onnx():
    """OnnxEmbedder with the default (shared, per-user) graph cache: exported once per machine."""
    from vectorstore.embeddings import OnnxEmbedder

    cache = Settings().model_cache_path
    return lambda: OnnxEmbedder(cache_dir=cache)


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def make_settings(home: Path, **overrides) -> Settings:
    return Settings(home=home, **overrides)


@pytest.fixture
def citebot(tmp_path, embedder) -> Citebot:
    """An empty citebot with its own embedded store."""
    return Citebot(make_settings(tmp_path / "home"), embedder=embedder)


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory, embedder) -> Path:
    """A store with the bundled sample corpus ingested once per session (read-only for tests)."""
    home = tmp_path_factory.mktemp("sample-home")
    bot = Citebot(make_settings(home), embedder=embedder)
    report = bot.ingest([str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed, report.failed
    return home


@pytest.fixture
def sample_bot(sample_home, embedder) -> Citebot:
    return Citebot(make_settings(sample_home), embedder=embedder)

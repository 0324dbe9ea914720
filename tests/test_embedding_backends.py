"""The ONNX Runtime backend is the same model: same vectors as sentence-transformers, same order."""

import numpy as np

from tests.conftest import SAMPLE_CORPUS
from vectorstore.embeddings import OnnxEmbedder, onnx_graph_path


def _real_texts() -> list[str]:
    texts = []
    for path in sorted(SAMPLE_CORPUS.glob("*.md")):
        texts += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 40]
    return texts[:48] + ["Short.", "x " * 400]  # a tiny text and one past the 256-token window


def test_onnx_vectors_match_sentence_transformers_on_real_text(embedder, make_onnx):
    texts = _real_texts()
    onnx = make_onnx().embed_documents(texts)
    torch_vectors = embedder.embed_documents(texts)
    assert onnx.shape == torch_vectors.shape == (len(texts), 384)
    cosines = (onnx * torch_vectors).sum(axis=1)
    assert cosines.min() >= 0.9999
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_onnx_query_vector_equals_its_document_vector(make_onnx):
    model = make_onnx()
    texts = _real_texts()[:5]
    assert np.allclose(model.embed_query(texts[3]), model.embed_documents(texts)[3], atol=1e-5)


def test_export_is_reused_and_leaves_no_temporary_files(make_onnx):
    model = make_onnx()
    model.embed_query("warm")
    folder = model.graph_path.parent
    assert model.graph_path.is_file()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert onnx_graph_path(model._path, folder) == model.graph_path


def _model_folder(root, weights: bytes):
    root.mkdir(parents=True)
    (root / "config.json").write_text('{"hidden_size": 384}', encoding="utf-8")
    (root / "model.safetensors").write_bytes(weights)
    return root


def test_the_graph_is_named_by_the_model_files_not_their_folder(tmp_path):
    """Every venv installs the model at another path; each exporting its own 90 MB graph wasted disk."""
    weights = bytes(range(256)) * 12_000  # ~3 MB: past both sampled ends
    one = _model_folder(tmp_path / "venv-a" / "model", weights)
    other = _model_folder(tmp_path / "venv-b" / "model", weights)
    assert onnx_graph_path(one, tmp_path / "cache") == onnx_graph_path(other, tmp_path / "cache")


def test_changed_weights_get_a_graph_of_their_own(tmp_path):
    weights = bytearray(bytes(range(256)) * 12_000)
    one = _model_folder(tmp_path / "a" / "model", bytes(weights))
    weights[-10] ^= 0xFF  # the last layer retrained, same size
    other = _model_folder(tmp_path / "b" / "model", bytes(weights))
    assert onnx_graph_path(one, tmp_path / "cache") != onnx_graph_path(other, tmp_path / "cache")

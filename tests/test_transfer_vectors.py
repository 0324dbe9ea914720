"""Export/import keeps every vector bit for bit, although Chroma's cosine collections round them.

No model here: random unit vectors (what the embedders give) stand in for embeddings, so the
store holds hundreds of chunks in a second or two, where the sample corpus's 11 chunks would
pass by luck about one run in four (about one vector in nine is moved by a plain rewrite).
"""

from __future__ import annotations

import io
import json
import uuid

import chromadb
import numpy as np
import pytest

from tests.conftest import BACKENDS
from vectorstore.chroma_connection import StoreConfig
from vectorstore.chroma_store import ChromaStore
from vectorstore.cosine_roundtrip import preimages, stored_form
from vectorstore.records import ChunkRecord, DocumentRecord
from vectorstore.transfer import TransferError, export_store, import_store

MODEL = "all-MiniLM-L6-v2"


def _unit_vectors(count: int, seed: int, dim: int = 384) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((count, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _bits(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).view(np.int32)


def _written_and_read_back(tmp_path, vectors: np.ndarray) -> np.ndarray:
    client = chromadb.PersistentClient(path=str(tmp_path / "raw-chroma"))
    col = client.get_or_create_collection("probe-vectors", configuration={"hnsw": {"space": "cosine"}})
    ids = [f"v{i}" for i in range(len(vectors))]
    col.upsert(ids=ids, embeddings=vectors)
    got = col.get(ids=ids, include=["embeddings"])
    by_id = dict(zip(got["ids"], got["embeddings"]))
    return np.asarray([by_id[i] for i in ids], dtype=np.float32)


def test_stored_form_is_what_a_chroma_cosine_collection_reads_back(tmp_path):
    """The model of Chroma's rounding that the import relies on (fails if a Chroma upgrade changes it)."""
    unit = _unit_vectors(1500, seed=1)
    vectors = np.vstack([unit, unit[:100] * np.float32(3.7)])  # and some that are not unit length
    read_back = _written_and_read_back(tmp_path, vectors)
    assert (_bits(read_back) != _bits(vectors)).any(axis=1).sum() > 50  # Chroma really does move them
    assert np.array_equal(_bits(stored_form(vectors)), _bits(read_back))


def test_preimages_read_back_as_the_vectors_asked_for():
    wanted = stored_form(_unit_vectors(3000, seed=2))  # vectors as a Chroma store holds them
    assert (_bits(stored_form(wanted)) != _bits(wanted)).any(axis=1).sum() > 100  # a plain rewrite moves these
    written, unmatched = preimages(wanted)
    assert unmatched == 0
    assert np.array_equal(_bits(stored_form(written)), _bits(wanted))
    assert np.abs(_bits(written).astype(np.int64) - _bits(wanted)).max() <= 3  # nudged by ulps, no more


def _store_with_random_chunks(path, documents: int = 12, chunks_each: int = 25) -> ChromaStore:
    store = ChromaStore(StoreConfig(path=path))
    vectors = _unit_vectors(documents * chunks_each, seed=3)
    for d in range(documents):
        record = DocumentRecord(document_id=f"doc{d}", scope="global", title=f"Doc {d}",
                                content_hash=f"{d:064x}", chunk_count=chunks_each, url=f"https://news.example.org/{d}")
        chunks = [ChunkRecord(index=i, text=f"chunk {i} of doc {d}", start=i * 10, end=i * 10 + 9,
                              embedding=vectors[d * chunks_each + i].tolist()) for i in range(chunks_each)]
        store.put_document(record, chunks)
    return store


def _vectors(store: ChromaStore) -> dict[str, bytes]:
    return {cid: np.asarray(vec, dtype=np.float32).tobytes()
            for cid, vec in store.iter_rows(store.collections()[0], ["embeddings"])}


@pytest.mark.parametrize("target", BACKENDS)
def test_export_then_import_keeps_every_vector_bit_for_bit(tmp_path, target, request):
    source = _store_with_random_chunks(tmp_path / "source")
    dump = io.StringIO()
    exported = export_store(source, dump, embedding_model=MODEL)
    if target == "embedded":
        config = StoreConfig(path=tmp_path / "target")
    else:
        server = request.getfixturevalue("chroma_server")
        config = StoreConfig(url=server.url, database=f"test-{uuid.uuid4().hex[:12]}")
    copy = ChromaStore(config)
    imported = import_store(copy, io.StringIO(dump.getvalue()).readlines(), embedding_model=MODEL)

    assert imported.chunks == exported.chunks == 300
    assert imported.inexact_vectors == 0
    assert _vectors(copy) == _vectors(source)
    again = import_store(copy, io.StringIO(dump.getvalue()).readlines(), embedding_model=MODEL)  # idempotent
    assert again.inexact_vectors == 0 and _vectors(copy) == _vectors(source)


def test_a_damaged_embedding_is_a_transfer_error_not_a_traceback(tmp_path):
    source = _store_with_random_chunks(tmp_path / "source", documents=1, chunks_each=3)
    dump = io.StringIO()
    export_store(source, dump, embedding_model=MODEL)
    lines = dump.getvalue().splitlines(keepends=True)
    chunk = json.loads(lines[1])
    chunk["embedding"] = chunk["embedding"][:10]  # shorter than the other chunks'
    lines[1] = json.dumps(chunk) + "\n"
    copy = ChromaStore(StoreConfig(path=tmp_path / "target"))
    with pytest.raises(TransferError, match="embedding"):
        import_store(copy, lines, embedding_model=MODEL)
    assert copy.list_documents() == []  # chunks come first and registry records last: nothing visible

"""Small Chroma collections of plain records beside the article store: watched feeds, leases,
per-server settings.

They live in the same Chroma (embedded folder or server) as the articles, so every process
sharing a store shares them too; nothing is kept in a side file. Records are looked up by id or
metadata, never by vector, so each carries a one-number placeholder vector.

Writes on an embedded store take the store's cross-process write lock (`vectorstore.locking`),
the same lock the article writes take; a Chroma server serialises writes itself. The lock is
never held while anything else runs: callers take it for one compare-then-write and let go.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from vectorstore.chroma_connection import StoreConfig, connect, store_error
from vectorstore.errors import StoreError
from vectorstore.locking import write_lock

PLACEHOLDER_VECTOR = [0.0]


def clean_metadata(meta: dict) -> dict:
    """Chroma metadata takes no None values."""
    return {k: ("" if v is None else v) for k, v in meta.items()}


class RecordCollection:
    """One named collection of metadata-only records, opened on first use."""

    def __init__(self, config: StoreConfig, name: str) -> None:
        self.config = config
        self.name = name
        self._collection = None

    def _open(self):
        if self._collection is None:
            try:
                self._collection = connect(self.config).get_or_create_collection(self.name, embedding_function=None)
            except StoreError:
                raise
            except Exception as err:
                raise store_error(self.config, err) from None
        return self._collection

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self._open(), method)(**kwargs)
        except StoreError:
            raise
        except Exception as err:
            raise store_error(self.config, err) from None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive against every other writer of an embedded store; a server needs no lock."""
        if self.config.url or self.config.path is None:
            yield
            return
        with write_lock(self.config.path / "write.lock", timeout_s=self.config.lock_timeout_s):
            yield

    def get(self, record_id: str) -> dict | None:
        got = self._call("get", ids=[record_id], include=["metadatas"])
        return dict(got["metadatas"][0]) if got["ids"] else None

    def find(self, where: dict | None = None) -> list[tuple[str, dict]]:
        got = self._call("get", where=where, include=["metadatas"])
        return [(i, dict(m)) for i, m in zip(got["ids"], got["metadatas"])]

    def upsert(self, record_id: str, meta: dict) -> None:
        self._call("upsert", ids=[record_id], embeddings=[PLACEHOLDER_VECTOR], metadatas=[clean_metadata(meta)])

    def add(self, record_id: str, meta: dict) -> None:
        """Add a record; if one with this id exists, Chroma keeps the existing one (first add wins)."""
        self._call("add", ids=[record_id], embeddings=[PLACEHOLDER_VECTOR], metadatas=[clean_metadata(meta)])

    def delete(self, record_ids: list[str]) -> None:
        if record_ids:
            self._call("delete", ids=record_ids)

"""Opening Chroma: where a store lives (`StoreConfig`), the client for it, and the one-line errors
a user sees when it cannot be reached or opened. Kept apart from `chroma_store`, which is about what
is stored, so that module stays about records and searches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import StoreError, StoreUnavailable


@dataclass(frozen=True)
class StoreConfig:
    """Where the store lives: a local folder (embedded) or a Chroma server URL."""

    path: Path | None = None
    url: str | None = None
    headers: dict[str, str] | None = None
    lock_timeout_s: float = 60.0
    database: str | None = None  # a Chroma server database; None = Chroma's default database

    @property
    def describe(self) -> str:
        return self.url or str(self.path)


def _is_chroma_error(err: Exception) -> bool:
    """Errors the server answered with (bad auth, bad request), as opposed to "not reachable"."""
    from chromadb.errors import ChromaError

    return isinstance(err, ChromaError)


def _ensure_database(name: str, **where) -> None:
    """Create the named server database on first use, so one server can hold several stores."""
    import chromadb
    from chromadb.errors import NotFoundError

    admin = chromadb.AdminClient(chromadb.HttpClient(**where).get_settings())
    try:
        admin.get_database(name)
    except NotFoundError:
        admin.create_database(name)


def connect(config: StoreConfig):
    """A Chroma client for `config`: a server over HTTP, or an embedded store in a folder."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    try:
        if config.url:
            from urllib.parse import urlsplit

            parts = urlsplit(config.url)
            where = dict(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                headers=config.headers or {},
                settings=settings,
            )
            if config.database:
                _ensure_database(config.database, **where)
                where["database"] = config.database
            return chromadb.HttpClient(**where)
        assert config.path is not None
        config.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(config.path), settings=settings)
    except Exception as err:
        raise store_error(config, err) from None


def store_error(config: StoreConfig, err: Exception) -> StoreError:
    """The one line a user sees for a Chroma failure: what could not be reached or opened, and what to check."""
    if config.url and not _is_chroma_error(err):
        return StoreUnavailable(
            f"cannot reach the Chroma server at {config.url} ({type(err).__name__}); "
            "start it with 'chroma run' or check CITEBOT_CHROMA_URL"
        )
    if config.url:
        return StoreError(f"the Chroma server at {config.url} refused the request: {err}")
    return StoreError(f"cannot open the store at {config.path} ({err}); check CITEBOT_HOME")

"""A BM25 keyword index (tantivy) over the stored chunks: a derived, local cache of the store.

Dense retrieval misses questions that hinge on rare words (names, products, figures); BM25 finds
them. Chroma's own sparse index is a Chroma Cloud feature (local Chroma refuses it) and Python
BM25 libraries score every chunk per query. The first index here was SQLite FTS5, but FTS5's
bm25() scores every row matching any word (~44k rows, ~40 ms CPU per search at 100k chunks;
profiled as the largest cost of a question). tantivy ranks top-k with block-max WAND: ~1 ms
for the same searches, with filters (scope, outlet, date) evaluated inside the index.

Layout: a tantivy directory holds the postings; a small SQLite file beside it holds the
bookkeeping (which document versions are indexed, the registry fingerprint, per-chunk facets),
because SQLite gives cross-process transactions: a sync runs under its write lock, so only one
process at a time writes to the tantivy index.

The Chroma store stays the single source of truth, in embedded and server mode alike: the
index records which (scope, document, content hash + indexed metadata) versions it holds, and before each search
it compares a fingerprint of the store's registry with the one it was built from. When another
process ingested or removed something, only the documents whose hash changed are re-read from
the store (`iter_chunks`), so the index can never serve a removed article for long: search
results are also re-checked against the registry when their text is fetched from Chroma.
Crash safety: tantivy commits first, then the SQLite bookkeeping. A crash between the two
leaves documents the bookkeeping does not know; the next sync deletes each changed document
by its key before adding it, so redoing the work is harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
import threading
from pathlib import Path

import tantivy

from vectorstore.errors import StoreBusy, StoreError
from vectorstore.terms import query_terms

ENGINE = "tantivy-2"  # bump when the schema changes: bookkeeping of another engine or layout is rebuilt
_ANALYZER = "citebot_en"
_READ_PAGE = 1000  # chunks read from the store per request while syncing: Chroma's peak memory grows with it
_TARGETED_SYNC_DOCS = 500  # up to this many changed documents, a sync reads only their chunks
_WRITER_HEAP = 64_000_000  # bytes tantivy buffers before flushing a segment


def _analyzer() -> tantivy.TextAnalyzer:
    """Words split on non-alphanumerics, lower-cased, accents folded, English (Snowball) stems:
    what the FTS5 index did with 'porter unicode61 remove_diacritics 2'."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=False, tokenizer_name=_ANALYZER, index_option="freq")
    builder.add_text_field("chunk_id", stored=True, tokenizer_name="raw", index_option="basic")
    for field in ("scope", "document_id", "outlet"):
        builder.add_text_field(field, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("published_ord", stored=False, indexed=True, fast=True)
    return builder.build()


# The bookkeeping: which document versions the postings hold, with what each adds to the facets.
_TABLES = (
    """CREATE TABLE IF NOT EXISTS docs (
        scope TEXT, document_id TEXT, content_hash TEXT, outlet TEXT, published_ord INTEGER, chunks INTEGER,
        PRIMARY KEY (scope, document_id)
    )""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
)


def _failure(err: Exception, message: str) -> StoreError:
    """The user's line for a failed open or update: `StoreBusy` when another process holds the
    write lock past the busy timeout (waiting is the remedy), else `message` (rebuilding is)."""
    if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
        return StoreBusy("another citebot process is updating the keyword index; try again when it is done")
    return StoreError(message)


def indexed_version(record) -> str:
    """What the index holds of a document: its text (content hash) and the metadata it indexes (the
    title, in the text; outlet and date, as filters), so a metadata edit re-indexes the document."""
    stamp = hashlib.sha1(f"{record.title}\x1f{record.outlet}\x1f{record.published_at}".encode()).hexdigest()[:12]
    return f"{record.content_hash}:{stamp}"


class LexicalIndex:
    """tantivy index of chunk text (plus the article title), kept in step with a ChromaStore.

    `path` is the bookkeeping SQLite file; the postings live in the directory `path` + ".tantivy"."""

    def __init__(self, path: Path, *, busy_timeout_s: float = 60.0) -> None:
        """`busy_timeout_s`: how long to wait for another process's index update (a first build at
        100k chunks takes ~14 s) before giving up with `StoreBusy`."""
        self.path = path
        self.postings_dir = Path(str(path) + ".tantivy")
        self._lock = threading.Lock()
        self._facets_key: tuple | None = None
        self._facets: tuple[list[str], int | None] = ([], None)
        self._synced: str | None = None  # registry fingerprint this process last saw the index match
        self._loaded: str | None = None  # fingerprint the tantivy reader was last reloaded at
        self._schema = _schema()
        self._analyzer = _analyzer()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._connect(busy_timeout_s)
            except sqlite3.DatabaseError as err:
                if isinstance(err, sqlite3.OperationalError):
                    raise
                # not SQLite at all (overwritten, or torn by a full disk): the index is only a
                # cache of the store, so it is thrown away and rebuilt by the next sync
                self._discard_files()
                self._connect(busy_timeout_s)
        except (sqlite3.Error, OSError, ValueError) as err:
            raise _failure(err, f"cannot open the keyword index at {path} ({err}); delete it to rebuild") from None

    def _connect(self, busy_timeout_s: float) -> None:
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=busy_timeout_s, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._open_postings()

    def _discard_files(self) -> None:
        if getattr(self, "_db", None) is not None:
            self._db.close()
        for name in (self.path.name, self.path.name + "-wal", self.path.name + "-shm"):
            (self.path.parent / name).unlink(missing_ok=True)
        shutil.rmtree(self.postings_dir, ignore_errors=True)

    def _open_postings(self) -> None:
        """Open (or create) the tantivy directory; bookkeeping that does not describe it is reset,
        so a deleted directory, or one from another engine version, is rebuilt from the store."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _TABLES:
                self._db.execute(statement)
            index = None
            if self.postings_dir.is_dir() and tantivy.Index.exists(str(self.postings_dir)) and self._meta("engine") == ENGINE:
                try:
                    index = tantivy.Index(self._schema, path=str(self.postings_dir), reuse=True)
                except ValueError:  # another schema on disk (an unreleased build's, say): rebuild
                    index = None
            if index is None:
                shutil.rmtree(self.postings_dir, ignore_errors=True)
                self.postings_dir.mkdir(parents=True)
                for table in ("docs", "meta", "chunk_meta"):  # chunk_meta: tantivy-1's per-chunk facets
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _TABLES:
                    self._db.execute(statement)
                self._db.execute("INSERT INTO meta VALUES ('engine', ?)", (ENGINE,))
                index = tantivy.Index(self._schema, path=str(self.postings_dir), reuse=True)
            self._index = index
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._index.register_tokenizer(_ANALYZER, self._analyzer)
        self._index.config_reader(reload_policy="Manual")

    # -- keeping in step with the store -----------------------------------------------------
    @staticmethod
    def fingerprint(versions: dict[tuple[str, str], str]) -> str:
        digest = hashlib.sha1()
        for (scope, document_id), content_hash in sorted(versions.items()):
            digest.update(f"{scope}|{document_id}|{content_hash}\n".encode())
        return digest.hexdigest()

    def sync(self, store) -> int:
        """Bring the index up to the store's registry; return how many documents were (re)indexed."""
        versions = {(r.scope, r.document_id): indexed_version(r) for r in store.list_documents()}
        wanted = self.fingerprint(versions)
        with self._lock:
            self._synced = None
            if self._meta("fingerprint") == wanted:
                self._synced = wanted
                return 0
            try:
                self._db.execute("BEGIN IMMEDIATE")  # the cross-process write lock
                if self._meta("fingerprint") == wanted:  # another process synced meanwhile
                    self._db.execute("COMMIT")
                    self._synced = wanted
                    return 0
                held = {(s, d): h for s, d, h in self._db.execute("SELECT scope, document_id, content_hash FROM docs")}
                stale = [key for key, h in held.items() if versions.get(key) != h]
                missing = {key: h for key, h in versions.items() if held.get(key) != h}
                self._db.executemany("DELETE FROM docs WHERE scope = ? AND document_id = ?", stale)
                facets = self._write_postings(store, stale, missing)  # committed in tantivy before the bookkeeping
                self._db.executemany(
                    "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                    [(s, d, h, *facets.get((s, d), ("", 0, 0))) for (s, d), h in missing.items()],
                )
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (wanted,))
                self._db.execute("COMMIT")
                self._synced = wanted
                return len(missing)
            except BaseException as err:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(err, (ValueError, OSError, sqlite3.Error)):
                    raise _failure(err, f"keyword index update failed ({err}); delete {self.path} to rebuild it") from None
                raise

    def _write_postings(
        self, store, stale: list[tuple[str, str]], missing: dict[tuple[str, str], str]
    ) -> dict[tuple[str, str], tuple[str, int, int]]:
        """Delete every changed document, add the current chunks of the missing ones, commit; return
        each added document's (outlet, published_ord, chunk count) for the facets.
        Chunks are read a page at a time: holding a 100k-chunk store at once cost the first asker
        after a large ingest ~370 MB more peak memory."""
        writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        try:
            for scope, document_id in {*stale, *missing}:
                writer.delete_documents_by_query(tantivy.Query.boolean_query([
                    (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "scope", scope)),
                    (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "document_id", document_id)),
                ]))
            # a few new documents (another process ingested them): read just theirs, not the whole store
            only = {d for _, d in missing} if len(missing) <= _TARGETED_SYNC_DOCS else None
            facets: dict[tuple[str, str], tuple[str, int, int]] = {}
            if missing:
                for chunk_id, text, meta in store.iter_chunks(batch=_READ_PAGE, document_ids=only):
                    key = (meta["scope"], meta["document_id"])
                    if missing.get(key, "").partition(":")[0] != meta.get("content_hash"):
                        continue
                    outlet, published = str(meta.get("outlet", "")), int(meta.get("published_ord", 0) or 0)
                    # the title is indexed as part of the text, one field (as FTS5's bm25 over weighted
                    # columns did): on dev that beat a separate title field at any boost (MRR .689 vs ≤ .680)
                    writer.add_document(tantivy.Document(
                        text=f"{meta.get('title', '')}\n{text}", chunk_id=chunk_id,
                        scope=key[0], document_id=key[1], outlet=outlet, published_ord=published,
                    ))
                    facets[key] = (outlet, published, facets.get(key, ("", 0, 0))[2] + 1)
            writer.commit()
            return facets
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()  # finishes merges and releases tantivy's writer lock

    def facets(self, scope: str | None = None) -> tuple[list[str], int | None]:
        """The outlets in the index and the most common publication year (for query analysis)."""
        key = (self._meta("fingerprint"), scope)
        if self._facets_key != key:
            where, args = ("AND scope = ?", [scope]) if scope is not None else ("", [])
            with self._lock:
                rows = self._db.execute(  # years weigh by chunks, as the passages a question meets do
                    f"SELECT outlet, published_ord, sum(chunks) FROM docs WHERE chunks > 0 {where} GROUP BY outlet, published_ord",
                    args,
                ).fetchall()
            outlets = sorted({o for o, _, _ in rows if o})
            years: dict[int, int] = {}
            for _, ordinal, n in rows:
                if ordinal:
                    year = dt.date.fromordinal(int(ordinal)).year
                    years[year] = years.get(year, 0) + n
            self._facets = (outlets, max(years, key=years.get) if years else None)
            self._facets_key = key
        return self._facets

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- search -----------------------------------------------------------------------------
    def search(
        self, query: str, *, k: int, scope: str | None = None, where: dict | None = None
    ) -> list[str] | None:
        """Chunk ids by BM25, best first; None when `where` uses a filter this index cannot apply.
        Filters restrict the matching set without changing scores (BM25 statistics are the
        whole index's), so a filtered ranking is the unfiltered one with rows dropped."""
        clauses = self._selection(scope, where)
        if clauses is None:
            return None
        tokens = list(dict.fromkeys(t for term in query_terms(query) for t in self._analyzer.analyze(term)))
        if not tokens:
            return []
        should = [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "text", token)) for token in tokens]
        must = [(tantivy.Occur.Must, tantivy.Query.boolean_query(should))]
        # filters only select: a zero constant score keeps them out of the ranking
        must += [(occur, tantivy.Query.const_score_query(q, 0.0)) for occur, q in clauses]
        return self._top(tantivy.Query.boolean_query(must), k)

    def chunk_ids(self, *, scope: str | None = None, where: dict | None = None, limit: int) -> list[str] | None:
        """Every chunk id `where` selects (in `scope`), if there are at most `limit` of them;
        None when there are more, or the filter is not one this index can apply."""
        clauses = self._selection(scope, where)
        if clauses is None:
            return None
        ids = self._top(tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()), *clauses]), limit + 1)
        return None if len(ids) > limit else ids

    def _selection(self, scope: str | None, where: dict | None) -> list[tuple] | None:
        """The clauses restricting a search to `scope` and `where`; None if `where` is not applicable."""
        clauses = self._filter_clauses(where)
        if clauses is not None and scope is not None:
            clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "scope", scope)))
        return clauses

    def _top(self, query: tantivy.Query, k: int) -> list[str]:
        """The chunk ids of the `k` best hits of `query`."""
        try:
            searcher = self._searcher()
            return [searcher.doc(address)["chunk_id"][0] for _, address in searcher.search(query, k, count=False).hits]
        except (ValueError, OSError) as err:
            raise StoreError(f"keyword search failed ({err}); delete {self.path} to rebuild it") from None

    def _searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit this process has seen the bookkeeping confirm."""
        with self._lock:
            seen = self._synced or self._meta("fingerprint")
            if seen != self._loaded:
                self._index.reload()
                self._loaded = seen
            return self._index.searcher()

    def _filter_clauses(self, where: dict | None) -> list[tuple] | None:
        """Translate the Chroma filters citebot uses (dates, outlet, document) to tantivy clauses;
        None if unsupported (the caller then searches by meaning only)."""
        if not where:
            return []
        if set(where) == {"$and"}:
            clauses: list[tuple] = []
            for part in where["$and"]:
                sub = self._filter_clauses(part)
                if sub is None:
                    return None
                clauses += sub
            return clauses
        if len(where) != 1:
            return None
        [(field, cond)] = where.items()
        if field not in _FILTERABLE:
            return None
        if not isinstance(cond, dict):
            cond = {"$eq": cond}
        if len(cond) != 1:
            return None
        [(op, value)] = cond.items()
        if op == "$in":
            values = list(value)
            if not values:
                return [(tantivy.Occur.Must, tantivy.Query.empty_query())]
            matches = [(tantivy.Occur.Should, self._equals(field, v)) for v in values]
            return [(tantivy.Occur.Must, tantivy.Query.boolean_query(matches))]
        if op in ("$eq", "$ne"):
            return [(tantivy.Occur.Must if op == "$eq" else tantivy.Occur.MustNot, self._equals(field, value))]
        if op not in _RANGES or field != "published_ord":
            return None
        lower, upper, include_lower, include_upper = _RANGES[op](int(value))
        query = tantivy.Query.range_query(
            self._schema, field, tantivy.FieldType.Integer, lower, upper,
            include_lower=include_lower, include_upper=include_upper,
        )
        return [(tantivy.Occur.Must, query)]

    def _equals(self, field: str, value) -> tantivy.Query:
        if field == "published_ord":
            v = int(value)
            return tantivy.Query.range_query(self._schema, field, tantivy.FieldType.Integer, v, v)
        return tantivy.Query.term_query(self._schema, field, str(value))

    def close(self) -> None:
        self._db.close()


_FILTERABLE = {"published_ord", "outlet", "document_id"}
# (lower, upper, include_lower, include_upper) of each comparison on an integer field
_RANGES = {
    "$gte": lambda v: (v, None, True, True),
    "$gt": lambda v: (v, None, False, True),
    "$lte": lambda v: (None, v, True, True),
    "$lt": lambda v: (None, v, True, False),
}


def retire_fts5_index(directory: Path) -> None:
    """Delete the FTS5 index file an older citebot kept in `directory` (a derived cache, now unused)."""
    for suffix in ("", "-wal", "-shm"):
        (directory / f"chunks.sqlite{suffix}").unlink(missing_ok=True)

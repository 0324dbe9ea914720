"""A BM25 keyword index (SQLite FTS5) over the stored chunks: a derived, local cache of the store.

Dense retrieval misses questions that hinge on rare words (names, products, figures); BM25 finds
them. Chroma's own sparse index is a Chroma Cloud feature (local Chroma refuses it) and Python
BM25 libraries score every chunk per query, so we keep an FTS5 table in a SQLite file next to
the other local data.

The Chroma store stays the single source of truth, in embedded and server mode alike: the
index records which (scope, document, content hash) versions it holds, and before each search
it compares a fingerprint of the store's registry with the one it was built from. When another
process ingested or removed something, only the documents whose hash changed are re-read from
the store (`iter_chunks`), so the index can never serve a removed article for long: search
results are also re-checked against the registry when their text is fetched from Chroma.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from vectorstore.errors import StoreError

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry no topic; BM25 would weigh them low anyway, but dropping them keeps queries short.
STOPWORDS = frozenset(
    "a an and are as at be been being but by can could did do does doing for from had has have having he her "
    "hers him his how i if in into is it its itself me more most my no nor not of on or our ours she should "
    "so some such than that the their theirs them then there these they this those to too very was we were "
    "what when where which while who whom why will with would you your yours about after again against all "
    "also any before between both during each few further here just once only other out over own same "
    "through under until up according article articles report reported reports published news".split()
)


def words(text: str) -> list[str]:
    """The lower-cased words of `text`, as keyword search and answer scoring both see them."""
    return _WORD.findall(text.lower())


def query_terms(text: str, limit: int = 40) -> list[str]:
    """Content words of a question, lower-cased, in order, without duplicates."""
    terms = [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return list(dict.fromkeys(terms))[:limit]


def _fts_query(terms: Iterable[str]) -> str:
    return " OR ".join('"' + t.replace('"', "") + '"' for t in terms)


class LexicalIndex:
    """FTS5 index of chunk text (plus the article title), kept in step with a ChromaStore."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._facets_key: tuple | None = None
        self._facets: tuple[list[str], int | None] = ([], None)
        self._synced: str | None = None  # registry fingerprint this process last saw the index match
        self._rankings: dict[tuple, list[tuple]] = {}  # recent deep rankings (see `search`)
        self._one_scope: dict[tuple, bool] = {}  # (fingerprint, scope) -> every chunk is in that scope
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(
                """
                CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(
                    text, title, chunk_id UNINDEXED, scope UNINDEXED, document_id UNINDEXED,
                    outlet UNINDEXED, published_ord UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2'
                );
                CREATE TABLE IF NOT EXISTS docs (
                    scope TEXT, document_id TEXT, content_hash TEXT, PRIMARY KEY (scope, document_id)
                );
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE IF NOT EXISTS chunk_meta (
                    rid INTEGER PRIMARY KEY, scope TEXT, document_id TEXT, outlet TEXT, published_ord INTEGER
                );
                CREATE INDEX IF NOT EXISTS chunk_meta_document ON chunk_meta (scope, document_id);
                CREATE INDEX IF NOT EXISTS chunk_meta_outlet ON chunk_meta (outlet);
                CREATE INDEX IF NOT EXISTS chunk_meta_published ON chunk_meta (published_ord);
                """
            )
            self._fill_chunk_meta()
        except sqlite3.Error as err:
            raise StoreError(f"cannot open the keyword index at {path} ({err}); delete it to rebuild") from None

    def _fill_chunk_meta(self) -> None:
        """Indexes built before `chunk_meta` existed get it from their own rows, once (no re-read of the store).

        Why the side table: FTS5 keeps UNINDEXED columns in its content table, so a filter on scope,
        outlet or date read the stored row of every chunk matching any word of the question. At 100k
        chunks that was half of a keyword search (90 vs 46 ms CPU) and most of a filtered one
        (57 vs 11 ms); an indexed table of rowids answers the filter instead."""
        if self._meta("chunk_meta") == "1":
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self._meta("chunk_meta") != "1":
                self._db.execute("DELETE FROM chunk_meta")
                self._db.execute(
                    "INSERT INTO chunk_meta SELECT rowid, scope, document_id, outlet, published_ord FROM chunks"
                )
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('chunk_meta', '1')")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # -- keeping in step with the store -----------------------------------------------------
    @staticmethod
    def fingerprint(versions: dict[tuple[str, str], str]) -> str:
        digest = hashlib.sha1()
        for (scope, document_id), content_hash in sorted(versions.items()):
            digest.update(f"{scope}|{document_id}|{content_hash}\n".encode())
        return digest.hexdigest()

    def sync(self, store) -> int:
        """Bring the index up to the store's registry; return how many documents were (re)indexed."""
        versions = {(r.scope, r.document_id): r.content_hash for r in store.list_documents()}
        wanted = self.fingerprint(versions)
        with self._lock:
            self._synced = None
            if self._meta("fingerprint") == wanted:
                self._synced = wanted
                return 0
            try:
                self._db.execute("BEGIN IMMEDIATE")
                if self._meta("fingerprint") == wanted:  # another process synced meanwhile
                    self._db.execute("COMMIT")
                    self._synced = wanted
                    return 0
                held = {(s, d): h for s, d, h in self._db.execute("SELECT scope, document_id, content_hash FROM docs")}
                stale = [key for key, h in held.items() if versions.get(key) != h]
                missing = {key: h for key, h in versions.items() if held.get(key) != h}
                for scope, document_id in stale:
                    self._db.execute(
                        "DELETE FROM chunks WHERE rowid IN (SELECT rid FROM chunk_meta WHERE scope = ? AND document_id = ?)",
                        (scope, document_id),
                    )
                    self._db.execute("DELETE FROM chunk_meta WHERE scope = ? AND document_id = ?", (scope, document_id))
                    self._db.execute("DELETE FROM docs WHERE scope = ? AND document_id = ?", (scope, document_id))
                if missing:
                    self._add_chunks(store, missing)
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (wanted,))
                self._db.execute("COMMIT")
                self._synced = wanted
                return len(missing)
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _add_chunks(self, store, missing: dict[tuple[str, str], str]) -> None:
        """Index the chunks of `missing` documents, a page at a time: holding every row of a
        100k-chunk store at once (and reading the store 5,000 chunks a page) cost the first asker after
        a large ingest ~370 MB more peak memory than later ones (880 vs 515 MB in a bench-like process)."""
        rows = []
        next_rid = (self._db.execute("SELECT max(rid) FROM chunk_meta").fetchone()[0] or 0) + 1
        # a few new documents (another process ingested them): read just theirs, not the whole store
        only = {d for _, d in missing} if len(missing) <= _TARGETED_SYNC_DOCS else None
        for chunk_id, text, meta in store.iter_chunks(batch=_INSERT_PAGE // 2, document_ids=only):
            key = (meta["scope"], meta["document_id"])
            if missing.get(key) == meta.get("content_hash"):
                rows.append((
                    next_rid, text, str(meta.get("title", "")), chunk_id, key[0], key[1],
                    str(meta.get("outlet", "")), int(meta.get("published_ord", 0) or 0),
                ))
                next_rid += 1
            if len(rows) >= _INSERT_PAGE:
                self._insert(rows)
                rows.clear()
        self._insert(rows)
        self._db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?)", [(s, d, h) for (s, d), h in missing.items()])

    def _insert(self, rows: list[tuple]) -> None:
        self._db.executemany(
            "INSERT INTO chunks (rowid, text, title, chunk_id, scope, document_id, outlet, published_ord) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows,
        )
        self._db.executemany("INSERT INTO chunk_meta VALUES (?, ?, ?, ?, ?)", [(r[0], *r[4:]) for r in rows])

    def facets(self, scope: str | None = None) -> tuple[list[str], int | None]:
        """The outlets in the index and the most common publication year (for query analysis)."""
        key = (self._meta("fingerprint"), scope)
        if self._facets_key != key:
            where, args = ("WHERE scope = ?", [scope]) if scope is not None else ("", [])
            with self._lock:
                rows = self._db.execute(
                    f"SELECT outlet, published_ord, count(*) FROM chunk_meta {where} GROUP BY outlet, published_ord", args
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
        self, query: str, *, k: int, scope: str | None = None, where: dict | None = None, title_weight: float = 0.5
    ) -> list[str] | None:
        """Chunk ids by BM25, best first; None when `where` uses a filter this index cannot apply.
        `title_weight` scales matches in the article title relative to the chunk text (1.0)."""
        clauses, params = _sql_filter(where)
        if clauses is None:
            return None
        terms = query_terms(query)
        if not terms:
            return []
        if self._synced is not None:
            # One question runs the same words several times: unfiltered, then within each outlet or
            # date it names. BM25 does not depend on the filter, so a filtered ranking is the
            # unfiltered one with rows dropped: rank once, deep, and filter here. Scoring every
            # matching row is what costs (~30-130 ms a call at 100k chunks), not the rows returned.
            ranked = self._deep_ranking(terms, scope, title_weight)
            keep = _row_predicate(where)
            hits = [row[0] for row in ranked if keep(row)]
            if len(hits) >= k or len(ranked) < DEEP_RANKING:
                return hits[:k]
        return self._query(terms, scope, clauses, params, title_weight, k)

    def _deep_ranking(self, terms: list[str], scope: str | None, title_weight: float) -> list[tuple]:
        key = (self._synced, tuple(terms), scope, float(title_weight))
        with self._lock:
            ranked = self._rankings.get(key)
        if ranked is None:
            ranked = self._query(terms, scope, [], [], title_weight, DEEP_RANKING, columns="chunk_id, outlet, published_ord, document_id")
            with self._lock:
                if len(self._rankings) >= 8:
                    self._rankings.pop(next(iter(self._rankings)))
                self._rankings[key] = ranked
        return ranked

    def _query(self, terms, scope, clauses, params, title_weight, k, columns: str = "chunk_id") -> list:
        clauses, params = list(clauses), list(params)
        if scope is not None and not self._only_scope(scope):
            clauses.append("scope = ?")
            params.append(scope)
        sql = f"SELECT {columns} FROM chunks WHERE chunks MATCH ?"
        args: list = [_fts_query(terms)]
        if clauses:
            # answered by the indexed side table, not by reading each matching row; the unary `+`
            # keeps SQLite from handing FTS5 one rowid at a time (a fresh BM25 setup per row: 120-200
            # ms for an outlet of ~200 chunks at 100k, against ~7 ms for a set membership test)
            sql += f" AND +rowid IN (SELECT rid FROM chunk_meta WHERE {' AND '.join(clauses)})"
            args.extend(params)
        sql += " ORDER BY bm25(chunks, 1.0, ?) LIMIT ?"
        args.extend([float(title_weight), k])
        with self._lock:
            try:
                rows = self._db.execute(sql, args).fetchall()
            except sqlite3.Error as err:
                raise StoreError(f"keyword search failed ({err}); delete {self.path} to rebuild it") from None
        return rows if columns != "chunk_id" else [row[0] for row in rows]

    def _only_scope(self, scope: str) -> bool:
        """Whether every indexed chunk is in `scope` (then a scope filter would only cost time)."""
        key = (self._synced, scope)
        with self._lock:
            if self._synced is None or key not in self._one_scope:
                other = self._db.execute("SELECT 1 FROM chunk_meta WHERE scope != ? LIMIT 1", (scope,)).fetchone()
                if len(self._one_scope) > 16:
                    self._one_scope.clear()
                self._one_scope[key] = other is None
            return self._one_scope[key]

    def close(self) -> None:
        self._db.close()


_INSERT_PAGE = 2000  # rows inserted into the index per statement while syncing
_TARGETED_SYNC_DOCS = 500  # up to this many changed documents, a sync reads only their chunks
DEEP_RANKING = 400  # rows kept of an unfiltered ranking, for filtered searches of the same words
_OPS = {"$gte": ">=", "$lte": "<=", "$gt": ">", "$lt": "<", "$eq": "=", "$ne": "!="}
_COMPARE = {"$gte": operator.ge, "$lte": operator.le, "$gt": operator.gt, "$lt": operator.lt, "$eq": operator.eq, "$ne": operator.ne}
_ROW_INDEX = {"outlet": 1, "published_ord": 2, "document_id": 3}  # columns of a deep ranking row
_FILTERABLE = {"published_ord", "outlet", "document_id"}


def _sql_filter(where: dict | None) -> tuple[list[str] | None, list]:
    """Translate the Chroma filters citebot uses (dates, outlet) to SQL; (None, []) if unsupported."""
    if not where:
        return [], []
    if set(where) == {"$and"}:
        clauses, params = [], []
        for part in where["$and"]:
            sub, sub_params = _sql_filter(part)
            if sub is None:
                return None, []
            clauses += sub
            params += sub_params
        return clauses, params
    if len(where) != 1:
        return None, []
    [(field, cond)] = where.items()
    if field not in _FILTERABLE:
        return None, []
    if not isinstance(cond, dict):
        cond = {"$eq": cond}
    if set(cond) == {"$in"}:
        values = list(cond["$in"])
        return [f"{field} IN ({', '.join('?' * len(values))})"], values
    if len(cond) != 1 or next(iter(cond)) not in _OPS:
        return None, []
    [(op, value)] = cond.items()
    return [f"{field} {_OPS[op]} ?"], [value]


def _row_predicate(where: dict | None):
    """The filter `_sql_filter` applies in SQL, as a test of a deep-ranking row (same semantics).
    Only called with filters `_sql_filter` accepted."""
    if not where:
        return lambda row: True
    if set(where) == {"$and"}:
        parts = [_row_predicate(part) for part in where["$and"]]
        return lambda row: all(p(row) for p in parts)
    [(field, cond)] = where.items()
    index = _ROW_INDEX[field]
    if not isinstance(cond, dict):
        cond = {"$eq": cond}
    if set(cond) == {"$in"}:
        values = set(cond["$in"])
        return lambda row: row[index] in values
    [(op, value)] = cond.items()
    compare = _COMPARE[op]
    return lambda row: compare(row[index], value)

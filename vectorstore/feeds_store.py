"""Watched feeds and the leases that make one process at a time poll each of them.

Both are Chroma collections beside the articles (`side_records`), so every watcher sharing a
store — embedded folder or `chroma run` server — sees the same feeds, schedules and validators.

A lease is how two watchers agree that only one polls a feed now. Each lease change is a new
record whose id names the lease and its version (`feed:global|https://…#000000000007`):

* To take a free or expired lease at version n, a process *adds* record n+1 naming itself, then
  reads the lease back and holds it only if record n+1 is the newest version and names it.
* Chroma's `add` keeps the first record stored under an id and ignores later adds of the same id
  (Chroma 1.5.9, embedded and server; `tests/test_feed_watch.py` races processes on it). So of
  two processes racing for version n+1 exactly one record is stored, and both read the same
  holder back: one wins, the other sees the lease taken.
* On an embedded store the read-compare-add also runs under the store's cross-process write
  lock (`vectorstore.locking`), so there it is exclusive without relying on the above.

The guarantee, honestly: a lease is exclusive while it has not expired, given that the
processes' clocks agree to well within the lease time (expiry is wall-clock time, compared by
each process). A holder that stalls past its expiry can lose the lease to another process while
it still works; watchers renew between steps and stop when a renewal fails, and ingestion's own
content-hash dedup means even then an article is stored once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, replace

from vectorstore.chroma_connection import StoreConfig
from vectorstore.side_records import RecordCollection

FEEDS = "citebot_feeds"
LEASES = "citebot_leases"
MAX_SEEN = 500  # entry keys remembered per feed; feeds list far fewer entries than this


@dataclass(frozen=True)
class FeedRecord:
    """One watched feed: where, how often, and what the last polls found. Times are epoch seconds (0 = never)."""

    scope: str
    url: str
    every_s: float
    added_by: str = ""
    added_at: float = 0.0
    etag: str = ""  # validators from the last full response, sent back as If-None-Match / If-Modified-Since
    last_modified: str = ""
    last_poll: float = 0.0
    last_new: float = 0.0  # last poll that stored a new article
    last_new_title: str = ""
    next_poll: float = 0.0  # due when this is reached; pushed back exponentially after failures
    errors: int = 0  # failed polls in a row (0 after a good poll)
    last_error: str = ""
    polls: int = 0
    ingested: int = 0  # articles stored from this feed, in all
    refused: int = 0  # entries the source registry refused at the last poll that read the feed
    seen: tuple[str, ...] = field(default=())  # keys of entries already stored, newest last

    @property
    def record_id(self) -> str:
        return feed_id(self.scope, self.url)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["seen"] = list(self.seen)
        return data

    def with_seen(self, keys: list[str]) -> FeedRecord:
        merged = [k for k in self.seen if k not in set(keys)] + list(dict.fromkeys(keys))
        return replace(self, seen=tuple(merged[-MAX_SEEN:]))


def feed_id(scope: str, url: str) -> str:
    return f"{scope}|{url}"


def _to_meta(record: FeedRecord) -> dict:
    meta = asdict(record)
    meta["seen"] = json.dumps(list(record.seen))
    return meta


def _from_meta(meta: dict) -> FeedRecord:
    meta = dict(meta)
    meta["seen"] = tuple(json.loads(meta.get("seen") or "[]"))
    known = FeedRecord.__dataclass_fields__
    return FeedRecord(**{k: v for k, v in meta.items() if k in known})


class FeedStore:
    """The watched feeds of one store, all scopes."""

    def __init__(self, config: StoreConfig) -> None:
        self._records = RecordCollection(config, FEEDS)

    def get(self, scope: str, url: str) -> FeedRecord | None:
        meta = self._records.get(feed_id(scope, url))
        return _from_meta(meta) if meta else None

    def list(self, scope: str | None = None) -> list[FeedRecord]:
        where = {"scope": scope} if scope is not None else None
        return sorted((_from_meta(m) for _, m in self._records.find(where)), key=lambda f: (f.scope, f.url))

    def add(self, record: FeedRecord) -> FeedRecord | None:
        """Store a new feed unless one with its scope and URL exists; returns the existing one, if any."""
        with self._records.writing():
            existing = self.get(record.scope, record.url)
            if existing is None:
                self._records.upsert(record.record_id, _to_meta(record))
            return existing

    def put(self, record: FeedRecord) -> None:
        """Replace a feed's record (after a poll), unless it was removed meanwhile."""
        with self._records.writing():
            if self._records.get(record.record_id) is not None:
                self._records.upsert(record.record_id, _to_meta(record))

    def remove(self, scope: str, url: str) -> FeedRecord | None:
        with self._records.writing():
            existing = self.get(scope, url)
            if existing is not None:
                self._records.delete([existing.record_id])
            return existing


@dataclass(frozen=True)
class Lease:
    """Who may act on `name` until `expires_at` (epoch seconds); holder "" = free."""

    name: str
    holder: str
    version: int
    expires_at: float

    def held_by_other(self, holder: str, now: float) -> bool:
        return bool(self.holder) and self.holder != holder and self.expires_at > now


def _lease_id(name: str, version: int) -> str:
    return f"{name}#{version:012d}"


class LeaseStore:
    """Versioned lease records with first-add-wins writes (see the module docstring)."""

    def __init__(self, config: StoreConfig) -> None:
        self._records = RecordCollection(config, LEASES)

    def _versions(self, name: str) -> list[Lease]:
        found = [
            Lease(m["lease"], m.get("holder", ""), int(m["version"]), float(m.get("expires_at", 0.0)))
            for _, m in self._records.find({"lease": name})
        ]
        return sorted(found, key=lambda lease: lease.version)

    def current(self, name: str) -> Lease | None:
        versions = self._versions(name)
        return versions[-1] if versions else None

    def acquire(self, name: str, holder: str, ttl_s: float, now: float) -> Lease | None:
        """Take the lease for `ttl_s` seconds if it is free, expired or already ours; None if another holds it."""
        with self._records.writing():
            current = self.current(name)
            if current is not None and current.held_by_other(holder, now):
                return None
            return self._write_next(name, current.version if current else 0, holder, now + ttl_s)

    def renew(self, lease: Lease, ttl_s: float, now: float) -> Lease | None:
        """Extend a lease we hold; None if it is no longer ours (expired and taken)."""
        with self._records.writing():
            current = self.current(lease.name)
            if current is None or current.version != lease.version or current.holder != lease.holder:
                return None
            return self._write_next(lease.name, lease.version, lease.holder, now + ttl_s)

    def release(self, lease: Lease) -> bool:
        """Free a lease we still hold, so another process need not wait for its expiry."""
        with self._records.writing():
            current = self.current(lease.name)
            if current is None or current.version != lease.version or current.holder != lease.holder:
                return False
            return self._write_next(lease.name, lease.version, "", 0.0) is not None

    def _write_next(self, name: str, version: int, holder: str, expires_at: float) -> Lease | None:
        new, nonce = version + 1, uuid.uuid4().hex
        meta = {"lease": name, "version": new, "holder": holder, "expires_at": expires_at, "nonce": nonce}
        self._records.add(_lease_id(name, new), meta)
        found = self._records.find({"lease": name})  # verify: our very record is stored and is the newest version
        newest = max(found, key=lambda item: int(item[1]["version"]), default=None)
        if newest is None or newest[0] != _lease_id(name, new) or newest[1].get("nonce") != nonce:
            return None
        self._records.delete([i for i, m in found if int(m["version"]) < new - 1])
        return Lease(name, holder, new, expires_at)

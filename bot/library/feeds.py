"""Watched feeds: a moderator names an outlet's RSS/Atom feed once, and citebot keeps ingesting it.

`Feeds` adds, lists and removes feeds and polls one feed; `bot.library.watching.Watcher` decides
which feeds are due and makes sure only one process polls a feed at a time. A poll is a
conditional request (the feed's ETag and Last-Modified are sent back, and a 304 costs nothing),
through the same SSRF-safe fetcher, size limits and source registry as `citebot ingest`:

* The feed's own domain must pass the source registry when it is added: a watcher has nobody to
  confirm an unknown domain, so under `unknown_domains = confirm` it counts as refused.
* Each new entry is screened before its page is fetched (a blocked outlet is never contacted)
  and again after (redirects); refused entries are counted on the feed, not ingested.
* New articles go through `Ingestor.ingest_read`: the same trust screen, content-hash dedup and
  audit log as any ingest, with the actor `feed:<url>`.

A failed poll (HTTP error, timeout, blocked address, not a feed) pushes the next one back
exponentially (`backoff_s`) and logs one line; the first good poll resets it.
Clock and fetcher are injectable, so schedules and backoff are tested without waiting.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.errors import BotError, SourceNotKnown
from bot.library.sources import now_iso
from ingest.errors import EmptySource, IngestError
from vectorstore.errors import StoreError
from vectorstore.feeds_store import FeedRecord, FeedStore, LeaseStore
from vectorstore.records import AuditEntry

if TYPE_CHECKING:
    from bot.library.citebot import Citebot
    from ingest.feeds import FeedEntry
    from ingest.fetch import Fetched

log = logging.getLogger("citebot.feeds")

Clock = Callable[[], float]  # epoch seconds: schedules are shared between processes
Fetcher = Callable[..., "Fetched"]  # ingest.fetch.fetch(url, policy, headers=...)
KeepAlive = Callable[[], bool]  # False = our lease on the feed is gone: stop now

MIN_EVERY_S = 60.0
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """'90s', '30m', '2h', '1d' -> seconds; at least a minute (a feed is a courtesy, not a firehose)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", (text or "").lower())
    if not match:
        raise BotError(f"'{text}' is not an interval; give a number with a unit, e.g. 90s, 30m, 2h or 1d")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < MIN_EVERY_S:
        raise BotError(f"'{text}' is too often; poll a feed at most once a minute (e.g. 1m, 30m)")
    return seconds


def format_every(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def backoff_s(every_s: float, errors: int, cap_s: float) -> float:
    """Wait after `errors` failed polls in a row: the interval doubled per failure, capped (never below the interval)."""
    if errors <= 0:
        return every_s
    return min(every_s * 2 ** min(errors, 30), max(cap_s, every_s))


def entry_key(entry: FeedEntry) -> str:
    """A short stable key for a feed entry: its link, else its title, date and text."""
    basis = entry.link or f"{entry.title}|{entry.published_at}|{entry.text[:500]}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@dataclass
class PollResult:
    """What one poll of one feed did. status: new | unchanged | not-modified | failed | busy | skipped."""

    scope: str
    url: str
    status: str
    added: int = 0
    refused: int = 0
    failed_entries: int = 0
    error: str = ""
    next_poll: float = 0.0
    titles: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class LeaseLost(Exception):
    """Another watcher took over this feed while we polled it (our lease expired)."""


def actor_for(url: str) -> str:
    return f"feed:{url}"


class Feeds:
    """The watched feeds of one citebot's store."""

    def __init__(self, citebot: Citebot, *, clock: Clock = time.time, fetcher: Fetcher | None = None) -> None:
        self.citebot = citebot
        self.clock = clock
        self._fetcher = fetcher
        self._store: FeedStore | None = None
        self._leases: LeaseStore | None = None

    @property
    def settings(self):
        return self.citebot.settings

    @property
    def store(self) -> FeedStore:
        if self._store is None:
            self._store = FeedStore(self.citebot.store.config)
        return self._store

    @property
    def leases(self) -> LeaseStore:
        if self._leases is None:
            self._leases = LeaseStore(self.citebot.store.config)
        return self._leases

    def fetch(self, url: str, headers: dict[str, str]) -> Fetched:
        from ingest.fetch import fetch

        return (self._fetcher or fetch)(url, self.citebot.read_limits.fetch, headers=headers)

    def _scope(self, scope: str | None) -> str:
        return scope if scope is not None else self.settings.scope

    # -- managing feeds ---------------------------------------------------------------------
    def add(self, url: str, *, scope: str | None = None, every_s: float | None = None, actor: str | None = None) -> FeedRecord:
        """Watch `url` in `scope`, first poll due now. Refused: not http(s), an untrusted domain, already watched."""
        from ingest.fetch import check_url

        url, scope, actor = url.strip(), self._scope(scope), actor or self.settings.ingested_by
        try:
            check_url(url)
        except IngestError as err:
            raise BotError(str(err)) from None
        every_s = every_s if every_s is not None else self.settings.feed_every_s
        if every_s < MIN_EVERY_S:
            raise BotError(f"a feed is polled at most once a minute, not every {every_s:g} s")
        self._check_trusted(url, scope)
        now = self.clock()
        record = FeedRecord(scope=scope, url=url, every_s=float(every_s), added_by=actor, added_at=now, next_poll=now)
        existing = self.store.add(record)
        if existing is not None:
            raise BotError(f"{url} is already watched in '{scope}' (every {format_every(existing.every_s)}); "
                           "remove it first to change its schedule")
        self._audit("feed add", url, scope, actor, f"every {format_every(every_s)}")
        return record

    def _check_trusted(self, url: str, scope: str) -> None:
        from bot.engine.trust import domain_of

        registry = self.citebot.registry(scope)
        why = registry.refusal(url, policy=self.settings.unknown_domains, allow_unknown=False)
        if why and registry.entry_for(domain_of(url)) is None:
            domain = domain_of(url) or url
            why = (f"{domain} is not in the source registry and unknown domains are not allowed "
                   f"(unknown_domains = {self.settings.unknown_domains}), so its entries could never be ingested; "
                   f"vouch for it first with 'citebot trust {domain} verified'")
        if why:
            raise BotError(why)

    def remove(self, url: str, *, scope: str | None = None, actor: str | None = None, listing: str = "'citebot feeds list'") -> FeedRecord:
        url, scope, actor = url.strip(), self._scope(scope), actor or self.settings.ingested_by
        removed = self.store.remove(scope, url)
        if removed is None:
            raise SourceNotKnown(f"no watched feed {url} in '{scope}'; see {listing}")
        self._audit("feed remove", url, scope, actor, f"{removed.ingested} articles ingested from it stay")
        return removed

    def list(self, scope: str | None = None) -> list[FeedRecord]:
        """Feeds of `scope`, or of every scope when None."""
        return self.store.list(scope)

    def _audit(self, action: str, url: str, scope: str, actor: str, detail: str) -> None:
        self.citebot.store.record_audit(AuditEntry(
            at=now_iso(), actor=actor, action=action, scope=scope, document_id=actor_for(url), title=url, detail=detail,
        ))

    # -- one poll ---------------------------------------------------------------------------
    def poll(self, feed: FeedRecord, *, keep_alive: KeepAlive = lambda: True) -> PollResult:
        """Poll `feed` now (the caller holds its lease), ingest new entries, store the feed's new state."""
        from ingest.feeds import looks_like_feed, parse_feed

        now = self.clock()
        why = self.citebot.registry(feed.scope).refusal(feed.url, policy=self.settings.unknown_domains, allow_unknown=False)
        if why:  # blocked (or no longer trusted) since it was added: the outlet is not contacted
            return self._failed(feed, now, f"{feed.url}: {why}")
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            fetched = self.fetch(feed.url, headers)
            if fetched.status == 304:
                state = replace(feed, etag=fetched.etag or feed.etag, last_modified=fetched.last_modified or feed.last_modified)
                return self._succeeded(state, now, PollResult(feed.scope, feed.url, "not-modified"))
            if not looks_like_feed(fetched.body, fetched.content_type):
                raise IngestError("is not an RSS or Atom feed (the page is not a feed document)", source=feed.url)
            try:
                entries = parse_feed(fetched.body, origin=feed.url)
            except EmptySource:
                entries = []  # a feed with no entries today is not a failure
            result, stored_keys = self._ingest_new(feed, entries, keep_alive)
        except LeaseLost:
            return PollResult(feed.scope, feed.url, "busy", error="another watcher took this feed over mid-poll")
        except IngestError as err:
            return self._failed(feed, now, str(err))
        except StoreError:
            raise  # the store, not the feed: the watcher retries the round
        except Exception as err:  # noqa: BLE001 - a feed that trips a parser bug must not stop the watcher
            log.debug("feed %s: unexpected error", feed.url, exc_info=True)
            return self._failed(feed, now, f"{feed.url}: unexpected {type(err).__name__}: {err}")
        state = replace(feed, etag=fetched.etag, last_modified=fetched.last_modified, refused=result.refused,
                        ingested=feed.ingested + result.added).with_seen(stored_keys)
        if result.added:
            state = replace(state, last_new=now, last_new_title=result.titles[-1])
        return self._succeeded(state, now, result)

    def _succeeded(self, state: FeedRecord, now: float, result: PollResult) -> PollResult:
        state = replace(state, last_poll=now, polls=state.polls + 1, errors=0, last_error="", next_poll=now + state.every_s)
        self.store.put(state)
        result.next_poll = state.next_poll
        if result.added or result.refused or result.failed_entries:
            log.info("feed %s: %d new, %d refused, %d failed", state.url, result.added, result.refused, result.failed_entries)
        return result

    def _failed(self, feed: FeedRecord, now: float, error: str) -> PollResult:
        errors = feed.errors + 1
        wait = backoff_s(feed.every_s, errors, self.settings.feed_backoff_max_s)
        state = replace(feed, last_poll=now, polls=feed.polls + 1, errors=errors, last_error=error, next_poll=now + wait)
        self.store.put(state)
        log.warning("feed poll failed (%d in a row, next try in %s): %s", errors, format_every(round(wait)), error)
        return PollResult(feed.scope, feed.url, "failed", error=error, next_poll=state.next_poll)

    def _ingest_new(self, feed: FeedRecord, entries: list[FeedEntry], keep_alive: KeepAlive) -> tuple[PollResult, list[str]]:
        """Read the entries not seen before (trust-screened), ingest them in one batch; (result, keys stored)."""
        from ingest.sources import SourceResult

        registry = self.citebot.registry(feed.scope)
        policy = self.settings.unknown_domains
        result = PollResult(feed.scope, feed.url, "unchanged")
        seen = set(feed.seen)
        reads: list[tuple[str, SourceResult]] = []
        for entry in entries:
            key = entry_key(entry)
            if key in seen:
                continue
            seen.add(key)
            if registry.refusal(entry.link, policy=policy, allow_unknown=False):
                result.refused += 1  # never fetched: a blocked outlet is not contacted
                continue
            if not keep_alive():
                raise LeaseLost()
            read = self._read_entry(entry, feed.url)
            if read.documents and any(registry.refusal(d.url, policy=policy, allow_unknown=False) for d in read.documents):
                result.refused += 1  # its page redirected to an outlet the registry refuses
                continue
            reads.append((key, read))
        if not reads:
            return result, []
        if not keep_alive():
            raise LeaseLost()
        report = self.citebot.ingestor.ingest_read([r for _, r in reads], actor=actor_for(feed.url), scope=feed.scope)
        stored = []
        for (key, _), item in zip(reads, report.items):
            if item.status in ("added", "updated"):
                result.added += 1
                result.titles.append(item.title)
            if item.status == "failed":
                result.failed_entries += 1
                log.info("feed %s: entry not ingested: %s", feed.url, item.error)
            else:
                stored.append(key)
        if result.added:
            result.status = "new"
        return result, stored

    def _read_entry(self, entry: FeedEntry, feed_url: str):
        """The entry as an article: its page when links are followed, else (or if that fails) the feed's text."""
        from ingest.errors import SourceTooLarge
        from ingest.feeds import entry_document, with_feed_metadata
        from ingest.sources import SourceResult, read_url

        limits = self.citebot.read_limits
        read = SourceResult(origin=entry.link or feed_url)
        try:
            if limits.follow_feed_links and entry.link:
                try:
                    read.documents = [with_feed_metadata(d, entry) for d in read_url(entry.link, limits)]
                except IngestError:
                    if not entry.text:
                        raise
                    read.documents = [entry_document(entry, origin=feed_url)]
            else:
                read.documents = [entry_document(entry, origin=feed_url)]
            for document in read.documents:
                if len(document.text) > limits.max_document_chars:
                    raise SourceTooLarge(f"has {len(document.text):,} characters of text, over the "
                                         f"{limits.max_document_chars:,} limit", source=read.origin)
        except IngestError as err:
            read.documents, read.error = [], err
        return read

"""The watcher: poll each watched feed when it is due, one process per feed at a time.

Several watchers may share one store (`citebot watch` on two hosts, the watcher inside each
`citebot discord` shard process). Before polling a feed a watcher takes the feed's lease in the
store (`vectorstore.feeds_store.LeaseStore`), then reads the feed's record again: if another
watcher polled it meanwhile, its next poll is no longer due and this one leaves it. The record
is written before the lease is let go, so the next holder always sees what the last poll did.
A long poll renews its lease as it goes and stops if the lease was lost.

`poll_due` is one blocking round (the Discord adapter runs it in a worker thread); `run` loops
over rounds for `citebot watch`. Both log one line per failure and never raise for a feed's
own trouble; a store that cannot be reached is logged and retried on the next round.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

from bot.library.feeds import Feeds, PollResult
from vectorstore.errors import StoreError
from vectorstore.feeds_store import FeedRecord, Lease

log = logging.getLogger("citebot.feeds")


def new_holder() -> str:
    """A name for this watcher that no other process shares: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_name(feed: FeedRecord) -> str:
    return f"feed:{feed.record_id}"


class Watcher:
    """Polls the due feeds of `feeds`; `holder` names this process in the leases."""

    def __init__(self, feeds: Feeds, *, holder: str | None = None) -> None:
        self.feeds = feeds
        self.holder = holder or new_holder()

    @property
    def clock(self):
        return self.feeds.clock

    @property
    def lease_s(self) -> float:
        return self.feeds.settings.feed_lease_s

    def due(self) -> list[FeedRecord]:
        now = self.clock()
        return [f for f in self.feeds.list() if f.next_poll <= now]

    def poll_due(self) -> list[PollResult]:
        """One round: every feed that is due, polled by whichever watcher takes its lease first."""
        return [self.poll_one(feed) for feed in self.due()]

    def poll_one(self, feed: FeedRecord) -> PollResult:
        leases = self.feeds.leases
        lease = leases.acquire(lease_name(feed), self.holder, self.lease_s, self.clock())
        if lease is None:
            return PollResult(feed.scope, feed.url, "busy", error="another watcher is polling it")
        held = [lease]
        try:
            fresh = self.feeds.store.get(feed.scope, feed.url)  # what the last holder wrote
            if fresh is None or fresh.next_poll > self.clock():
                return PollResult(feed.scope, feed.url, "skipped", next_poll=fresh.next_poll if fresh else 0.0)
            return self.feeds.poll(fresh, keep_alive=lambda: self._renew(held))
        finally:
            leases.release(held[0])

    def _renew(self, held: list[Lease]) -> bool:
        """Extend our lease once a third of it has passed; False if it is no longer ours."""
        lease, now = held[0], self.clock()
        if lease.expires_at - now > self.lease_s * 2 / 3:
            return True
        renewed = self.feeds.leases.renew(lease, self.lease_s, now)
        if renewed is None:
            log.warning("lost the lease on %s to another watcher; stopping this poll", lease.name)
            return False
        held[0] = renewed
        return True

    def run(
        self, *, for_s: float | None = None, stop: threading.Event | None = None,
        report: Callable[[PollResult], None] | None = None, monotonic: Callable[[], float] = time.monotonic,
    ) -> list[PollResult]:
        """Poll rounds every `feed_check_s` until `stop` is set or `for_s` seconds have passed."""
        stop = stop or threading.Event()
        deadline = monotonic() + for_s if for_s is not None else None
        check_s = self.feeds.settings.feed_check_s
        done: list[PollResult] = []
        while not stop.is_set():
            for result in self.round():
                done.append(result)
                if report:
                    report(result)
            if deadline is not None and monotonic() >= deadline:
                break
            wait = check_s if deadline is None else max(0.0, min(check_s, deadline - monotonic()))
            stop.wait(wait)
        return done

    def round(self) -> list[PollResult]:
        """`poll_due`, with a store failure logged (one line) instead of raised: the next round retries."""
        try:
            return self.poll_due()
        except StoreError as err:
            log.warning("watched feeds: store unavailable, retrying next round: %s", err)
            return []

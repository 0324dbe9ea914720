"""One watcher at a time per feed: the store's leases, and two real `citebot watch` processes.

The leases' guarantee (vectorstore/feeds_store.py) rests on Chroma keeping the first record added
under an id; these tests race real threads and processes on the embedded store and on a real
`chroma run` server to hold it to that.
"""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from bot.library import Citebot
from bot.library.feeds import Feeds
from tests.conftest import make_settings
from tests.feed_server import FeedServer, Story
from tests.store_checks import cli_env, start_cli
from vectorstore.feeds_store import LeaseStore


def stores(tmp_path, backend, n: int) -> list[LeaseStore]:
    """`n` separate lease stores (each its own Chroma client) on one back end."""
    config = Citebot(make_settings(tmp_path / "home", **backend)).store.config
    return [LeaseStore(config) for _ in range(n)]


def test_a_free_lease_goes_to_exactly_one_of_racing_watchers(tmp_path, backend):
    racers, rounds = stores(tmp_path, backend, 3), 15
    barrier = threading.Barrier(len(racers))
    won: dict[int, list[str]] = {r: [] for r in range(rounds)}

    def race(store: LeaseStore, holder: str) -> None:
        for r in range(rounds):
            barrier.wait(timeout=60)
            if store.acquire(f"race-{r}", holder, 60, now=1000.0) is not None:
                won[r].append(holder)

    threads = [threading.Thread(target=race, args=(s, f"watcher-{i}")) for i, s in enumerate(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(len(holders) == 1 for holders in won.values()), won
    assert {racers[0].current(f"race-{r}").holder for r in range(rounds)} == {h for hs in won.values() for h in hs}


def test_a_held_lease_is_refused_to_others_until_it_is_released_or_expires(tmp_path):
    a, b = stores(tmp_path, {}, 2)
    held = a.acquire("feed:x", "A", 60, now=1000.0)
    assert held is not None and b.acquire("feed:x", "B", 60, now=1059.0) is None
    assert a.release(held) and b.acquire("feed:x", "B", 60, now=1001.0).holder == "B"
    assert a.acquire("feed:x", "A", 60, now=1060.0) is None  # B's lease runs until 1061
    assert a.acquire("feed:x", "A", 60, now=1061.5).holder == "A"  # expired: taken over


def test_a_lease_lost_to_expiry_can_be_neither_renewed_nor_released_by_its_old_holder(tmp_path):
    a, b = stores(tmp_path, {}, 2)
    old = a.acquire("feed:x", "A", 10, now=1000.0)
    taken = b.acquire("feed:x", "B", 10, now=1011.0)
    assert taken is not None
    assert a.renew(old, 10, now=1012.0) is None and not a.release(old)
    assert b.current("feed:x").holder == "B"
    assert b.renew(taken, 10, now=1015.0).expires_at == 1025.0


def _outlet(i: int) -> FeedServer:
    outlet = FeedServer(outlet=f"Outlet {i}")
    for j in range(2):
        outlet.publish(Story(
            f"s{j}", f"Outlet {i} reports item {j}",
            f"The council of town number {i} approved project number {j} on Monday. "
            f"The vote on project {j} in town {i} was unanimous, the clerk said",
        ))
    return outlet


@pytest.mark.server
def test_two_watch_processes_on_one_chroma_server_ingest_each_entry_exactly_once(chroma_server, tmp_path):
    settings = {"chroma_url": chroma_server.url, "chroma_database": f"watch-{uuid.uuid4().hex[:8]}"}
    outlets = [_outlet(i) for i in range(3)]
    for outlet in outlets:
        outlet.__enter__()
    try:
        bot = Citebot(make_settings(tmp_path / "home", **settings))
        feeds = Feeds(bot)
        for outlet in outlets:
            feeds.add(outlet.url, every_s=3600)
        env = {"fetch_trusted_networks": '["127.0.0.1/32"]', **settings}
        watchers = [start_cli(cli_env(tmp_path / f"home{i}", **env), "watch", "--once", "--json") for i in range(2)]
        results = [w.communicate(timeout=600) for w in watchers]
    finally:
        for outlet in outlets:
            outlet.__exit__(None, None, None)
    for watcher, (_, err) in zip(watchers, results):
        assert watcher.returncode == 0, err[-2000:]
    polls = [p for out, _ in results for p in json.loads(out)["polls"]]
    polled = sorted(p["url"] for p in polls if p["status"] == "new")
    assert polled == sorted(o.url for o in outlets)  # each feed polled by one of the two
    assert all(p["status"] in ("new", "busy", "skipped") for p in polls), polls
    assert sum(p["added"] for p in polls) == 6
    assert [len(o.feed_requests()) for o in outlets] == [1, 1, 1]
    ingested = [(e.actor, e.title) for e in bot.audit(limit=100) if e.action == "ingest"]
    assert len(ingested) == 6 and len(set(ingested)) == 6
    assert sorted(r.title for r in bot.sources()) == sorted(s.title for o in outlets for s in o.stories)
    assert all(f.ingested == 2 and f.errors == 0 for f in feeds.list())

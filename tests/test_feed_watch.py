"""Watched feeds against a real loopback outlet: conditional polls, trust, backoff, exclusive polls.

The outlet (tests/feed_server.py) is a real HTTP server on 127.0.0.1. SSRF protection stays ON:
the settings trust exactly 127.0.0.1/32 (`fetch_trusted_networks`), so a redirect to 10.x or
192.168.x is refused like any other private address. Time is an injected clock, so schedules and
backoff are checked without waiting.
"""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from bot.library import Citebot
from bot.library.feeds import Feeds, backoff_s, format_every, parse_every
from bot.library.watching import Watcher
from bot.errors import BotError
from bot.main import cli
from tests.conftest import make_settings
from tests.feed_server import STORIES, FeedServer, Story
from tests.store_checks import cli_env

LOOPBACK = {"fetch_trusted_networks": ["127.0.0.1/32"]}


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def watcher_for(tmp_path, embedder, clock, **overrides) -> tuple[Citebot, Feeds, Watcher]:
    bot = Citebot(make_settings(tmp_path / "home", **{**LOOPBACK, **overrides}), embedder=embedder)
    feeds = Feeds(bot, clock=clock)
    return bot, feeds, Watcher(feeds)


def ingests(bot: Citebot) -> list[tuple[str, str]]:
    return sorted((e.actor, e.title) for e in bot.audit(limit=100) if e.action == "ingest")


# -- schedules ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400), ("1.5h", 5400)])
def test_intervals_are_numbers_with_a_unit(text, seconds):
    assert parse_every(text) == seconds
    assert parse_every(format_every(seconds)) == seconds


@pytest.mark.parametrize(("text", "phrase"), [("30", "with a unit"), ("soon", "with a unit"), ("10s", "at most once a minute")])
def test_bad_or_too_frequent_intervals_are_refused(text, phrase):
    with pytest.raises(BotError, match=phrase):
        parse_every(text)


def test_backoff_doubles_per_failure_and_is_capped():
    assert [backoff_s(60, n, 600) for n in range(6)] == [60, 120, 240, 480, 600, 600]
    assert backoff_s(3600, 3, 600) == 3600  # never sooner than the feed's own interval


# -- polling -----------------------------------------------------------------------------------
def test_a_new_entry_is_ingested_once_and_audited_as_the_feed(tmp_path, embedder, clock):
    bot, feeds, watcher = watcher_for(tmp_path, embedder, clock)
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        feeds.add(outlet.url, every_s=600)
        [first] = watcher.poll_due()
        clock.now += 600
        [second] = watcher.poll_due()
    assert (first.status, first.added, second.status) == ("new", 1, "not-modified")
    assert ingests(bot) == [(f"feed:{outlet.url}", STORIES[0].title)]
    [record] = bot.sources()
    assert record.outlet == "Loopback Gazette" and record.url == outlet.article_url("ferry")
    answer = bot.ask("How many lorries can the new ferry ramp carry?")
    assert not answer.abstained and any("twelve lorries" in c.quote for c in answer.citations)


def test_the_feed_is_asked_with_its_etag_and_only_new_entries_are_fetched(tmp_path, embedder, clock):
    bot, feeds, watcher = watcher_for(tmp_path, embedder, clock)
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        feeds.add(outlet.url, every_s=600)
        watcher.poll_due()
        etag = outlet.etag()
        clock.now += 600
        watcher.poll_due()  # unchanged: 304
        outlet.publish(STORIES[1])
        clock.now += 600
        [third] = watcher.poll_due()
    paths = [(r.path, r.if_none_match) for r in outlet.requests]
    assert paths == [("/feed", None), ("/articles/ferry", None), ("/feed", etag), ("/feed", etag), ("/articles/crane", None)]
    assert (third.status, third.added, third.titles) == ("new", 1, [STORIES[1].title])
    [feed] = feeds.list()
    assert feed.etag == outlet.etag() and feed.ingested == 2 and feed.last_new == clock.now
    assert feed.last_new_title == STORIES[1].title and feed.errors == 0


def test_a_feed_is_not_polled_before_it_is_due(tmp_path, embedder, clock):
    _, feeds, watcher = watcher_for(tmp_path, embedder, clock)
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        feeds.add(outlet.url, every_s=600)
        watcher.poll_due()
        clock.now += 599
        assert watcher.poll_due() == []
    assert len(outlet.feed_requests()) == 1


def test_failed_polls_back_off_exponentially_log_one_line_each_and_recover(tmp_path, embedder, clock, caplog):
    _, feeds, watcher = watcher_for(tmp_path, embedder, clock, feed_backoff_max_s=480)
    start = clock.now
    with FeedServer(failing=True) as outlet:
        outlet.publish(STORIES[0])
        feeds.add(outlet.url, every_s=60)
        waits = []
        with caplog.at_level(logging.WARNING, logger="citebot.feeds"):
            for _ in range(5):
                [result] = watcher.poll_due()
                assert result.status == "failed" and "HTTP 500" in result.error
                waits.append(result.next_poll - clock.now)
                clock.now += waits[-1] - 1
                assert watcher.poll_due() == []  # one second early: not polled
                clock.now += 1
        failures = [r for r in caplog.records if r.name == "citebot.feeds"]
        [feed] = feeds.list()
        assert (feed.errors, "HTTP 500" in feed.last_error) == (5, True)
        outlet.failing = False
        [recovered] = watcher.poll_due()
    assert waits == [120, 240, 480, 480, 480]
    assert len(failures) == 5 and all("\n" not in r.getMessage() and outlet.url in r.getMessage() for r in failures)
    assert len(outlet.feed_requests()) == 6 and clock.now > start
    assert recovered.status == "new" and recovered.next_poll == clock.now + 60
    assert feeds.list()[0].errors == 0


@pytest.mark.parametrize("private", ["http://10.20.30.40/feed", "http://192.168.1.7/feed"])
def test_a_feed_that_redirects_to_a_private_address_is_refused(tmp_path, embedder, clock, private):
    bot, feeds, watcher = watcher_for(tmp_path, embedder, clock)
    with FeedServer(redirect_to=private) as outlet:
        outlet.publish(STORIES[0])
        feeds.add(outlet.url, every_s=600)
        [result] = watcher.poll_due()
    assert result.status == "failed" and "private or local network address" in result.error
    assert private.split("/")[2] in result.error
    assert bot.sources() == [] and feeds.list()[0].errors == 1


def test_entries_from_blocked_or_unknown_domains_are_refused_counted_and_never_fetched(tmp_path, embedder, clock):
    bot, feeds, watcher = watcher_for(tmp_path, embedder, clock, unknown_domains="refuse")
    bot.set_trust("127.0.0.1", "verified", outlet="Loopback Gazette")
    bot.set_trust("spam.example.net", "blocked")
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        outlet.publish(Story("spam", "Miracle cure found", "A miracle cure was found, the spammers said",
                             link="http://spam.example.net/cure"))
        outlet.publish(Story("rumour", "Unverified rumour", "Someone said something on an unknown site",
                             link="http://unknown.example.com/rumour"))
        feeds.add(outlet.url, every_s=600)
        [result] = watcher.poll_due()
        clock.now += 600
        outlet.publish(STORIES[1])  # the feed changes: the refused entries are screened again
        [again] = watcher.poll_due()
    assert (result.added, result.refused, again.added, again.refused) == (1, 2, 1, 2)
    assert {r.title for r in bot.sources()} == {STORIES[0].title, STORIES[1].title}
    assert feeds.list()[0].refused == 2
    assert [r.path for r in outlet.requests] == ["/feed", "/articles/ferry", "/feed", "/articles/crane"]


def test_a_feed_on_a_blocked_or_unknown_domain_cannot_be_added(tmp_path, embedder, clock):
    bot, feeds, _ = watcher_for(tmp_path, embedder, clock, unknown_domains="confirm")
    bot.set_trust("spam.example.net", "blocked")
    with pytest.raises(BotError, match="blocked by the moderators' source registry"):
        feeds.add("https://spam.example.net/rss")
    with pytest.raises(BotError, match="citebot trust news.example.org verified"):
        feeds.add("https://news.example.org/rss")
    bot.set_trust("news.example.org", "verified")
    assert feeds.add("https://news.example.org/rss").url == "https://news.example.org/rss"
    with pytest.raises(BotError, match="already watched"):
        feeds.add("https://news.example.org/rss")
    assert [f.url for f in feeds.list()] == ["https://news.example.org/rss"]


def test_a_feed_whose_domain_is_blocked_after_it_was_added_is_no_longer_fetched(tmp_path, embedder, clock):
    bot, feeds, watcher = watcher_for(tmp_path, embedder, clock)
    with FeedServer() as outlet:
        outlet.publish(STORIES[0])
        feeds.add(outlet.url, every_s=600)
        bot.set_trust("127.0.0.1", "blocked")
        [result] = watcher.poll_due()
    assert result.status == "failed" and "blocked by the moderators' source registry" in result.error
    assert outlet.requests == [] and bot.sources() == []


# -- the command line --------------------------------------------------------------------------
def test_feeds_commands_add_list_and_remove(tmp_path):
    env = cli_env(tmp_path / "home")
    runner = CliRunner()
    url = "https://news.example.org/rss"
    added = runner.invoke(cli, ["feeds", "add", url, "--every", "2h", "--scope", "desk", "--json"], env=env)
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["every_s"] == 7200
    listed = runner.invoke(cli, ["feeds", "list", "--json"], env=env)
    [feed] = json.loads(listed.output)["feeds"]
    assert (feed["url"], feed["scope"], feed["last_poll"], feed["errors"]) == (url, "desk", 0.0, 0)
    text = runner.invoke(cli, ["feeds", "list"], env=env).output
    assert "every 2h" in text and "last poll never" in text and "errors 0" in text
    bad = runner.invoke(cli, ["feeds", "add", url, "--every", "5s"], env=env)
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "once a minute" in bad.output
    assert runner.invoke(cli, ["feeds", "remove", url, "--scope", "desk"], env=env).exit_code == 0
    gone = runner.invoke(cli, ["feeds", "remove", url, "--scope", "desk"], env=env)
    assert gone.exit_code == 2 and "no watched feed" in gone.output
    assert [e.action for e in Citebot(make_settings(tmp_path / "home")).audit("desk")] == ["feed remove", "feed add"]


def test_watch_once_reports_each_poll_and_exits_3_when_one_failed(tmp_path):
    env = cli_env(tmp_path / "home", fetch_trusted_networks='["127.0.0.1/32"]', embedding_backend="sentence-transformers")
    runner = CliRunner()
    with FeedServer(failing=True) as outlet:
        assert runner.invoke(cli, ["feeds", "add", outlet.url], env=env).exit_code == 0
        result = runner.invoke(cli, ["watch", "--once", "--json"], env=env)
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["failed"] == 1 and report["polls"][0]["status"] == "failed"
    assert "HTTP 500" in report["polls"][0]["error"]
    assert runner.invoke(cli, ["watch", "--json"], env=env).exit_code == 2  # --json needs --once or --for


def test_watch_for_a_time_polls_what_is_due_then_exits(tmp_path):
    env = cli_env(tmp_path / "home", fetch_trusted_networks='["127.0.0.1/32"]', embedding_backend="sentence-transformers",
                  feed_check_s="0.2")
    runner = CliRunner()
    with FeedServer() as outlet:
        outlet.publish(STORIES[2])
        assert runner.invoke(cli, ["feeds", "add", outlet.url], env=env).exit_code == 0
        result = runner.invoke(cli, ["watch", "--for", "1", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 1 and [p["status"] for p in report["polls"]] == ["new"]  # polled once: then not due
    assert len(outlet.feed_requests()) == 1

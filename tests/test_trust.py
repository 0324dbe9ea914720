"""The source registry: moderators' trust tiers per domain, and what ingestion does with them.

Real embedded Chroma and the real model; URLs are served by a loopback HTTP server
(`allow_private_urls=True` lets citebot reach it, as in tests/test_url_ingest.py).
"""

import json

import pytest

from bot.errors import BotError
from bot.library import Citebot
from bot.engine.trust import BadDomain, Registry, normalise_domain
from tests.conftest import make_settings
from tests.helpers import http_server
from vectorstore.records import TrustEntry

PLAIN_ARTICLE = (
    "Ferry services resumed on Tuesday after a storm closed the harbour for two days. "
    "Port officials said the first boats left shortly after dawn."
).encode()


def _counting_route(hits: list[str]):
    def handler(h):
        hits.append(h.path)
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Content-Length", str(len(PLAIN_ARTICLE)))
        h.end_headers()
        h.wfile.write(PLAIN_ARTICLE)

    return handler


def _bot(tmp_path, embedder, **overrides) -> Citebot:
    return Citebot(make_settings(tmp_path / "home", allow_private_urls=True, **overrides), embedder=embedder)


def _article(path, url: str | None, body: str = "Snow closed the mountain pass overnight. Crews cleared it by noon."):
    front = f"url: {url}\n" if url else ""
    path.write_text(f"---\ntitle: Pass\noutlet: Hill Times\npublished: 2024-03-25\n{front}---\n\n{body}\n")
    return path


@pytest.mark.parametrize(
    ("typed", "domain"),
    [("News.Example.org", "news.example.org"), ("https://www.example.org/a/b?c=1", "example.org"), ("127.0.0.1", "127.0.0.1")],
)
def test_domains_are_normalised_from_names_or_urls(typed, domain):
    assert normalise_domain(typed) == domain


@pytest.mark.parametrize("typed", ["", "not a domain", "localhost", "bad_name.example.org"])
def test_things_that_are_not_domains_are_refused(typed):
    with pytest.raises(BadDomain):
        normalise_domain(typed)


def test_the_most_specific_entry_covers_subdomains():
    registry = Registry.of([
        TrustEntry("global", "example.org", "verified"),
        TrustEntry("global", "spam.example.org", "blocked"),
    ])
    assert registry.tier_for_url("https://news.example.org/story") == "verified"
    assert registry.tier_for_url("https://a.spam.example.org/x") == "blocked"
    assert registry.tier_for_url("https://example.net/x") == "unknown"
    assert registry.tier_for_url("") == "unknown"


def test_tiers_live_in_the_store_and_changes_are_audited(tmp_path, embedder):
    bot = _bot(tmp_path, embedder)
    bot.set_trust("https://news.example.org/x", "verified", outlet="Harbor Wire", actor="mod-ana")
    bot.set_trust("news.example.org", "context", actor="mod-ben")
    other_process = _bot(tmp_path, embedder)  # a fresh client on the same store sees the same registry
    [entry] = other_process.trust_entries()
    assert (entry.domain, entry.tier, entry.set_by) == ("news.example.org", "context", "mod-ben")
    trail = [(e.action, e.actor, e.detail) for e in other_process.audit()[:2]]
    assert trail == [("trust", "mod-ben", "verified -> context"), ("trust", "mod-ana", "unknown -> verified (Harbor Wire)")]
    other_process.set_trust("news.example.org", "unknown")
    assert bot.trust_entries() == []
    assert bot.trust_entries(scope="other") == [] and bot.registry("other").entries == {}


def test_an_unknown_tier_name_is_a_readable_error(tmp_path, embedder):
    with pytest.raises(BotError, match="not a trust tier"):
        _bot(tmp_path, embedder).set_trust("example.org", "trusted")


def test_blocked_domain_url_is_refused_without_being_fetched(tmp_path, embedder):
    bot = _bot(tmp_path, embedder)
    bot.set_trust("127.0.0.1", "blocked")
    hits: list[str] = []
    with http_server({"/story": _counting_route(hits)}) as base:
        report = bot.ingest([f"{base}/story"])
    [item] = report.items
    assert item.status == "failed"
    assert item.error == f"{base}/story: 127.0.0.1 is blocked by the moderators' source registry; not ingested"
    assert hits == [] and bot.sources() == []


def test_unknown_domain_needs_confirmation_when_so_configured(tmp_path, embedder):
    bot = _bot(tmp_path, embedder, unknown_domains="confirm")
    with http_server({"/story": _counting_route([])}) as base:
        refused = bot.ingest([f"{base}/story"]).items[0]
        confirmed = bot.ingest([f"{base}/story"], allow_unknown=True).items[0]
    assert refused.status == "failed" and "--allow-unknown" in refused.error and "citebot trust 127.0.0.1" in refused.error
    assert confirmed.status == "added", confirmed.error
    assert bot.source_tiers(bot.sources()) == {confirmed.document_id: "unknown"}


def test_unknown_domain_is_refused_and_verified_one_accepted_under_refuse(tmp_path, embedder):
    bot = _bot(tmp_path, embedder, unknown_domains="refuse")
    unknown = bot.ingest([str(_article(tmp_path / "a.md", "https://hilltimes.example.org/pass"))]).items[0]
    assert unknown.status == "failed" and "hilltimes.example.org is not in the source registry" in unknown.error
    bot.set_trust("hilltimes.example.org", "verified")
    trusted = bot.ingest([str(_article(tmp_path / "a.md", "https://hilltimes.example.org/pass"))]).items[0]
    assert trusted.status == "added"
    [record] = bot.sources()
    assert bot.source_tiers([record]) == {record.document_id: "verified"}
    assert (record.outlet, record.published_at, record.url) == ("Hill Times", "2024-03-25", "https://hilltimes.example.org/pass")
    assert record.ingested_by and record.ingested_at and record.content_hash


def test_files_use_their_front_matter_url_and_files_without_one_count_as_unknown(tmp_path, embedder):
    bot = _bot(tmp_path, embedder, unknown_domains="confirm")
    bot.set_trust("spam.example.net", "blocked")
    blocked = bot.ingest([str(_article(tmp_path / "b.md", "https://spam.example.net/pass"))]).items[0]
    assert blocked.status == "failed" and "spam.example.net is blocked" in blocked.error
    local = _article(tmp_path / "c.md", None)
    no_url = bot.ingest([str(local)]).items[0]
    assert no_url.status == "failed" and "has no URL" in no_url.error
    assert bot.ingest([str(local)], allow_unknown=True).items[0].status == "added"


def test_uploaded_files_follow_the_same_policy(tmp_path, embedder):
    bot = _bot(tmp_path, embedder)
    bot.set_trust("spam.example.net", "blocked")
    data = _article(tmp_path / "up.md", "https://spam.example.net/pass").read_bytes()
    [item] = bot.ingest_bytes(data, name="up.md").items
    assert item.status == "failed" and item.error == "up.md: spam.example.net is blocked by the moderators' source registry; not ingested"
    assert bot.sources() == []


def test_blocking_a_domain_later_hides_its_articles_from_answers(tmp_path, embedder):
    bot = _bot(tmp_path, embedder)
    bot.ingest([str(_article(tmp_path / "a.md", "https://hilltimes.example.org/pass"))])
    assert not bot.ask("Why was the mountain pass closed?").abstained
    bot.set_trust("hilltimes.example.org", "blocked")
    answer = bot.ask("Why was the mountain pass closed?")
    assert answer.abstained and answer.citations == [] and answer.closest == []


def test_cli_trust_sets_lists_and_the_blocked_ingest_is_one_line(tmp_path):
    from tests.test_cli import run

    assert run(tmp_path, "trust", "spam.example.net", "blocked").stdout.strip() == "spam.example.net: unknown -> blocked."
    listing = json.loads(run(tmp_path, "trust", "--json").stdout)
    assert [(e["domain"], e["tier"]) for e in listing["entries"]] == [("spam.example.net", "blocked")]
    assert listing["unknown_domains"] == "allow"
    path = _article(tmp_path / "a.md", "https://spam.example.net/pass")
    result = run(tmp_path, "ingest", str(path))
    assert result.returncode == 3
    assert [line.strip() for line in result.stderr.strip().splitlines()] == [
        f"failed     {path}: spam.example.net is blocked by the moderators' source registry; not ingested"
    ]
    bad = run(tmp_path, "trust", "not a domain", "verified")
    assert bad.returncode == 2 and bad.stderr.startswith("citebot: error: 'not a domain' is not a domain name")


def test_cli_sources_shows_each_articles_current_tier(tmp_path, embedder):
    from tests.test_cli import run

    bot = Citebot(make_settings(tmp_path), embedder=embedder)
    bot.ingest([str(_article(tmp_path / "a.md", "https://hilltimes.example.org/pass"))])
    bot.set_trust("hilltimes.example.org", "context")
    result = run(tmp_path, "sources", "--json")
    assert result.returncode == 0, result.stderr
    [source] = json.loads(result.stdout)["sources"]
    assert (source["outlet"], source["tier"]) == ("Hill Times", "context")
    assert " context  Hill Times · Pass " in run(tmp_path, "sources").stdout

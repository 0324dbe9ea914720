"""Answers on the sample corpus: who said what, who reported it and when, trust order, freshness,
date filters, and removal/correction through the real store.

One store per module holds the sample corpus with a small source registry (two verified outlets,
one context outlet); the rest of the outlets stay unknown.
"""

import copy
import datetime as dt
import re

import pytest

from bot.engine.answer import CONFLICT_NOTE
from bot.library import Citebot
from bot.engine.provenance import note_freshness
from bot.engine.render import render_answer
from bot.engine.trust import TIER_RANK
from tests.conftest import CANONICAL_QUESTION, SAMPLE_CORPUS, make_settings

BATTERY_QUESTION = "How much lithium does the battery recycling plant recover?"
FIXED_NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def rated_home(tmp_path_factory, embedder):
    home = tmp_path_factory.mktemp("rated-home")
    bot = Citebot(make_settings(home), embedder=embedder)
    assert not bot.ingest([str(SAMPLE_CORPUS)], actor="fixture").failed
    bot.set_trust("news.example.org", "verified", outlet="Harbor Wire")
    bot.set_trust("clearview-factcheck.example.com", "verified", outlet="Clearview Factcheck")
    bot.set_trust("meridianpost.example.com", "context", outlet="The Meridian Post")
    return home


def _bot(home, embedder, now=FIXED_NOW, **overrides) -> Citebot:
    return Citebot(make_settings(home, **overrides), embedder=embedder, clock=lambda: now)


def test_canonical_answer_shows_both_sides_with_speaker_outlet_and_date(rated_home, embedder, source_texts):
    answer = _bot(rated_home, embedder).ask(CANONICAL_QUESTION)
    text = render_answer(answer)
    assert answer.conflict and text.startswith(CONFLICT_NOTE)
    claims = [c for c in answer.citations if c.kind == "claim"]
    disputes = [c for c in answer.citations if c.kind == "dispute"]
    assert claims and disputes
    putin = next(c for c in claims if c.speaker == "Vladimir Putin")
    line = f"• Claim by Vladimir Putin, reported by {putin.outlet} on {putin.published_at[:10]}: \u201c{putin.quote}\u201d [{putin.n}]"
    assert line in text.splitlines()
    for c in disputes:
        assert f"reported by {c.outlet} on {c.published_at[:10]}: \u201c{c.quote}\u201d [{c.n}]" in text
    for c in answer.citations:  # every quote is verbatim source text, each line cited
        assert source_texts[c.url][c.start:c.end] == c.quote
    assert len(re.findall(r"^• .*\[\d+\]$", text, flags=re.MULTILINE)) == len(answer.citations)


def test_a_speaker_is_named_in_full_when_the_article_names_them(rated_home, embedder):
    answer = _bot(rated_home, embedder).ask("What did Lukashenko say about Belarus?")
    lukashenko = [c for c in answer.citations if c.quote.startswith("Lukashenko said")]
    assert lukashenko and all(c.speaker == "Alexander Lukashenko" for c in lukashenko)


def test_after_the_answering_quote_higher_tiers_come_first_then_each_side_by_date(rated_home, embedder):
    answer = _bot(rated_home, embedder).ask(CANONICAL_QUESTION)
    assert {c.tier for c in answer.citations} >= {"verified", "unknown"}
    rest = answer.citations[1:]  # the first quote is the one that answers best, whatever its tier
    tiers = [TIER_RANK[c.tier] for c in rest]
    assert tiers == sorted(tiers)
    for tier in set(tiers):
        for kind in ("claim", "report", "dispute"):
            side = [c.published_at[:10] for c in rest if c.kind == kind and TIER_RANK[c.tier] == tier]
            assert side == sorted(side)
    assert answer.sources[0].n == 1 and answer.sources[0].document_id == answer.citations[0].document_id
    first_seen = list(dict.fromkeys(c.n for c in answer.citations))
    assert first_seen == sorted(first_seen)  # sources are numbered in the order the quotes first cite them
    verified = {r.outlet for r in answer.sources if r.tier == "verified"}
    assert any(f"· {r.url} · verified" in render_answer(answer) for r in answer.sources if r.outlet in verified)


def test_evolving_story_shows_what_was_known_when(rated_home, embedder):
    answer = _bot(rated_home, embedder).ask(BATTERY_QUESTION)
    assert not answer.abstained
    dates = {c.published_at[:10] for c in answer.citations}
    assert {"2024-02-14", "2024-06-03"} <= dates  # the launch report and the later inspection
    text = render_answer(answer)
    for c in answer.citations:
        assert f"on {c.published_at[:10]}: \u201c{c.quote}\u201d" in text
    rest = answer.citations[1:]  # after the quote that answers best
    for tier in {c.tier for c in rest}:
        for kind in ("claim", "report", "dispute"):
            side = [c.published_at for c in rest if c.kind == kind and c.tier == tier]
            assert side == sorted(side)


def test_old_sources_are_flagged_as_of_the_injected_date(rated_home, embedder):
    stale = _bot(rated_home, embedder, stale_after_days=365).ask(CANONICAL_QUESTION)
    newest = max(r.published_at[:10] for r in stale.sources)
    assert (stale.as_of, stale.newest_source) == ("2026-11-25", newest)
    assert stale.stale_days == (dt.date(2026, 11, 25) - dt.date.fromisoformat(newest)).days
    assert f"As of 2026-11-25, the newest source cited here was published on {newest}" in render_answer(stale)
    assert stale.to_dict()["freshness"]["stale_days"] == stale.stale_days
    fresh = note_freshness(copy.deepcopy(stale), dt.date(2024, 4, 10), stale_after_days=365)
    assert fresh.stale_days == 0 and "As of" not in render_answer(fresh)
    off = _bot(rated_home, embedder, stale_after_days=0).ask(CANONICAL_QUESTION)
    assert off.stale_days == 0 and off.newest_source == newest


def test_date_filters_bound_every_citation(rated_home, embedder):
    bot = _bot(rated_home, embedder)
    early = bot.ask(CANONICAL_QUESTION, until=dt.date(2024, 3, 24))
    assert not early.abstained and all(c.published_at[:10] <= "2024-03-24" for c in early.citations)
    window = bot.ask(CANONICAL_QUESTION, since=dt.date(2024, 3, 25), until=dt.date(2024, 3, 26))
    assert window.citations and all("2024-03-25" <= c.published_at[:10] <= "2024-03-26" for c in window.citations)
    assert bot.ask(CANONICAL_QUESTION, since=dt.date(2030, 1, 1)).abstained


def _story(path, body: str, url: str):
    path.write_text(f"---\ntitle: Dam\noutlet: Delta Echo\npublished: 2024-05-02\nurl: {url}\n---\n\n{body}\n")
    return path


def test_a_removed_source_is_never_cited_again(tmp_path, embedder):
    bot = _bot(tmp_path / "home", embedder)
    a = _story(tmp_path / "a.md", "Engineers said the old dam cracked after the spring floods. Repairs will take a year.", "https://deltaecho.example.org/dam")
    b = _story(tmp_path / "b.md", "The dam on the upper river was inspected on Friday. Inspectors found a long crack in the wall.", "https://hillpost.example.org/dam")
    bot.ingest([str(a), str(b)])
    before = bot.ask("What happened to the dam?")
    assert {c.url for c in before.citations} == {"https://deltaecho.example.org/dam", "https://hillpost.example.org/dam"}
    bot.remove("https://deltaecho.example.org/dam")
    for question in ("What happened to the dam?", "How long will the dam repairs take?"):
        after = Citebot(bot.settings, embedder=embedder).ask(question)  # a fresh client: nothing cached
        assert all(c.url != "https://deltaecho.example.org/dam" for c in after.citations + after.closest)
        assert all(r.url != "https://deltaecho.example.org/dam" for r in after.sources)


def test_an_updated_article_replaces_the_old_text_in_answers_and_the_audit_keeps_both_hashes(tmp_path, embedder):
    bot = _bot(tmp_path / "home", embedder)
    path = _story(tmp_path / "a.md", "Officials said the dam would reopen to traffic in March.", "https://deltaecho.example.org/dam")
    first = bot.ingest([str(path)]).items[0]
    _story(path, "Officials said the dam would stay closed to traffic until June.", "https://deltaecho.example.org/dam")
    second = bot.ingest([str(path)]).items[0]
    assert second.status == "updated" and second.document_id == first.document_id
    quotes = " ".join(c.quote for c in bot.ask("When will the dam reopen to traffic?").citations)
    assert "until June" in quotes and "in March" not in quotes
    update = bot.audit()[0]
    assert (update.action, update.content_hash, update.previous_hash) == ("update", second.content_hash, first.content_hash)

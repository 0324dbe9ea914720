"""Discord formatting alone: limits, clean splits, and ingested text that stays inert."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.answer import Answer, Citation, SourceRef
from bot.discord.format import (
    EMBED_TOTAL_MAX,
    answer_pages,
    audit_page,
    neutralise,
    page_problems,
    sources_pages,
    text_page,
    trim,
)
from vectorstore.records import AuditEntry, DocumentRecord


def make_answer(quotes: list[str], *, outlet: str = "Coast Weekly", title: str = "A title", url: str = "https://x.example.org/a") -> Answer:
    refs, citations = [], []
    for i, quote in enumerate(quotes):
        n = i // 3 + 1  # three quotes per source
        if len(refs) < n:
            refs.append(SourceRef(n, f"doc{n}", f"{title} {n}", outlet, "", "2024-03-25", url))
        citations.append(Citation(n, quote, f"doc{n}", 0, len(quote), f"{title} {n}", outlet, "", "2024-03-25", url, 0.5))
    return Answer("q?", abstained=False, citations=citations, sources=refs)


@pytest.mark.parametrize("raw", ["@everyone look", "hi @here", "@EVERYONE"])
def test_mass_mentions_are_defused_but_still_readable(raw):
    out = neutralise(raw)
    assert "@everyone" not in out.lower() and "@here" not in out
    assert out.replace("\u200b", "").lower() == raw.lower()


@pytest.mark.parametrize("raw", ["<@123456789012345678>", "<@!123456789012345678>", "<@&123456789012345678>", "<#123456789012345678>"])
def test_user_role_and_channel_mentions_are_defused(raw):
    out = neutralise(raw)
    assert out != raw and out.replace("\u200b", "") == raw


def test_markdown_and_masked_links_in_source_text_are_escaped():
    out = neutralise("**bold** [click](https://evil.example) `code` ||spoiler||")
    assert "[click](" not in out and "**bold**" not in out and "||" not in out
    assert out.replace("\\", "") == "**bold** [click](https://evil.example) `code` ||spoiler||"


def test_trim_cuts_at_a_word_and_marks_the_cut():
    assert trim("short", 10) == "short"
    cut = trim("one two three four five six", 15)
    assert len(cut) <= 15 and cut.endswith("\u2026") and cut.startswith("one two")


def test_short_answer_is_one_valid_page_with_citations_and_sources():
    [page] = answer_pages(make_answer(["The lamp was replaced on Tuesday.", "It can be seen twenty miles out."]))
    assert page_problems(page) == []
    embed = page.embeds[0]
    assert "[1]" in embed["description"] and embed["fields"][0]["name"] == "Sources"
    assert "Coast Weekly" in embed["fields"][0]["value"] and "https://x.example.org/a" in embed["fields"][0]["value"]


def test_long_answer_splits_at_citation_boundaries_and_each_page_cites_its_own_sources():
    quotes = [f"Sentence {i} " + "word " * 180 for i in range(12)]  # ~900 characters each
    pages = answer_pages(make_answer(quotes))
    assert len(pages) > 1
    for i, page in enumerate(pages, 1):
        assert page_problems(page) == []
        embed = page.embeds[0]
        assert embed["footer"]["text"].startswith(f"Part {i} of {len(pages)}")
        cited = {int(n) for n in re.findall(r"\*\*\[(\d+)\]\*\*", embed["description"])}
        listed = {int(line[1:line.index("]")]) for f in embed["fields"] for line in f["value"].splitlines()}
        assert cited == listed
    shown = "".join(p.embeds[0]["description"] for p in pages)
    assert all(q.strip() in shown for q in quotes), "no quote is cut when it fits a page"


def test_a_single_quote_too_long_for_a_message_is_trimmed_not_sent_invalid():
    [page] = answer_pages(make_answer(["x" * 9000]))
    assert page_problems(page) == []
    assert "\u2026" in page.embeds[0]["description"]


def test_abstention_names_the_nearest_sources():
    closest = [SourceRef(1, "d", "Nearby article", "Coast Weekly", "", "2024-01-01", "https://c.example.org")]
    [page] = answer_pages(Answer("q?", abstained=True, closest=closest))
    assert page.embeds[0]["title"] == "The ingested sources don't say."
    assert "Nearby article" in page.embeds[0]["fields"][0]["value"]


@settings(max_examples=40, deadline=None)
@given(
    quotes=st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=12),
    title=st.text(max_size=600),
    outlet=st.text(max_size=600),
)
def test_any_answer_becomes_valid_messages(quotes, title, outlet):
    for page in answer_pages(make_answer(quotes, title=title, outlet=outlet, url="https://e.example/" + "a" * 500)):
        assert page_problems(page) == []
        assert sum(len(e.get("description", "")) for e in page.embeds) <= EMBED_TOTAL_MAX


def test_sources_are_paginated_and_audit_fits_one_embed():
    records = [DocumentRecord(f"id{i}", "global", f"Title {i} @everyone", "h" * 64, 3, outlet="Out") for i in range(23)]
    pages = sources_pages(records, per_page=10)
    assert [p.embeds[0]["footer"]["text"] for p in pages] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert all(page_problems(p) == [] and "@everyone" not in p.embeds[0]["description"] for p in pages)
    entries = [AuditEntry("2024-03-25T10:00:00", "discord:ana (1)", "ingest", "global", f"id{i}", "T" * 300, "h" * 64) for i in range(200)]
    assert page_problems(audit_page(entries)) == []


def test_notices_are_neutralised_and_within_the_content_limit():
    page = text_page("bad file @everyone " + "x" * 5000)
    assert page_problems(page) == [] and "@everyone" not in page.content


def test_a_quote_is_labelled_with_who_reported_it_and_when_as_in_the_terminal():
    answer = make_answer(["The ferry ran aground."])
    description = answer_pages(answer)[0].embeds[0]["description"]
    assert "Reported by Coast Weekly on 2024-03-25" in description
    assert "undated" not in description


def test_a_rated_source_shows_its_trust_tier():
    answer = make_answer(["The ferry ran aground."])
    answer.sources[0] = dataclasses.replace(answer.sources[0], tier="verified")
    fields = answer_pages(answer)[0].embeds[0]["fields"]
    assert any("verified" in f["value"] for f in fields)


def test_a_stale_answer_carries_the_freshness_note_under_its_quotes():
    answer = make_answer(["The ferry ran aground."])
    answer.as_of, answer.newest_source, answer.stale_days = "2026-11-25", "2024-03-25", 975
    pages = answer_pages(answer)
    assert len(pages) == 1 and not page_problems(pages[0])
    description = pages[0].embeds[0]["description"]
    assert description.index("ran aground") < description.index("later developments may not be covered")


def test_a_freshness_note_that_does_not_fit_gets_a_page_of_its_own():
    answer = make_answer(["word " * 800, "more " * 800, "last " * 800])
    answer.as_of, answer.newest_source, answer.stale_days = "2026-11-25", "2024-03-25", 975
    pages = answer_pages(answer)
    assert all(not page_problems(p) for p in pages)
    assert pages[-1].embeds[0]["description"].startswith("As of 2026-11-25, the newest source")
    assert "last last" in pages[-2].embeds[0]["description"]
    assert pages[-1].embeds[0]["footer"]["text"] == f"Part {len(pages)} of {len(pages)}"


def test_an_ingest_reply_carries_its_warnings_inert():
    from bot.discord.format import ingest_report_page
    from bot.library import IngestReport, ItemResult

    report = IngestReport(
        items=[ItemResult(origin="a.md", status="added", title="Harbour news", outlet="Coast Daily", chunks=2, content_hash="ab" * 32)],
        warnings=["keyword index not updated yet (disk full @everyone); the next question retries it"],
    )
    content = ingest_report_page(report).content
    lines = content.splitlines()
    assert lines[0].startswith("\u2705 Added: \u201cHarbour news\u201d")
    assert lines[1].startswith("\u26a0\ufe0f keyword index not updated yet")
    assert "@everyone" not in content  # neutralised like every other text from outside

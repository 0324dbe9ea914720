"""Ingesting into the real store (embedded and a `chroma run` server): dedupe, update, removal, offsets, audit."""

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CORPUS


@pytest.fixture
def citebot(backend_citebot):
    """Every test here runs on both back ends (embedded Chroma and a Chroma server)."""
    return backend_citebot


def _article(path: Path, body: str, url: str = "https://example.org/story") -> Path:
    path.write_text(f"---\ntitle: Story\noutlet: Test Outlet\npublished: 2024-03-25\nurl: {url}\n---\n\n{body}\n")
    return path


def test_ingesting_a_folder_adds_every_article(citebot):
    report = citebot.ingest([str(SAMPLE_CORPUS)])
    files = sorted(SAMPLE_CORPUS.glob("*.md"))
    assert report.count("added") == len(files) >= 6
    assert {r.title for r in citebot.sources()} == {i.title for i in report.items}


def test_reingesting_unchanged_article_is_a_no_op(citebot, tmp_path):
    path = _article(tmp_path / "a.md", "The river flooded the town. Residents left their homes.")
    citebot.ingest([str(path)])
    chunks_before = citebot.store.count_chunks()
    report = citebot.ingest([str(path)])
    assert [i.status for i in report.items] == ["unchanged"]
    assert citebot.store.count_chunks() == chunks_before
    assert len(citebot.sources()) == 1


def test_changed_article_replaces_its_old_chunks(citebot, tmp_path):
    path = _article(tmp_path / "a.md", "The river flooded the town. Residents left their homes.")
    first = citebot.ingest([str(path)]).items[0]
    _article(path, "The river stayed within its banks. Nobody had to leave.")
    second = citebot.ingest([str(path)]).items[0]
    assert second.status == "updated" and second.content_hash != first.content_hash
    texts = [text for _, text, _ in citebot.store.iter_chunks()]
    assert texts and all("flooded" not in t for t in texts)
    assert citebot.store.check().orphan_chunks == 0
    actions = [e.action for e in citebot.audit()]
    assert actions[:2] == ["update", "ingest"]
    assert citebot.audit()[0].previous_hash == first.content_hash


def test_stored_chunk_offsets_quote_the_cleaned_article_exactly(citebot, source_texts):
    citebot.ingest([str(SAMPLE_CORPUS)])
    texts = source_texts
    checked = 0
    for _, chunk_text, meta in citebot.store.iter_chunks():
        assert texts[meta["url"]][meta["start"]:meta["end"]] == chunk_text
        checked += 1
    assert checked >= 8


def test_removed_source_disappears_from_search_and_registry(citebot, tmp_path):
    path = _article(tmp_path / "a.md", "Volcanic ash closed the airport for three days.")
    citebot.ingest([str(path)])
    removed = citebot.remove("https://example.org/story")
    assert removed.title == "Story"
    assert citebot.sources() == []
    assert citebot.retriever.search("airport closed by ash") == []
    assert citebot.audit()[0].action == "remove"


def test_a_bad_file_is_reported_and_the_rest_still_land(citebot, tmp_path):
    good = _article(tmp_path / "good.md", "A good article about tides and the moon.")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    report = citebot.ingest([str(good), str(bad), str(tmp_path / "missing.txt")])
    assert [i.status for i in report.items] == ["added", "failed", "failed"]
    assert "not a readable PDF" in report.items[1].error and "no such file" in report.items[2].error
    assert len(citebot.sources()) == 1


def test_scopes_keep_sources_apart(citebot, tmp_path):
    path = _article(tmp_path / "a.md", "Snow fell on the mountain pass overnight.")
    citebot.ingest([str(path)], scope="server-a")
    assert len(citebot.sources("server-a")) == 1
    assert citebot.sources("server-b") == []
    assert citebot.retriever.search("snow on the pass", scope="server-b") == []


def test_search_stays_in_its_scope_whether_the_store_holds_one_scope_or_several(citebot, tmp_path):
    """A one-scope store is searched without Chroma's scope filter (it is checked on the results);
    the answer set must be the same as with the filter, before and after a second scope appears."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _article(tmp_path / "a" / "a.md", "Snow fell on the mountain pass overnight.", url="https://example.org/a")
    b = _article(tmp_path / "b" / "b.md", "Snow closed the mountain pass again today.", url="https://example.org/b")
    citebot.ingest([str(a)], scope="server-a")

    def found(scope: str) -> set[str]:
        return {p.extra["scope"] for p in citebot.retriever.search("snow on the mountain pass", scope=scope)}

    assert found("server-a") == {"server-a"} and found("server-b") == set()
    citebot.ingest([str(b)], scope="server-b")
    assert found("server-a") == {"server-a"} and found("server-b") == {"server-b"}
    citebot.remove(citebot.sources("server-a")[0].document_id, scope="server-a")
    assert found("server-a") == set() and found("server-b") == {"server-b"}


def test_same_text_at_another_path_is_skipped_as_duplicate(citebot, tmp_path):
    a = tmp_path / "one" / "a.md"
    b = tmp_path / "two" / "a.md"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text("# Tides\n\nThe moon pulls the oceans into two bulges.")
    report = citebot.ingest([str(a), str(b)])
    assert [i.status for i in report.items] == ["added", "duplicate"]
    assert len(citebot.sources()) == 1

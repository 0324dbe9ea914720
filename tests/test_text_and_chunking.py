"""Cleaning, sentence spans and chunking: the offsets every citation depends on."""

from ingest.chunking import chunk_document
from ingest.document import SourceDocument
from ingest.text import clean_text, sentence_spans


def test_clean_text_normalises_whitespace_and_keeps_paragraphs():
    raw = "First  line\r\ncontinues here.\n\n\n\tSecond\u00a0paragraph.\x00"
    assert clean_text(raw) == "First line continues here.\n\nSecond paragraph."


def test_a_word_a_page_broke_with_a_hyphen_is_one_word_again_and_a_dash_is_not_a_hyphen():
    cleaned = clean_text("The council said the infra-\nstructure plan was well-\nknown to residents -\nand to others.")
    assert cleaned == "The council said the infra-structure plan was well-known to residents - and to others."
    assert clean_text(cleaned) == cleaned


def test_sentence_spans_are_exact_slices_even_for_repeated_sentences():
    text = "It rained. It rained. Mr. Smith said the U.S. team won 2-1.\n\nNew paragraph here."
    spans = sentence_spans(text)
    sentences = [text[s:e] for s, e in spans]
    assert sentences == ["It rained.", "It rained.", "Mr. Smith said the U.S. team won 2-1.", "New paragraph here."]
    assert spans[0] != spans[1]


def test_chunks_keep_sentence_boundaries_and_offsets():
    sentences = [f"Sentence number {i} talks about topic {i % 7} in some detail." for i in range(60)]
    doc = SourceDocument(text=" ".join(sentences), title="t", origin="x")
    chunks = chunk_document(doc, max_chars=300)
    assert len(chunks) > 5
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert len(chunk.text) <= 300
        assert chunk.text.startswith("Sentence number") and chunk.text.endswith("detail.")


def test_chunks_overlap_by_one_sentence_and_cover_the_text():
    doc = SourceDocument(text=" ".join(f"Fact {i} is stated here plainly." for i in range(40)), title="t", origin="x")
    chunks = chunk_document(doc, max_chars=200)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end, "consecutive chunks share a sentence"
    assert chunks[0].start == 0 and chunks[-1].end == len(doc.text)


def test_an_overlong_sentence_is_split_within_the_budget():
    doc = SourceDocument(text="word " * 500 + "end.", title="t", origin="x")
    chunks = chunk_document(doc, max_chars=250)
    assert all(len(c.text) <= 250 for c in chunks)
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)

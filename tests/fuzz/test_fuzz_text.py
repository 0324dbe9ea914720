"""Properties of cleaning, sentence splitting, chunking, citation offsets and rendering.

The offset contract is what makes quotes trustworthy: `text[start:end]` must *be* the quote.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.engine.answer import Answer, Citation, SourceRef
from bot.engine.select import compose_answer
from bot.engine.render import render_answer, terminal_safe
from bot.settings import Settings
from ingest.chunking import chunk_document
from ingest.document import SourceDocument
from ingest.text import clean_text, sentence_spans
from tests.fuzz.profiles import FUZZ, MODEL_FUZZ
from vectorstore.records import Passage

# Text that looks like prose (words, punctuation, abbreviations, quotes, newlines) plus arbitrary unicode.
_WORDS = st.sampled_from([
    "The", "council", "said", "Mr.", "Dr.", "U.S.", "3.5", "percent", "on", "Monday", "\u201cNo.\u201d", "e.g.",
    "Київ", "東京", "(see", "above)", "...", "?", "!", ";", "—", "1.", "a.m.", "\n", "\n\n", "  ", "\t", "é",
])
PROSE = st.one_of(
    st.lists(_WORDS, max_size=120).map(" ".join),
    st.text(max_size=400),
)
# Sentences of at least 25 characters (shorter ones are never quoted), with abbreviations that
# tempt the splitter, and occasional repeats so the same sentence appears at several offsets.
SENTENCE = st.lists(st.sampled_from(["the", "council", "approved", "budget", "Mr.", "Smith", "said", "it", "was", "late", "Київ", "U.S."]),
                    min_size=3, max_size=14).map(lambda ws: "The council said that " + " ".join(ws) + ".")


@FUZZ
@given(raw=PROSE)
def test_clean_text_is_idempotent_and_has_no_control_characters(raw):
    text = clean_text(raw)
    assert clean_text(text) == text
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text)


@FUZZ
@given(raw=PROSE)
def test_sentence_spans_are_exact_ordered_and_trimmed(raw):
    text = clean_text(raw)
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end


@FUZZ
@given(raw=PROSE, max_chars=st.integers(40, 700))
def test_chunks_are_the_text_at_their_offsets_and_fit_the_budget(raw, max_chars):
    text = clean_text(raw)
    document = SourceDocument(text=text, title="t", origin="fuzz")
    chunks = chunk_document(document, max_chars=max_chars)
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert 0 < len(chunk.text) <= max_chars
    covered = {i for c in chunks for i in range(c.start, c.end)}
    for start, end in sentence_spans(text):
        assert any(i in covered for i in range(start, end))  # no sentence is lost


@MODEL_FUZZ
@given(sentences=st.lists(SENTENCE, min_size=1, max_size=10), question=SENTENCE)
def test_every_citation_quotes_the_document_at_its_offsets(embedder, sentences, question):
    """Real model, low thresholds so quotes are always picked: offsets must hold for whatever is cited."""
    text = clean_text(" ".join(sentences))
    document = SourceDocument(text=text, title="t", url="https://n.example/a", origin="fuzz")
    chunks = chunk_document(document, max_chars=200)
    passages = [Passage(f"c{c.index}", "doc", c.text, c.start, c.end, 0.9, url=document.url) for c in chunks]
    settings = Settings(min_passage_score=-1, min_sentence_score=-1)
    answer = compose_answer(question, question, passages, embedder, settings)
    assert not answer.abstained and answer.citations
    for citation in answer.citations:
        assert text[citation.start:citation.end] == citation.quote


HOSTILE_TEXT = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(["\x1b", "\x9b", "\x9d", "\x07", "[", "]", ";", "\u202e", "\u2066"])),
    max_size=80,
)


@FUZZ
@given(quote=HOSTILE_TEXT, title=HOSTILE_TEXT, outlet=HOSTILE_TEXT, speaker=HOSTILE_TEXT, url=HOSTILE_TEXT,
       date=HOSTILE_TEXT, abstained=st.booleans())
def test_rendering_never_raises_and_never_emits_control_characters(quote, title, outlet, speaker, url, date, abstained):
    ref = SourceRef(1, "d", title, outlet, "", date, url)
    citation = Citation(1, quote, "d", 0, len(quote), title, outlet, "", date, url, 0.5, kind="claim", speaker=speaker)
    answer = (Answer("q", abstained=True, closest=[ref]) if abstained
              else Answer("q", abstained=False, citations=[citation], sources=[ref]))
    text = render_answer(answer)
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text)
    assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    for line in text.splitlines():
        if line.startswith("[1] ") and "://" in line.rsplit(" · ", 1)[-1]:
            assert line.rsplit(" · ", 1)[-1].lower().startswith(("http://", "https://"))


@FUZZ
@given(raw=HOSTILE_TEXT)
def test_terminal_safe_is_idempotent(raw):
    once = terminal_safe(raw)
    assert terminal_safe(once) == once

"""Properties of article-structure recognition on text full of bylines, credits, bullets and trailers.

The general fuzz vocabulary rarely makes a byline or a photo credit; this one is mostly made of
their pieces, so the line-joining rules and the recogniser meet their own edge cases.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest import lines
from ingest.chunking import chunk_document
from ingest.document import SourceDocument
from ingest.structure import REMOVED_ROLES, recognise, role_at, without_unquotable
from ingest.text import clean_text
from tests.fuzz.profiles import FUZZ

_PIECES = st.sampled_from([
    "By", "Jane", "Roe,", "The", "Harbor", "Wire,", "4", "October", "2025", "and", "John", "Doe", "|", "Outlet",
    "AP", "Photo/Vitaly", "Smolnikov", "Friday.AP", "Credit:", "Getty", "Images", "•", "-", "*", "Key", "points:",
    "Read", "more:", "original", "article", "on", "Subscribe", "Sign", "up", "Related:", "Follow", "us", "©", "KYIV,",
    "March", "23", "(Reuters)", "—", "MOSCOW", "said", "council.", "Updated", "Oct.", "officials", "U.S.", "\n", "\n",
    "\n", "\n\n", "  ", "Advertisement", "Page", "2", "of", "(AFP", "via", "Images)", "Photograph:", "Name/Agency",
    "Mr.", "he", "?", ".", "“Yes.”", "Kell", "Reservoir",
])
STRUCTURED = st.one_of(st.lists(_PIECES, max_size=80).map(" ".join), st.lists(_PIECES, max_size=80).map("".join))


def _check_segments(text, segments):
    previous = 0
    covered = set()
    for start, end, _ in segments:
        assert previous <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip() and "\n" not in text[start:end]
        covered.update(range(start, end))
        previous = end
    for i, ch in enumerate(text):
        if not ch.isspace() and i not in covered:  # only a bullet's marker lies outside every segment
            marker = lines.BULLET.match(text, text.rfind("\n", 0, i) + 1)
            assert marker and i < marker.end()


@FUZZ
@given(raw=STRUCTURED)
def test_clean_text_is_idempotent_on_structured_text(raw):
    text = clean_text(raw)
    assert clean_text(text) == text


@FUZZ
@given(raw=STRUCTURED)
def test_segments_cover_the_text_and_removal_leaves_only_kept_roles(raw):
    structure = recognise(clean_text(raw))
    _check_segments(structure.text, structure.segments)
    kept = without_unquotable(structure)
    _check_segments(kept.text, kept.segments)
    assert not any(role in REMOVED_ROLES for _, _, role in kept.segments)


@FUZZ
@given(raw=STRUCTURED, max_chars=st.integers(40, 700))
def test_chunk_sentences_are_exact_and_each_inside_one_segment(raw, max_chars):
    text = clean_text(raw)
    segments = recognise(text).segments
    for chunk in chunk_document(SourceDocument(text=text, title="t", origin="fuzz"), max_chars=max_chars):
        assert text[chunk.start:chunk.end] == chunk.text and len(chunk.sentences) == len(chunk.sentence_roles)
        for (s, e), role in zip(chunk.sentences, chunk.sentence_roles):
            assert role_at(segments, chunk.start + s) == role == role_at(segments, chunk.start + e - 1)

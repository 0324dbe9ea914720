"""Property: whatever bytes arrive under whatever name, parsing ends in documents or an IngestError.

Anything else (a pypdf AttributeError, a RecursionError in lxml, a UnicodeError) would surface
as a traceback or an "unexpected error" in the CLI and Discord, so it is a bug.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from ingest.errors import IngestError
from ingest.formats import parse_bytes
from tests.fuzz.profiles import FUZZ
from tests.helpers import make_pdf

NAMES = st.sampled_from(["a.txt", "a.md", "a.html", "a.htm", "a.pdf", "a.jsonl", "a.markdown", "noext", "a.exe"])
VALID_PDF = make_pdf(["Officials said the men were detained.", "A second line of text."], title="T")


def parses_or_refuses(data: bytes, name: str) -> None:
    try:
        documents = parse_bytes(data, name=name, origin=name)
    except IngestError as err:
        assert str(err).startswith(name) and "\n" not in str(err)
        return
    assert documents and all(d.text.strip() for d in documents)


@FUZZ
@given(data=st.binary(max_size=4000), name=NAMES)
@example(data=b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj trailer<</Root 1 0 R>>", name="a.pdf")
@example(data=b"\xff\xfe" + "text".encode("utf-16-le"), name="a.txt")
@example(data=b"---\n- a list\n---\nbody", name="a.md")
@example(data=b"\xfe\xff", name="a.jsonl")  # found by the long run: a BOM alone used to give zero documents
def test_arbitrary_bytes_parse_or_raise_an_ingest_error(data, name):
    parses_or_refuses(data, name)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, len(VALID_PDF) - 1), st.integers(0, 255)), min_size=1, max_size=12),
       cut=st.integers(20, len(VALID_PDF)))
def test_corrupted_pdfs_parse_or_raise_an_ingest_error(flips, cut):
    data = bytearray(VALID_PDF)
    for position, value in flips:
        data[position] = value
    parses_or_refuses(bytes(data[:cut]), "a.pdf")


_TAGS = st.sampled_from(["div", "p", "article", "script", "style", "b", "table", "td", "title", "h1", "svg", "!--"])
_HTML_PIECE = st.one_of(
    st.builds(lambda t: f"<{t}>", _TAGS), st.builds(lambda t: f"</{t}>", _TAGS),
    st.text(max_size=60), st.sampled_from(["&amp;", "&#0;", "&#x110000;", "<![CDATA[", "<?xml ?>", "<meta charset='utf-7'>"]),
)


@FUZZ
@given(pieces=st.lists(_HTML_PIECE, max_size=60))
def test_tag_soup_html_parses_or_raises_an_ingest_error(pieces):
    parses_or_refuses("".join(pieces).encode("utf-8", "surrogatepass"), "a.html")


_FRONT = st.dictionaries(
    st.sampled_from(["title", "url", "date", "published", "outlet", "author", "link", "x"]),
    st.one_of(st.text(max_size=30), st.integers(), st.none(), st.lists(st.integers(), max_size=3), st.dates()),
    max_size=5,
)


@FUZZ
@given(front=_FRONT, body=st.text(max_size=300))
@example(front={"title": None, "url": "0\n0"}, body="")  # found by the long run: a two-line error message
def test_markdown_with_any_front_matter_parses_or_raises_an_ingest_error(front, body):
    import yaml

    raw = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    parses_or_refuses(raw.encode("utf-8", "surrogatepass"), "a.md")

"""Each input format becomes a clean document with citation metadata, or one clear error."""

import pytest

from ingest.errors import EmptySource, MalformedSource, UnsupportedSource
from ingest.formats import parse_bytes
from tests.helpers import make_pdf

MD = b"""---
title: "A headline"
outlet: Test Outlet
author: Jo Writer
published: 2024-03-25
url: https://example.org/a
---

# A headline

First paragraph of the article. It has two sentences.

Second paragraph.
"""


def test_markdown_front_matter_fills_citation_fields():
    [doc] = parse_bytes(MD, name="a.md", origin="a.md")
    assert (doc.title, doc.outlet, doc.author, doc.published_at, doc.url) == (
        "A headline", "Test Outlet", "Jo Writer", "2024-03-25", "https://example.org/a"
    )
    assert doc.text.startswith("A headline\n\nFirst paragraph")
    assert "---" not in doc.text


def test_plain_text_without_front_matter_takes_title_from_first_line():
    [doc] = parse_bytes(b"Short title\n\nBody text goes here.", name="n.txt", origin="n.txt")
    assert doc.title == "Short title"
    assert doc.outlet == ""


def test_html_article_text_and_metadata_are_extracted():
    html = (
        "<html><head><title>Page</title><meta name='author' content='Ann Lee'>"
        "<meta property='article:published_time' content='2024-03-26'>"
        "<meta property='og:site_name' content='Daily Example'></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Border story</h1>"
        + "<p>The suspects were detained near the border, officials said on Saturday.</p>" * 5
        + "</article><footer>Copyright</footer></body></html>"
    ).encode()
    [doc] = parse_bytes(html, name="page.html", origin="page.html")
    assert doc.title == "Border story"
    assert doc.author == "Ann Lee" and doc.outlet == "Daily Example" and doc.published_at == "2024-03-26"
    assert "detained near the border" in doc.text
    assert "Home | World" not in doc.text


def test_pdf_text_and_title_are_extracted():
    data = make_pdf(["Lukashenko said the men turned toward the border.", "Second line of text."], title="PDF title")
    [doc] = parse_bytes(data, name="r.pdf", origin="r.pdf")
    assert doc.title == "PDF title"
    assert "turned toward the border" in doc.text


def test_jsonl_rows_become_documents():
    data = b'{"id": "x1", "title": "T1", "source": "S", "url": "https://e.org/1", "published_at": "2023-10-01T00:00:00+00:00", "body": "Body one."}\n' \
           b'{"id": "x2", "title": "T2", "source": "S", "url": "https://e.org/2", "body": "Body two."}\n'
    docs = parse_bytes(data, name="c.jsonl", origin="c.jsonl")
    assert [d.title for d in docs] == ["T1", "T2"]
    assert docs[0].outlet == "S" and docs[0].extra["external_id"] == "x1"


def test_latin1_text_is_decoded():
    [doc] = parse_bytes("Café au lait in Zürich, naïvely priced.".encode("latin-1"), name="l.txt", origin="l.txt")
    assert "Zürich" in doc.text


@pytest.mark.parametrize(
    ("data", "name", "error", "phrase"),
    [
        (b"", "e.txt", EmptySource, "empty"),
        (b"   \n\n  ", "e.md", EmptySource, "empty"),
        (b"\x00\x01\x02binary\x00" * 50, "b.txt", MalformedSource, "binary"),
        (b"%PDF-1.4 garbage that is not a pdf", "bad.pdf", MalformedSource, "not a readable PDF"),
        (b"---\ntitle: [unclosed\n---\nbody", "f.md", MalformedSource, "front matter"),
        (b"hello", "x.docx", UnsupportedSource, "unsupported type"),
        (b"<html><body><script>x()</script></body></html>", "s.html", EmptySource, "no article text"),
    ],
)
def test_bad_input_gets_one_clear_error(data, name, error, phrase):
    with pytest.raises(error) as info:
        parse_bytes(data, name=name, origin=name)
    message = str(info.value)
    assert phrase in message and name in message and "\n" not in message

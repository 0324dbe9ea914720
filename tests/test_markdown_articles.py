"""A Markdown article is read as its reader sees it (ingest/markdown.py): no image or link markup
in a quote, a bold dateline is a dateline, a "## Related" list is a trailer and is removed."""

from __future__ import annotations

from ingest.formats import parse_text
from ingest.markdown import markdown_to_text
from ingest.structure import sentences_with_roles

ARTICLE = """# Quay wall repairs run a year late

*By Ann Lowe — The Quayside Echo, 3 April 2025*

![The quay wall under scaffolding](https://img.example.org/quay.jpg)
*Scaffolding on the quay wall. Photo: Sam Hale / Quayside Echo*

**QUAYSIDE, 3 April** — Repairs to the quay wall will cost £2.1 million, [council papers](https://example.org/papers) show.

The harbour master, Ruth Okonjo, said the **north slip** would stay shut until *at least* May.

## Related

- [Ferry fares to rise in spring](https://example.org/ferry-fares)
- [Harbour board elects new chair](https://example.org/harbour-chair)
"""


def _roles(raw: str) -> dict[str, str]:
    document = parse_text(raw.encode(), origin="quay.md", name="quay.md")
    return {document.text[s:e]: role for s, e, role in sentences_with_roles(document.text, document.segments)}


def test_links_images_and_emphasis_are_read_as_their_text():
    assert markdown_to_text("See [the papers](https://e.org/p) and **this** or *that*.") == "See the papers and this or that."
    assert markdown_to_text("![alt text](https://e.org/i.jpg)") == ""
    assert markdown_to_text("snake_case_name and 5 * 3 * 2 stay") == "snake_case_name and 5 * 3 * 2 stay"


def test_a_bold_dateline_is_a_dateline_and_the_first_sentence_has_no_markup():
    roles = _roles(ARTICLE)
    assert roles["QUAYSIDE, 3 April —"] == "dateline"
    assert roles["Repairs to the quay wall will cost £2.1 million, council papers show."] == "body"
    assert roles["The harbour master, Ruth Okonjo, said the north slip would stay shut until at least May."] == "body"


def test_a_related_heading_over_links_is_a_trailer_and_is_removed():
    document = parse_text(ARTICLE.encode(), origin="quay.md", name="quay.md")
    assert "Ferry fares to rise" not in document.text
    assert "Related" not in document.text
    assert (document.title, document.outlet, document.published_at) == (
        "Quay wall repairs run a year late", "The Quayside Echo", "2025-04-03")


def test_a_heading_that_is_no_trailer_stays_as_it_is():
    assert markdown_to_text("## What happens next") == "What happens next"


PULL_QUOTE_ARTICLE = """# Sea wall plan shelved

*By Ann Lowe · 3 June 2026*

"We will not wait for the sea to decide for us," the club's president, Bea Marr, said on Tuesday.

> We will not wait for the sea to decide for us.

> Members meet again on Friday night to vote on the move.

---

**More on this story**

- [Storm takes the dunes](https://example.org/storm)
- [Carnival cancelled](https://example.org/carnival)
"""


def test_a_pull_quote_that_repeats_the_story_is_left_out_and_its_sentence_keeps_its_speaker():
    roles = _roles(PULL_QUOTE_ARTICLE)
    pulled = [text for text in roles if text.startswith(("We will not wait", "> "))]
    assert pulled == []
    assert roles['"We will not wait for the sea to decide for us," the club\'s president, Bea Marr, said on Tuesday.'] == "body"


def test_a_blockquote_that_says_something_new_is_read_as_its_text():
    assert _roles(PULL_QUOTE_ARTICLE)["Members meet again on Friday night to vote on the move."] == "body"


def test_a_rule_is_no_sentence_and_a_bold_more_on_this_story_line_opens_a_trailer_list():
    document = parse_text(PULL_QUOTE_ARTICLE.encode(), origin="wall.md", name="wall.md")
    assert "---" not in document.text
    assert "More on this story" not in document.text and "Carnival cancelled" not in document.text

"""Furniture of printed pages, wires, press releases and pasted pages (ingest/lines.py,
ingest/structure.py): mastheads, credited bylines, dates in figures, running headers and footers,
share-button rows, press-release trailers, a section kicker above a page's headline. Each shape was
seen in tests/corpus/sixth, a set written apart from the engine; none may be quoted, and what it
names fills the citation fields."""

from __future__ import annotations

from ingest import dates, lines
from ingest.formats import parse_html
from ingest.structure import sentences_with_roles, structured_document
from ingest.text import clean_text


def _document(raw: str, **fields: str):
    return structured_document(clean_text(raw), origin="t", fallback_title="t", **fields)


def _roles(document) -> dict[str, str]:
    return {document.text[s:e]: role for s, e, role in sentences_with_roles(document.text, document.segments)}


PRINTED = (
    "THE KETTLEBRIDGE GAZETTE  |  Court & Council Round-up  |  www.kettlebridgegazette.example.com\n\n"
    "Landlord fined over fire risks at flats\n"
    "By Fern Aldous, Court Reporter\n"
    "Thursday 4 June 2026\n\n"
    "A landlord has been fined £24,000 for letting flats with no working smoke alarms.\n"
    "Page 1 of 2 | The Kettlebridge Gazette | Thursday 4 June 2026\n\n"
    "THE KETTLEBRIDGE GAZETTE  |  Court & Council Round-up  |  www.kettlebridgegazette.example.com\n\n"
    "The judge reduced the fine by a third for his guilty plea.\n"
    "Page 2 of 2 | The Kettlebridge Gazette | Thursday 4 June 2026"
)


def test_a_masthead_in_capitals_names_the_outlet_and_is_no_author():
    document = _document(PRINTED)
    assert (document.outlet, document.author, document.published_at) == ("The Kettlebridge Gazette", "Fern Aldous", "2026-06-04")
    assert document.title == "Landlord fined over fire risks at flats"


def test_a_running_header_and_footer_are_never_quoted():
    roles = _roles(_document(PRINTED))
    quotable = [text for text, role in roles.items() if role == "body"]
    assert quotable == ["A landlord has been fined £24,000 for letting flats with no working smoke alarms.",
                        "The judge reduced the fine by a third for his guilty plea."]


def test_a_byline_with_three_parts_is_still_a_byline():
    byline = lines.parse_byline("By Jane Roe | Harbor Wire | 4 June 2026", header=True)
    assert (byline.author, byline.outlet, byline.published_at) == ("Jane Roe", "Harbor Wire", "2026-06-04")


def test_words_and_pictures_credits_name_the_writer_as_author():
    document = _document("JOBS BLOW FOR CARRICKDANE\nWords: Siobhán Keogh | Pictures: Declan Furlong\n12/06/2026\n\n"
                         "Up to 140 workers could be made redundant, the union said.")
    assert document.author == "Siobhán Keogh"
    assert _roles(document)["Up to 140 workers could be made redundant, the union said."] == "body"
    assert "12/06/2026" not in [t for t, r in _roles(document).items() if r == "body"]


def test_a_date_in_figures_is_read_only_when_it_can_be_read_one_way():
    assert dates.numeric_date_line("12/06/2026") == (True, "")  # 12 June or December 6
    assert dates.numeric_date_line("25/06/2026") == (True, "2026-06-25")
    assert dates.numeric_date_line("06/25/2026 9:14 a.m.") == (True, "2026-06-25")
    assert dates.numeric_date_line("Call 12/06/2026 the deadline") == (False, "")


def test_a_staff_photographers_credit_in_capitals_names_the_outlet():
    assert lines.credit_outlet("PHOTO: Declan Furlong / Carrickdane Courier") == "Carrickdane Courier"


def test_share_rows_comment_counts_and_editors_notes_are_trailers():
    for line in ("Facebook Twitter Whatsapp Reddit Email Share", "Facebook X WhatsApp Email Comments (14)",
                 "Comments (14)", "Editor’s note: This post was updated after publication."):
        assert lines.trailer(line) is not None, line
    for line in ("X marks the spot where the print shop stood.", "Email addresses were leaked, police said.",
                 "Correction officers walked out on Monday."):
        assert lines.trailer(line) is None, line


def test_press_release_furniture_is_not_story():
    document = _document(
        "NEWSDESK WIRE  |  Health & Charity  |  Regional press releases\nUPDATED 14:32 BST, 8 June 2026\n\n"
        "Hospice opens new wing\n\nTHRAPLEY, 8 June 2026 -- The hospice will admit its first patients next week.\n\n"
        "Notes to editors\n1. The hospice is an independent charity founded in 1983.\n\n"
        "Media contact: Hannah Cole, Communications Manager\nEmail: press@hospice.example.org\nTel: 01632 960 412\n\nENDS"
    )
    roles = _roles(document)
    assert document.outlet == "Newsdesk Wire" and document.author == ""
    assert roles["Notes to editors"] == "heading"
    assert "ENDS" not in document.text and "press@hospice.example.org" not in document.text and "01632" not in document.text
    assert any(text.endswith("founded in 1983.") and role == "body" for text, role in roles.items())


def test_a_section_kicker_above_a_pages_headline_is_not_the_headline():
    html = ("<html><head><title>Commissioners OK bridge</title></head><body><article>"
            "<p class='kicker'>County Government</p><h1>Commissioners OK $11.6M bridge</h1>"
            "<p>Pruett County commissioners voted 4-1 on Tuesday night to replace the bridge over Sawmill Creek.</p>"
            "<p>The new two-lane bridge is expected to cost $11.6 million, the county engineer said.</p>"
            "</article></body></html>")
    document = parse_html(html.encode(), origin="x", url="https://sentinel.example.com/bridge")
    roles = _roles(document)
    assert roles.get("Commissioners OK $11.6M bridge") == "headline"
    assert roles.get("County Government") != "body"


def test_a_newsroom_label_in_capitals_is_no_masthead():
    assert lines.parse_byline("BREAKING NEWS | Politics | Live updates", header=True) is None

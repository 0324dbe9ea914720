"""Article structure at ingest: what is story, what is furniture, and what the furniture tells us.

The corpus in tests/corpus/messy/ is eight fictional stories (outlets on example.* domains), one or
more per format, each with the mess real articles carry: captions and photo credits, key-point
bullets, bylines, datelines, trailers. It is also the answer engine's structure test corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.document import SourceDocument
from ingest.formats import parse_bytes, parse_html
from ingest.sources import read_targets
from ingest.structure import (
    FALLBACK_ROLES,
    QUOTABLE_ROLES,
    decode_roles,
    encode_roles,
    recognise,
    role_at,
    sentences_with_roles,
    structured_document,
)
from ingest.text import clean_text

MESSY = Path(__file__).parent / "corpus" / "messy"
TXT = "2025-10-04-saltmarsh-courier-harbour-fees.txt"
MD = "2025-09-18-hillcrest-observer-maternity-unit.md"
HTML = "2025-11-02-eastbank-herald-tram-extension.html"
PDF = "2025-08-12-upland-review-reservoir.pdf"
JSONL = "2025-messy-wire.jsonl"
RSS = "ridgeway-post.rss"
HTML_URL = "https://eastbank-herald.example.com/city/2025/11/02/tram-line-3"

# Furniture that must never be inside a quotable sentence (nor, after ingest, in the text at all).
FURNITURE = re.compile(
    r"Photo/|Photo:|Credit:|/(?:The )?(?:Meadowbrook Times|Upland Review|Ridgeway Post|Northfield Ledger)|"
    r"Read more|Read the original|Sign up|Subscribe|Follow (?:us|Oskar)|originally published|appeared first|"
    r"Page \d of|©|Advertisement|Related:|neonatal ward|30 million shortfall"
)


@lru_cache(maxsize=None)
def docs(name: str) -> tuple[SourceDocument, ...]:
    path = MESSY / name
    if name.endswith(".rss"):
        return tuple(d for result in read_targets([str(path)]) for d in result.documents)
    if name.endswith(".html"):
        return (parse_html(path.read_bytes(), origin=name, url=HTML_URL),)
    return tuple(parse_bytes(path.read_bytes(), name=name, origin=name))


def doc(name: str, index: int = 0) -> SourceDocument:
    return docs(name)[index]


def all_docs() -> list[SourceDocument]:
    return [d for name in (TXT, MD, HTML, PDF, JSONL, RSS) for d in docs(name)]


def role_of(document: SourceDocument, fragment: str) -> str | None:
    return role_at(document.segments, document.text.index(fragment))


def sentence_roles(document: SourceDocument) -> dict[str, str]:
    return {document.text[s:e]: role for s, e, role in sentences_with_roles(document.text, document.segments)}


# --- the corpus itself -------------------------------------------------------------------------

def test_the_corpus_has_eight_substantive_articles_in_every_format():
    articles = all_docs()
    assert len(articles) == 8
    assert all(300 <= len(d.text.split()) <= 700 for d in articles)


def test_the_committed_pdf_is_what_its_documented_build_script_makes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_pdf", MESSY / "build_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (MESSY / PDF).read_bytes() == module.build()


# --- metadata from the text, when the format gives none ----------------------------------------

def test_a_text_file_takes_title_author_outlet_and_date_from_its_headline_and_byline():
    d = doc(TXT)
    assert d.title == "Port Ellery mooring fees to double as harbour board cites crumbling north quay"
    assert (d.author, d.outlet, d.published_at) == ("Marta Ilves", "The Saltmarsh Courier", "2025-10-04")


def test_front_matter_wins_and_the_byline_and_closing_line_fill_what_it_lacks():
    d = doc(MD)
    assert d.title == "Hillcrest maternity unit to close in January, health board confirms"
    assert d.published_at == "2025-09-18" and d.url.startswith("https://hillcrest-observer.example.net/")
    assert d.author == "Ines Duarte and Tomas Berg"
    assert d.outlet == "The Hillcrest Observer"  # from "Read the original article on The Hillcrest Observer"


def test_an_html_page_without_og_site_name_is_named_by_its_title_not_its_domain():
    d = doc(HTML)
    assert d.outlet == "The Eastbank Herald"
    assert d.title == "Council backs tram line 3 extension despite cost row"
    assert (d.author, d.published_at) == ("Priya Natarajan", "2025-11-02")


def test_an_html_page_whose_title_names_no_site_is_named_by_its_logo():
    html = (MESSY / HTML).read_text().replace(" | The Eastbank Herald</title>", "</title>")
    html = html.replace("© 2025 The Eastbank Herald.", "© 2025.")
    assert parse_html(html.encode(), origin="x", url=HTML_URL).outlet == "The Eastbank Herald"


def test_an_html_page_with_neither_site_title_nor_logo_is_named_by_its_copyright_line():
    html = (MESSY / HTML).read_text().replace(" | The Eastbank Herald</title>", "</title>")
    html = html.replace(' alt="The Eastbank Herald logo"', ' alt=""')
    assert parse_html(html.encode(), origin="x", url=HTML_URL).outlet == "The Eastbank Herald"


def test_the_domain_names_an_html_page_only_when_the_page_names_nothing():
    html = (MESSY / HTML).read_text().replace(" | The Eastbank Herald</title>", "</title>")
    html = html.replace(' alt="The Eastbank Herald logo"', ' alt=""').replace("© 2025 The Eastbank Herald.", "")
    html = html.replace("Photo: Lukas Weber/The Eastbank Herald", "Photo: Lukas Weber")  # a staff credit names it too
    assert parse_html(html.encode(), origin="x", url=HTML_URL).outlet == "eastbank-herald.example.com"


def test_a_pdf_without_info_fields_takes_them_from_its_first_lines():
    d = doc(PDF)
    assert d.title == "Kell Reservoir falls to 31 percent as water board weighs hosepipe ban"
    assert (d.author, d.outlet, d.published_at) == ("Ada Mensah", "The Upland Review", "2025-08-12")


def test_jsonl_fields_win_over_what_the_body_says():
    strike = doc(JSONL, 0)
    assert strike.title == "Brennan Logistics strike enters second week"
    assert strike.outlet == "Meadowbrook Times"  # not the byline's or the closing line's outlet
    assert strike.published_at == "2025-09-09T06:30:00+00:00" and strike.author == "Oskar Lind"


def test_a_jsonl_row_with_only_a_body_is_named_by_its_pipe_byline_and_published_line():
    fire = doc(JSONL, 1)
    assert fire.title == "Thousands evacuated as Birchwood fire jumps the ridge"
    assert (fire.author, fire.outlet, fire.published_at) == ("Lena Varga", "The Northfield Ledger", "2025-06-21")


def test_feed_entries_keep_the_feeds_outlet_author_and_date():
    rovers, spill = docs(RSS)
    assert (rovers.outlet, rovers.author, rovers.published_at[:10]) == ("The Ridgeway Post", "Hana Sato", "2025-05-14")
    assert spill.title == "Tailings spill turns the Stour orange as mine owner disputes volume"
    assert spill.author == "Felix Adeyemi"
    assert role_of(spill, "By Felix Adeyemi, Environment Correspondent") == "byline"


def test_a_copyright_line_names_the_outlet():
    text = clean_text("Ferry to run all winter\n\nThe island ferry will keep its winter timetable, the operator said.\n\n"
                      "© 2025 The Quayside Echo. All rights reserved.")
    document = structured_document(text, origin="t", fallback_title="t")
    assert document.outlet == "The Quayside Echo"
    assert "©" not in document.text


def test_an_updated_line_gives_the_date_when_nothing_else_does():
    text = clean_text("Ferry to run all winter\nUpdated Oct. 6, 2025, 9:40 a.m.\n\nThe island ferry will keep its timetable.")
    assert structured_document(text, origin="t", fallback_title="t").published_at == "2025-10-06"


# --- roles ---------------------------------------------------------------------------------------

def test_the_headline_and_bylines_are_marked_and_never_quotable():
    d = doc(TXT)
    assert role_of(d, "Port Ellery mooring fees to double") == "headline"
    assert role_of(d, "By Marta Ilves") == "byline" and role_of(d, "Updated 5 Oct 2025") == "byline"
    assert not {"headline", "byline", "dateline", "heading"} & QUOTABLE_ROLES


def test_a_credit_glued_to_a_caption_is_cut_off_and_the_caption_marked():
    roles = sentence_roles(doc(TXT))
    assert roles["Gulls over the fish market at dawn, where landings fell by a fifth last year."] == "caption"
    assert "Coastline Press" not in doc(TXT).text


def test_a_caption_line_just_above_a_credited_caption_is_a_caption_too():
    assert role_of(doc(TXT), "Trawlers tied up three deep") == "caption"


def test_a_credit_on_its_own_line_marks_the_line_above_as_a_caption():
    d = doc(MD)
    assert role_of(d, "Midwife Carla Nunes outside") == "caption"
    assert "Ada Mensah" not in d.text


@pytest.mark.parametrize(("name", "index", "caption"), [
    (HTML, 0, "A line 3 tram waits at the Market Square stop on Saturday morning."),
    (PDF, 0, "The exposed bed of Kell Reservoir below the old pumping station on Monday."),
    (JSONL, 0, "Pickets at the main gate of the Brennan Logistics hub in Meadowbrook on Monday."),
    (JSONL, 1, "A water-bombing helicopter over the ridge above Alder Creek on Friday evening."),
    (RSS, 0, "The closed east stand at Kingsmead Park, shut since a safety inspection in February."),
    (RSS, 1, "Discoloured water in the River Stour below the Harrow Lane bridge on Wednesday."),
])
def test_captions_are_marked_in_every_format(name, index, caption):
    assert sentence_roles(doc(name, index))[caption] == "caption"
    assert "caption" in FALLBACK_ROLES


def test_bullets_above_the_story_are_key_points():
    roles = sentence_roles(doc(TXT))
    assert roles["Annual mooring fees rise from 38 to 76 euros per metre from 1 March."] == "keypoint"
    assert "•" not in "".join(roles)  # the marker is not part of the sentence


def test_bullets_under_a_key_points_label_are_key_points_and_the_label_a_heading():
    d = doc(MD)
    assert role_of(d, "Key points:") == "heading"
    assert role_of(d, "The nearest other maternity unit is 58 kilometres away") == "keypoint"
    assert sentence_roles(doc(JSONL, 1))["About 2,300 residents of Birchwood and Alder Creek were ordered to leave."] == "keypoint"


def test_html_list_items_above_the_story_are_key_points():
    assert role_of(doc(HTML), "Councillors voted 7 to 4") == "keypoint"
    assert role_of(doc(RSS, 1), "Greystone Minerals says the figure is under 4,000") == "keypoint"


def test_a_list_inside_the_story_stays_body():
    text = clean_text("Harbour plan agreed\n\nThe council agreed a plan for the harbour on Monday, officials said.\n\n"
                      "The plan includes:\n- a new pier of 120 metres\n- 40 new berths")
    structure = recognise(text)
    assert role_at(structure.segments, text.index("40 new berths")) == "body"


def test_bullets_under_related_are_trailers_and_are_removed():
    d = doc(MD)
    assert "neonatal ward" not in d.text and "Related:" not in d.text


def test_a_dateline_is_its_own_segment_and_the_first_sentence_starts_after_it():
    roles = sentence_roles(doc(TXT))
    assert roles["PORT ELLERY, Oct. 3 (The Saltmarsh Courier) —"] == "dateline"
    first = next(s for s in roles if s.startswith("The harbour board of Port Ellery voted"))
    assert roles[first] == "body"


@pytest.mark.parametrize(("name", "index", "dateline"), [
    (MD, 0, "HILLCREST —"), (HTML, 0, "EASTBANK —"), (PDF, 0, "LOWFORD, Aug. 11 (The Upland Review) —"),
    (JSONL, 0, "MEADOWBROOK —"), (RSS, 1, "STOUR VALLEY, July 3 (The Ridgeway Post) —"),
])
def test_datelines_are_marked_in_every_format(name, index, dateline):
    assert sentence_roles(doc(name, index))[dateline] == "dateline"


def test_body_sentences_are_body():
    d = doc(PDF)
    assert role_of(d, "Campaigners dispute the leakage figure.") == "body"
    assert sentence_roles(doc(RSS, 0))["The council's cabinet is expected to vote on the request on 26 June."] == "body"


def test_a_sentence_opening_with_by_is_not_a_byline():
    text = clean_text("Harbour plan agreed\n\nBy Tuesday, the council had voted to close Harbour Road for repairs.")
    assert role_at(recognise(text).segments, text.index("By Tuesday")) == "body"


# --- never quotable ------------------------------------------------------------------------------

@pytest.mark.parametrize("document", all_docs(), ids=lambda d: d.title[:30])
def test_credits_and_trailers_are_removed_and_no_quotable_sentence_holds_one(document):
    assert not FURNITURE.search(document.text), FURNITURE.search(document.text)
    for start, end, role in sentences_with_roles(document.text, document.segments):
        if role in QUOTABLE_ROLES:
            assert not FURNITURE.search(document.text[start:end])


def test_a_document_built_by_hand_is_recognised_when_chunked_with_credits_and_trailers_never_quotable():
    text = clean_text("Quay repairs start\n\nDivers inspect the quay wall on Monday.Coastline Press Photo/Jonas Reed\n"
                      "Repairs to the north quay began on Monday, the harbour master said.\n\nRead more: Ferry cuts")
    [chunk] = chunk_document(SourceDocument(text=text, title="t", origin="x"))
    roles = dict(zip((chunk.text[s:e] for s, e in chunk.sentences), chunk.sentence_roles))
    assert roles["Coastline Press Photo/Jonas Reed"] == "credit" and roles["Read more: Ferry cuts"] == "trailer"
    assert roles["Divers inspect the quay wall on Monday."] == "caption"
    assert {"credit", "trailer"}.isdisjoint(QUOTABLE_ROLES)


# --- boundaries and offsets ----------------------------------------------------------------------

def test_a_caption_a_credit_and_a_bullet_on_separate_lines_stay_separate_sentences():
    text = clean_text("Boats at the quay on Friday.Coastline Press Photo/Jonas Reed\n  • Fees rise from 1 March.")
    spans = [text[s:e] for s, e, _ in sentences_with_roles(text, recognise(text).segments)]
    assert spans == ["Boats at the quay on Friday.", "Coastline Press Photo/Jonas Reed", "Fees rise from 1 March."]


def test_a_wrapped_line_is_joined_but_a_finished_line_is_not():
    d = doc(TXT)
    assert "harbour master Ruth Okonjo told a packed meeting" in d.text  # wrapped before a capital
    assert "stabilised before the storm season of 2026.\n\n" in d.text


def test_a_pdfs_title_byline_and_first_sentence_are_separate_sentences():
    d = doc(PDF)
    roles = sentence_roles(d)
    assert roles["Kell Reservoir falls to 31 percent as water board weighs hosepipe ban"] == "headline"
    assert roles["By Ada Mensah, The Upland Review, 12 August 2025"] == "byline"
    first = next(s for s in roles if s.startswith("The reservoir that supplies Lowford"))
    assert "Kell Reservoir falls" not in first and "By Ada" not in first
    assert "Lowford and fourteen surrounding villages" in first  # the PDF's wrapped lines are joined


@pytest.mark.parametrize("document", all_docs(), ids=lambda d: d.title[:30])
def test_segments_sentences_and_chunks_are_exact_at_their_offsets(document):
    text = document.text
    previous = 0
    for start, end, role in document.segments:
        assert previous <= start < end <= len(text) and text[start:end] == text[start:end].strip()
        previous = end
    for chunk in chunk_document(document, max_chars=300):
        assert text[chunk.start:chunk.end] == chunk.text
        assert len(chunk.sentences) == len(chunk.sentence_roles)
        for (s, e), role in zip(chunk.sentences, chunk.sentence_roles):
            assert role_at(document.segments, chunk.start + s) == role  # no sentence crosses a segment
            assert role_at(document.segments, chunk.start + e - 1) == role


@pytest.mark.parametrize("document", all_docs(), ids=lambda d: d.title[:30])
def test_cleaning_the_ingested_text_again_changes_nothing(document):
    assert clean_text(document.text) == document.text


def test_role_at_is_none_between_segments_and_on_a_bullet_marker():
    text = clean_text("Harbour plan agreed\n\n• Fees rise from 1 March.\n\nThe council agreed the plan on Monday.")
    segments = recognise(text).segments
    assert role_at(segments, text.index("•")) is None
    assert role_at(segments, text.index("\n\n")) is None
    assert role_at(segments, text.index("Fees")) == "keypoint"


def test_sentence_roles_round_trip_through_their_stored_encoding():
    roles = ("headline", "byline", "caption", "keypoint", "dateline", "body", "heading", "credit", "trailer")
    assert decode_roles(encode_roles(roles), len(roles)) == roles
    assert decode_roles(encode_roles(roles), len(roles) + 1) is None
    assert decode_roles("b?", 2) is None


# --- byline shapes seen in pasted articles -------------------------------------------------------

def _structured(raw: str) -> SourceDocument:
    return structured_document(clean_text(raw), origin="t", fallback_title="t")


def test_an_outlet_line_and_a_date_line_under_a_byline_name_the_outlet_and_date():
    document = _structured(
        "Ferry fares to rise in spring\n\nBy Ann Lowe, Transport Correspondent\nThe Quayside Echo\n"
        "Tuesday 11 February 2025, 6:42pm\n\nQUAYSIDE, Feb 11 — Island ferry fares will rise by 8% in April, the operator said."
    )
    assert (document.outlet, document.published_at, document.author) == ("The Quayside Echo", "2025-02-11", "Ann Lowe")
    assert sentence_roles(document)["Island ferry fares will rise by 8% in April, the operator said."] == "body"


def test_a_markdown_byline_and_dateline_in_emphasis_are_recognised():
    document = _structured(
        "# Ferry fares to rise in spring\n\n*By Ann Lowe, Transport Reporter — The Quayside Echo, 6 March 2025*\n\n"
        "**QUAYSIDE, March 6 —** Island ferry fares will rise by 8% in April, the operator said."
    )
    assert (document.outlet, document.published_at, document.author) == ("The Quayside Echo", "2025-03-06", "Ann Lowe")
    roles = sentence_roles(document)
    assert roles["**QUAYSIDE, March 6 —**"] == "dateline"
    assert roles["Island ferry fares will rise by 8% in April, the operator said."] == "body"


def test_a_day_first_dateline_under_a_byline_below_a_subhead_is_cut_off():
    document = _structured(
        "FERRY FARES TO RISE\nOperator blames fuel costs for the increase\n\nBy Ann Lowe | The Quayside Echo | 3 April 2025\n\n"
        "QUAYSIDE, 3 April — Island ferry fares will rise by 8% in April, the operator said."
    )
    assert sentence_roles(document)["QUAYSIDE, 3 April —"] == "dateline"


def test_a_closing_reporting_credit_names_the_author_and_outlet_and_is_never_quoted():
    document = _structured(
        "Ferry fares to rise in spring\n\nIsland ferry fares will rise by 8% in April, the operator said.\n\n"
        "Reporting by Ann Lowe; additional reporting by Sam Hale, Quayside & District Echo"
    )
    assert (document.author, document.outlet) == ("Ann Lowe", "Quayside & District Echo")
    assert "Reporting by" not in document.text


def test_a_copyright_line_ending_in_a_year_names_the_outlet_without_it():
    document = _structured("Ferry fares to rise\n\nIsland ferry fares will rise by 8%, the operator said.\n\n"
                           "© Quayside Echo 2025. All rights reserved.")
    assert document.outlet == "Quayside Echo"


def test_a_standfirst_under_the_headline_is_a_key_point_not_body():
    document = _structured(
        "FERRY FARES TO RISE\nOperator blames fuel costs for an 8% increase\n\nBy Ann Lowe | The Quayside Echo | 3 April 2025\n\n"
        "QUAYSIDE, 3 April — Island ferry fares will rise by 8% in April, the operator said."
    )
    roles = sentence_roles(document)
    assert roles["Operator blames fuel costs for an 8% increase"] == "keypoint"
    assert roles["Island ferry fares will rise by 8% in April, the operator said."] == "body"
    assert document.title == "FERRY FARES TO RISE"


def test_a_first_paragraph_under_the_headline_stays_body():
    document = _structured("Ferry fares to rise\n\nIsland ferry fares will rise by 8% in April, the operator said.")
    assert sentence_roles(document)["Island ferry fares will rise by 8% in April, the operator said."] == "body"


def test_a_headline_under_a_leading_date_line_is_the_headline():
    document = _structured("Wednesday 4 June 2025\n\nFerry fares to rise in spring\n\nIsland ferry fares will rise by 8% in April, the operator said.")
    assert (document.title, document.published_at) == ("Ferry fares to rise in spring", "2025-06-04")
    assert sentence_roles(document)["Ferry fares to rise in spring"] == "headline"


def test_an_outlet_first_byline_with_dashes_names_outlet_date_and_author():
    document = _structured("Ferry fares to rise\nQuayside Echo - 3 April 2025 - by Ann Lowe, Transport Reporter\n\n"
                           "Island ferry fares will rise by 8% in April, the operator said.")
    assert (document.outlet, document.published_at, document.author) == ("Quayside Echo", "2025-04-03", "Ann Lowe")


def test_a_date_line_with_an_updated_stamp_is_a_date_line_under_the_outlet_line():
    document = _structured("Ferry fares to rise\n\nBy Ann Lowe, Transport Reporter\nThe Quayside Echo\n"
                           "Monday 12 May 2025, 6:42pm | Updated 8:15pm\n\nIsland ferry fares will rise by 8%, the operator said.")
    assert (document.outlet, document.published_at) == ("The Quayside Echo", "2025-05-12")


def test_a_staff_photographers_credit_names_the_outlet_when_nothing_else_does():
    document = _structured(
        "Moor fire burns for a second day\nBy Ann Lowe, Environment Reporter\n"
        "Crews on the moor on Sunday. Photo: Owen Leckie/Ridgeway Gazette\n\n"
        "More than 80 firefighters tackled the fire on Sunday, the fire service said."
    )
    assert document.outlet == "Ridgeway Gazette"


def test_an_agency_photo_credit_never_becomes_the_outlet():
    document = _structured(
        "Moor fire burns for a second day\n\nCrews on the moor on Sunday. Photo: Jane Roe/Reuters\n\n"
        "More than 80 firefighters tackled the fire on Sunday, the fire service said."
    )
    assert document.outlet == ""


def test_a_credit_yields_to_the_outlet_the_text_names():
    document = _structured(
        "Moor fire burns for a second day\n\nCrews on the moor. Photo: Owen Leckie/Ridgeway Gazette\n\n"
        "More than 80 firefighters tackled the fire on Sunday.\n\nRead the original article on The Quellby Times"
    )
    assert document.outlet == "The Quellby Times"


def test_a_feed_titled_outlet_then_section_is_cited_by_its_outlet(tmp_path):
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>The Riverside Chronicle - Latest news</title>'
        "<link>https://example.org/</link><item><title>Council tax to rise</title><link>https://example.org/a</link>"
        "<description>Council tax bills in Selbury will rise by 4.99 percent from April.</description></item>"
        "</channel></rss>"
    )
    (tmp_path / "feed.rss").write_text(feed, encoding="utf-8")
    [result] = read_targets([str(tmp_path / "feed.rss")])
    assert [d.outlet for d in result.documents] == ["The Riverside Chronicle"]


def test_a_file_named_by_its_date_is_dated_when_its_text_gives_no_year(tmp_path):
    body = "Foundry to cut 312 jobs\n\nHARROWBY, March 3 (Northmoor Wire) — The foundry will shed 312 posts, it said.\n"
    (tmp_path / "2026-03-03-foundry.txt").write_text(body, encoding="utf-8")
    (tmp_path / "foundry.txt").write_text(body, encoding="utf-8")
    (tmp_path / "2026-01-01-dated-in-text.txt").write_text(body.replace("March 3", "4 March 2026"), encoding="utf-8")
    dates = {Path(r.origin).name: r.documents[0].published_at for r in read_targets([str(p) for p in tmp_path.iterdir()])}
    assert dates == {"2026-03-03-foundry.txt": "2026-03-03", "foundry.txt": "", "2026-01-01-dated-in-text.txt": "2026-03-04"}


def test_a_dateline_with_a_country_before_the_day_names_its_wire_outlet():
    document = _structured(
        "Water company fined over sewage spills\nBy Ann Lowe\n\n"
        "HALBURY, England, June 3 (Marsh Wire) - Lennside Water was fined 3.8 million pounds on Wednesday.\n\n"
        "Reporting by Ann Lowe; Editing by Sam Hale\n\nOur Standards: The Marsh Wire Trust Principles.\n"
    )
    roles = sentence_roles(document)
    assert roles["HALBURY, England, June 3 (Marsh Wire) -"] == "dateline"
    assert roles["Lennside Water was fined 3.8 million pounds on Wednesday."] == "body"
    assert document.outlet == "Marsh Wire"
    assert "Our Standards" not in document.text  # a wire's closing trailer is removed


def test_topic_tags_under_explore_more_are_trailers_and_are_removed():
    document = _structured(
        "Ferry crossings cut for winter\nBy Ann Lowe, The Quayside Echo\n\n"
        "The island ferry will run half as often this winter, the operator said.\n\n"
        "Explore more on these topics\nScotland\nFerries\nShare\nReuse this content\n"
    )
    assert document.text.rstrip().endswith("the operator said.")

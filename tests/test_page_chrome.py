"""A whole news page pasted from a browser (ingest/chrome.py): the site's menu, its "Share" and
"Save" buttons, "Listen to this article", "This article is more than 1 month old", "14 hours ago",
"Image source, …" and "Image caption," labels, a newsletter box, and the lists of other stories
under the article. tests/corpus/pasted holds two such pastes, written for this project in the two
shapes the big British sites give (a label above each photo caption; a standfirst and a name line
above the date): none of the chrome may be stored as the story, the writer's name and the
headline fill the citation fields, and every sentence of the story stays a sentence of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library import Citebot
from ingest import chrome
from ingest.sources import expand_targets, read_targets
from ingest.structure import sentences_with_roles, structured_document
from ingest.text import clean_text

PASTED = Path(__file__).parent / "corpus" / "pasted"


@pytest.fixture(scope="module")
def pasted_bot(tmp_path_factory, product_embedder) -> Citebot:
    """Only the two pastes in the store: the ferry story is the towpath's one neighbour."""
    from tests.conftest import make_settings

    bot = Citebot(make_settings(tmp_path_factory.mktemp("pasted-home")), embedder=product_embedder)
    assert not bot.ingest([str(PASTED)], actor="fixture").failed
    return bot


def _read(name: str):
    (result,) = read_targets(expand_targets([str(PASTED / name)]))
    (document,) = result.documents
    return document


def _roles(document) -> dict[str, str]:
    return {document.text[s:e]: role for s, e, role in sentences_with_roles(document.text, document.segments)}


def _document(raw: str):
    return structured_document(clean_text(raw), origin="t", fallback_title="t")


@pytest.mark.parametrize("line", [
    "Skip to content", "Skip to main content", "Home News Sport", "News | Sport | Weather", "Share", "Share Save",
    "Listen to this article, 4 minutes", "5 min read", "This article is more than 1 month old",
    "14 hours ago", "Updated 2 days ago", "Image source, Getty Images", "after newsletter promotion",
    "Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties.",
    "Related topics", "Top stories", "Most read",
])
def test_the_pages_controls_and_labels_are_chrome(line):
    assert chrome.is_chrome(line)


@pytest.mark.parametrize("line", [
    "Home secretary to visit flooded town", "The board said repairs would cost £2.7m.", "Share prices fell 4%.",
    "Sport England", "Two hours ago the road reopened.", "Most readers agreed.",
    "Business", "Video games", "Us",  # subheads inside stories (a film called Us), not a menu
])
def test_story_lines_that_share_a_word_with_the_chrome_are_not_chrome(line):
    assert not chrome.is_chrome(line)


def test_a_browser_paste_keeps_only_the_story_and_its_captions():
    document = _read("towpath-browser-paste.txt")
    for furniture in ("Skip to content", "Home", "14 hours ago", "Share", "Save", "Image source", "Listen to this",
                      "Advertisement", "Related topics", "Boaters warned", "Published 3 September", "Top stories"):
        assert furniture not in document.text
    roles = _roles(document)
    assert roles["The towpath near Wolfsbane Lock has been fenced off since a section of bank slid into the water in October"] == "caption"
    assert roles["Engineers first spotted cracks in the bank in August"] == "caption"
    assert roles["She added that the board had spent £400,000 on surveys since the summer."] == "body"


def test_the_name_and_role_lines_under_a_pasted_headline_are_its_byline():
    document = _read("towpath-browser-paste.txt")
    assert (document.title, document.author) == ("Canal towpath to shut for six months as embankment slips", "Harriet Colquhoun")
    roles = _roles(document)
    assert roles["Harriet Colquhoun"] == roles["Midlands correspondent"] == "byline"


def test_a_notice_above_the_headline_does_not_take_its_place():
    document = _read("ferry-browser-paste.txt")
    assert document.title == "Ferry operator Solent Link cuts winter crossings as fuel bill doubles"
    assert (document.author, document.published_at) == ("Rosalind Achebe", "2026-11-18")
    assert "This article is more than" not in document.text
    assert _roles(document)["Islanders say the loss of the 6.15am sailing will stop them getting to work on the mainland"] == "keypoint"


def test_a_newsletter_box_inside_the_story_neither_is_stored_nor_swallows_the_next_sentence():
    document = _read("ferry-browser-paste.txt")
    assert "Privacy Notice" not in document.text and "newsletter promotion" not in document.text
    roles = _roles(document)
    assert roles["Island councillor Bea Mortlock said about 300 people relied on the first sailing to reach jobs and hospital appointments."] == "body"


def test_topic_tags_under_explore_more_are_dropped_even_when_the_paste_joins_them():
    document = _read("ferry-browser-paste.txt")
    assert "Isle of Wight" not in document.text and "Reuse this content" not in document.text


def test_a_caption_on_its_labels_line_is_a_caption_and_the_label_is_never_quoted():
    document = _document("Pier reopens after storm repairs\n\nImage caption, Crowds on the pier on Saturday\n\n"
                         "The pier reopened on Saturday after a £1.2m repair, the council said.")
    roles = _roles(document)
    assert roles["Crowds on the pier on Saturday"] == "caption"
    assert roles["Image caption,"] == "heading"


def test_a_name_alone_is_a_byline_only_under_a_headline():
    document = _document("Jane Roe\nPier reopens after storm repairs\n\nThe pier reopened on Saturday, the council said.")
    assert document.author == ""


def test_a_menu_word_alone_is_dropped_above_the_headline_and_kept_as_a_subhead_below_it():
    document = _document("Politics\nCouncil tax to rise by 5%\n\nThe council voted on Monday to raise tax by 5%.\n\n"
                         "Business\n\nShops on the high street said trade was down.")
    assert document.title == "Council tax to rise by 5%"
    assert not document.text.startswith("Politics") and "\nBusiness\n" in document.text


def test_a_caption_joined_to_its_image_source_is_kept_and_the_credit_never_quoted():
    document = _document("Singer plays surprise show\n\nImage source, Harbour Records Image caption, The show was filmed in secret\n\n"
                         "The singer played a surprise show on Friday, her label said.")
    roles = _roles(document)
    assert roles["The show was filmed in secret"] == "caption"
    assert roles["Image source, Harbour Records Image caption,"] == "heading"


def test_a_pasted_story_is_answered_from_its_body_with_its_writers_byline(pasted_bot):
    answer = pasted_bot.ask("How much will the towpath repairs cost?")
    assert not answer.abstained
    assert "would cost £2.7m" in answer.citations[0].quote
    assert {c.author for c in answer.citations} == {"Harriet Colquhoun"}


def test_a_neighbouring_story_that_shares_no_name_with_the_asked_one_is_not_quoted(pasted_bot):
    answer = pasted_bot.ask("How much will the towpath repairs cost?")
    assert all(c.title.startswith("Canal towpath") for c in answer.citations), [c.title for c in answer.citations]


def test_the_chair_quoted_after_his_words_is_their_speaker(pasted_bot):
    answer = pasted_bot.ask("What did the chair of Pedal Grantley say?")
    promised = [c for c in answer.citations if "We were promised a diversion route" in c.quote]
    assert promised and promised[0].speaker == "Tomasz Wielgosz"


def test_a_browser_paste_keeps_each_line_apart_and_a_wrapped_text_is_still_joined():
    assert clean_text("Island ferry suspended\nTamsin Gale\nBRC News, Wessenby") == "Island ferry suspended\nTamsin Gale\nBRC News, Wessenby"
    assert clean_text("The council said the\nbridge would close.\nIt reopens in May.") == "The council said the bridge would close.\nIt reopens in May."


def test_a_pages_header_and_footer_are_cut_around_its_story():
    from ingest.page_paste import story_bounds

    rows = ["Skip to content", "Home", "News", "Sport", "Weather", "Local News", "Share",
            "Harbour ramp fails safety check as ferry is suspended", "By Jane Roe", "3 hours ago",
            "The only vehicle ferry to the island was suspended on Sunday after its ramp failed an inspection.",
            "Advertisement",
            "The operator said repairs would cost £3.2m and could take until the end of the year.",
            "Most read", "Man charged after dog found in hot car", "Terms of Use", "Privacy Policy"]
    assert story_bounds(rows) == (7, 13)


def test_a_guide_that_opens_with_its_own_short_lines_is_not_cut():
    from ingest.page_paste import story_bounds

    rows = ["Warlock class guide", "Proficiencies", "Simple weapons", "Light armour", "Subclasses", "Hexblade",
            "Great Old One", "Warlocks draw their power from a pact with a patron, which shapes every spell they cast."]
    assert story_bounds(rows) is None

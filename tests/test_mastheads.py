"""Which name a page gives is its outlet (ingest/mastheads.py): pure functions, one line each."""

from __future__ import annotations

import pytest

from ingest.lines import credit_outlet
from ingest.mastheads import credit_masthead, is_company, masthead


@pytest.mark.parametrize(("line", "name"), [
    ("Murrumbong Examiner", "Murrumbong Examiner"),
    ("KMRK 4 News Dunmore Valley", "KMRK 4 News"),  # cut after the last masthead word
    ("The Northern Chronicle", "The Northern Chronicle"),
    ("Portalis", ""),  # a portal's name holds no masthead word
    ("Cascadia Broadcast Group", ""),  # a company
    ("Jane Roe", ""),
    ("Council tax to rise by 4.99 per cent", ""),
])
def test_a_masthead_is_a_short_title_case_name_holding_a_newsroom_word(line, name):
    assert masthead(line) == name


def test_a_copyright_holder_with_a_company_suffix_is_an_owner():
    assert is_company("Northern Chronicle Media Group Limited") and is_company("Australian Community Mastheads Pty Ltd")
    assert is_company("Cascadia Broadcast Group")
    assert not is_company("The Tarnside Ledger") and not is_company("BBC")


@pytest.mark.parametrize(("credit", "outlet"), [
    ("Picture: Warrigal Coast Mail", "Warrigal Coast Mail"),
    ("CREDIT: Ellen Marsh for The Northern Chronicle", "The Northern Chronicle"),
    ("Picture by Jarrah Nolan", ""),  # a photographer, not an outlet
    ("Photo: Jane Roe", ""),
    ("Photo: Getty Images", ""),
])
def test_a_credit_names_its_outlet_when_it_is_a_masthead_or_a_staff_photographer_works_for_one(credit, outlet):
    assert credit_masthead(credit) == outlet


def test_a_slash_credit_still_names_the_photographers_outlet_and_never_an_agency():
    assert credit_outlet("Photo: Owen Leckie/Ridgeway Gazette") == "Ridgeway Gazette"
    assert credit_outlet("Photo: Jane Roe/Reuters") == ""
    assert credit_outlet("Picture: Warrigal Coast Mail") == "Warrigal Coast Mail"

"""Build `2026-02-27-brackwell-advertiser-council-tax-vote.pdf` beside it (run: python build_pdf.py).

No dependencies: ../pdf_writer.py writes the PDF objects (Helvetica, WinAnsi/cp1252 encoding so that
"£" and curly quotes survive), two pages, the body hard-wrapped at 90 characters as a PDF text
layer usually is, and no document information dictionary at all (no /Info in the trailer), so a
reader must take headline, byline and date from the page text.
`page_lines(i)` returns exactly the lines written into page i's text layer.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pdf_writer import text_pdf  # noqa: E402  (beside this folder: a script, not a package)

OUT = HERE / "2026-02-27-brackwell-advertiser-council-tax-vote.pdf"
WIDTH = 90

HEADER = [
    "Brackwell councillors back 4.99 per cent council tax rise after stormy five-hour debate",
    "By Owen Pritchard, The Brackwell Advertiser",
    "Friday 27 February 2026",
    "",
]

PAGES = [
    [
        "Households in Brackwell will pay almost five per cent more in council tax from April after "
        "councillors voted through the largest rise the borough is allowed to make without holding a "
        "local referendum.",
        "The increase of 4.99 per cent was approved by 31 votes to 22, with three abstentions, at a full "
        "meeting of Brackwell Borough Council at the Civic Centre on Thursday evening. The debate ran for "
        "more than five hours and did not finish until 11.47pm.",
        "It means the council's share of the bill for a typical Band D property will go up by £94.12 a "
        "year, to £1,980.40. Charges for police and fire services, and for parish councils, are set "
        "separately and will be added on top.",
        "The council leader, Sandra Whitlock, told the chamber that the authority faced a gap of £14.6 "
        "million in its budget for 2026-27, mainly because of the rising cost of looking after elderly and "
        "disabled residents. Adult social care now takes 58p of every pound the council spends.",
        "\u201cNobody in this room came into politics to put up bills,\u201d said Cllr Whitlock, who leads the "
        "ruling Independent Alliance group. \u201cBut the alternative is to close things that people rely "
        "on, and I will not do that.\u201d",
        "Even with the rise, the budget includes savings of £6.2 million, including the loss of 45 posts "
        "at the town hall, most of them through vacancies that will not be filled. The council will also "
        "put up car parking charges in the town centre by 20p an hour.",
        "The leader of the opposition, Cllr Martin Dyer, put forward an amendment that would have limited "
        "the rise to 2.99 per cent, paid for by selling the council's share in the Kingsgate shopping "
        "centre and cutting spending on consultants. It was defeated by 30 votes to 24.",
        "\u201cPeople are still paying off the cost of living crisis. This council has chosen the easy "
        "option of reaching into their pockets once again,\u201d Cllr Dyer said.",
    ],
    [
        "Before the vote, around 150 protesters gathered on the steps of the Civic Centre, and a petition "
        "against the rise signed by 3,200 residents was handed to the mayor, Cllr Patricia Onyango.",
        "Among them was Glenys Harper, a 71-year-old retired dinner lady from the Eastfield estate, who "
        "said her bill had gone up every year for a decade. \u201cMy pension does not go up by five per "
        "cent. Where am I meant to find the money?\u201d she asked.",
        "The council's director of finance, Rebecca Lowe, warned members during the debate that the "
        "authority's general reserves had fallen to £9.8 million, the lowest level in 15 years, and that "
        "using them to hold down bills would leave it exposed if costs rose again next year.",
        "Ms Lowe said the Dyer amendment relied on selling the shopping centre stake within six months, "
        "which she described as \u201cnot realistic in the current property market.\u201d",
        "Two members of the Independent Alliance, Cllr Ryan Coates and Cllr Helen Marsh, abstained, saying "
        "they could not support a rise without a firm promise to reopen the Eastfield recycling centre, "
        "which closed in October.",
        "Cllr Whitlock said after the meeting that a decision on the recycling centre would be made in "
        "the summer once a review of waste services was complete.",
        "Around 8,600 households on low incomes will continue to receive help through the council tax "
        "support scheme, which the council has agreed to keep at its current level for another year.",
        "Bills will be sent out in the second week of March, and the new charges take effect on 1 April.",
    ],
]


def page_lines(page: int) -> list[str]:
    lines = HEADER[:] if page == 0 else []
    for paragraph in PAGES[page]:
        lines.extend(textwrap.wrap(paragraph, WIDTH))
        lines.append("")
    lines.append(f"Page {page + 1} of {len(PAGES)}")
    return lines


def all_lines() -> list[str]:
    return [line for i in range(len(PAGES)) for line in page_lines(i)]


def body_lines() -> list[str]:
    return [line for page in PAGES for para in page for line in textwrap.wrap(para, WIDTH)]


def build() -> bytes:
    return text_pdf([page_lines(i) for i in range(len(PAGES))], producer=None)


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(OUT, sum(len(" ".join(p).split()) for p in PAGES), "body words")

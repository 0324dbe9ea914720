"""Build `2026-06-04-kettlebridge-gazette-landlord-fined.pdf` beside it (run: python3 build_pdf.py).

No dependencies: ../pdf_writer.py writes the PDF objects (Helvetica, WinAnsi/cp1252 encoding so that
"£" and curly quotes survive). The page is laid out like a printed court-and-council newsletter: a
running header (outlet, section, web address) repeated at the top of both pages, the headline,
byline and date only at the top of page 1, the body hard-wrapped at 86 characters as a PDF text
layer usually is, and a running footer ("Page 1 of 2 | The Kettlebridge Gazette | ...") on each
page. No document information dictionary (no /Info in the trailer), so a reader must take
headline, byline and date from the page text.
`page_lines(i)` returns exactly the lines written into page i's text layer.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pdf_writer import text_pdf  # noqa: E402  (beside this folder: a script, not a package)

OUT = HERE / "2026-06-04-kettlebridge-gazette-landlord-fined.pdf"
WIDTH = 86
DATE = "Thursday 4 June 2026"

RUNNING_HEADER = [
    "THE KETTLEBRIDGE GAZETTE  |  Court & Council Round-up  |  www.kettlebridgegazette.example.com",
    "",
]

TITLE_BLOCK = [
    "Landlord fined £24,000 over fire risks at flats above Kettlebridge takeaway",
    "By Fern Aldous, Court Reporter",
    DATE,
    "",
]

PAGES = [
    [
        "A landlord who let seven people live in a building with no working smoke alarms and a "
        "padlocked fire escape has been ordered to pay almost £33,000 after admitting a string of "
        "housing offences.",
        "Graham Oakes, 58, of Brindle Lane, Upper Hatherby, pleaded guilty at Kettlebridge "
        "Magistrates\u2019 Court on Tuesday to nine offences under the Housing Act 2004 relating to "
        "five flats above the Golden Wok takeaway at 14 Tanner Row.",
        "District Judge Anita Korsah fined him £24,000 and ordered him to pay £6,850 towards the "
        "prosecution costs of Kettlebridge District Council, as well as a victim surcharge of £2,000.",
        "The court heard that council housing officers inspected the building on 12 November 2025 "
        "after being alerted by firefighters, who had been called to a small blaze in one of the flat "
        "kitchens two days earlier.",
        "Prosecuting for the council, Imogen Rudd said officers found that none of the smoke alarms in "
        "the communal hallway worked, and that two had had their batteries taken out.",
        "The metal gate across the fire escape on the second floor had been padlocked, Ms Rudd said, "
        "and the only key was kept by Oakes at his home eight miles away. A fire door at the foot of "
        "the stairs had been wedged open with a fire extinguisher.",
        "Among the tenants were a couple with a five-month-old baby, who lived in a single room on the "
        "top floor directly above the takeaway\u2019s kitchen.",
        "The building was also being run as a house in multiple occupation without the licence the "
        "council requires, Ms Rudd said. Oakes had been collecting about £3,900 a month in rent from "
        "the five flats.",
    ],
    [
        "Mitigating, solicitor Tobias Wainwright said his client had spent much of the past two years "
        "caring for his wife through a long illness and had \u201ctaken his eye off the ball\u201d. All of "
        "the repairs demanded by the council had since been carried out, at a cost of about £18,000.",
        "Judge Korsah said she accepted that Oakes was genuinely sorry, but that the risk to his "
        "tenants had been \u201cobvious and serious\u201d.",
        "\u201cFire does not wait for a landlord\u2019s circumstances to improve,\u201d she told him. She said "
        "she had reduced the fine by a third to reflect his guilty plea at the first opportunity.",
        "One former tenant, Kasia Nowak, 29, who lived on the top floor for three years, said after "
        "the hearing that she had complained about the alarms at least four times.",
        "\u201cEvery time, he said he would send someone round. Nobody ever came,\u201d she said. \u201cWhen "
        "the fire happened downstairs, we only knew because we could smell it.\u201d",
        "All seven tenants were rehoused by the council within a week of the inspection, two of them "
        "in temporary rooms at the Riverside Lodge hostel.",
        "Cllr Wes Brannigan, the council\u2019s cabinet member for housing, said the council would now "
        "apply to the First-tier Tribunal for a banning order, which would stop Oakes from letting "
        "any property for at least 12 months.",
        "\u201cMost landlords in Kettlebridge do a good job. The few who gamble with their tenants\u2019 "
        "lives will find us on their doorstep,\u201d he said.",
        "The council has taken 11 landlords to court in the past two years, and says it plans to "
        "hire two more housing enforcement officers this autumn using money from fines.",
        "Tenants worried about safety in privately rented homes can contact the council\u2019s private "
        "housing team on 01632 960 587.",
    ],
]


def page_lines(page: int) -> list[str]:
    lines = RUNNING_HEADER[:]
    if page == 0:
        lines.extend(TITLE_BLOCK)
    for paragraph in PAGES[page]:
        lines.extend(textwrap.wrap(paragraph, WIDTH))
        lines.append("")
    lines.append(f"Page {page + 1} of {len(PAGES)}  |  The Kettlebridge Gazette  |  {DATE}")
    return lines


def build() -> bytes:
    return text_pdf([page_lines(i) for i in range(len(PAGES))], producer=None)


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(OUT, sum(len(" ".join(p).split()) for p in PAGES), "body words")

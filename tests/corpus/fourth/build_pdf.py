"""Build `2026-01-12-wexmoor-courier-builder-fraud-verdict.pdf` beside it (run: python build_pdf.py).

No dependencies: ../pdf_writer.py writes the PDF objects, with WinAnsi (cp1252) encoding for "£"
and "—"; the body is hard-wrapped at about 90 characters as a PDF text layer would be, two pages, and
no /Title or /Author in the document information dictionary.
`page_lines()` returns exactly the lines written into each page's text layer.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pdf_writer import text_pdf  # noqa: E402  (beside this folder: a script, not a package)

OUT = HERE / "2026-01-12-wexmoor-courier-builder-fraud-verdict.pdf"

HEADER = [
    "Rogue builder guilty of cheating elderly homeowners out of £214,000",
    "By Tomasz Wren, The Wexmoor Courier, 12 January 2026",
    "The entrance to Aldbury Crown Court, where the trial lasted three weeks. Photo: Wexmoor Courier",
]

PAGES = [
    [
        "A builder who took more than £214,000 from elderly homeowners for roof and driveway repairs that "
        "were never finished has been found guilty of fraud after a three-week trial at Aldbury Crown Court.",
        "Raymond Coyle, 54, of Fernhill Road, Wexmoor, was convicted on Friday of nine counts of fraud by "
        "false representation against 11 victims aged between 68 and 93. The jury took just over nine hours "
        "to reach unanimous verdicts.",
        "His son, Dean Coyle, 29, who worked for the family firm Coyle Home Improvements, was cleared of all "
        "charges.",
        "The court heard that between June 2022 and September 2024, Coyle knocked on doors in Wexmoor, Tilsby "
        "and Hadley Cross, telling residents that their roofs were unsafe or that their driveways were breaking "
        "up. He asked for large deposits, often in cash, then left work half-finished or did not return at all.",
        "One widow, 88, paid £38,500 for a new roof on her bungalow in Tilsby, only to find that the builders "
        "had stripped off the tiles and covered the holes with plastic sheeting before disappearing. Rain came "
        "through her bedroom ceiling the following week.",
        "The prosecutor, Amelia Strachan, said Coyle had \"picked his targets with care\", choosing "
        "people who lived alone and were unlikely to check what he told them.",
        "\"He did not make mistakes. He made a plan, and he carried it out again and again,\" she said.",
        "Coyle told the court the work had been held up because of a shortage of materials after the pandemic "
        "and that he had always intended to go back. He denied targeting older people, saying most of his "
        "customers happened to be retired because they were at home during the day.",
        "The jury rejected his account.",
    ],
    [
        "Detective Constable Rhiannon Hale of Wexmoor Police's economic crime unit, who led the investigation, "
        "said outside court that the case had begun with a single phone call from a worried daughter in "
        "November 2024.",
        "\"That one call led us to ten more families,\" she said. \"Many of the victims were too embarrassed to "
        "come forward at first, and I want to thank them for their courage.\"",
        "She added: \"If someone turns up uninvited and tells you your roof is about to fall in, shut the door "
        "and call a relative.\"",
        "Trading standards officers from Wexmoor District Council, who worked with police on the case, said "
        "they had found that Coyle's firm was not registered with any trade body and had no insurance.",
        "The daughter of one victim, speaking outside court, said her father had died before the trial began. "
        "\"He kept saying he had been stupid. He was not stupid, he was lied to,\" she said.",
        "Coyle was remanded in custody and will be sentenced on 20 February. The prosecution has said it will "
        "seek a confiscation order to recover money for the victims.",
        "Dean Coyle left court without speaking to reporters.",
        "This article was originally published by The Wexmoor Courier.",
    ],
]


def page_lines(page: int) -> list[str]:
    lines = HEADER[:] if page == 0 else []
    for paragraph in PAGES[page]:
        lines.extend(textwrap.wrap(paragraph, 90))
    lines.append(f"Page {page + 1} of {len(PAGES)}")
    return lines


def build() -> bytes:
    return text_pdf([page_lines(i) for i in range(len(PAGES))], "tests/corpus/fourth/build_pdf.py")


def all_lines() -> list[str]:
    return [line for i in range(len(PAGES)) for line in page_lines(i)]


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(OUT, sum(len(" ".join(p).split()) for p in PAGES), "body words")

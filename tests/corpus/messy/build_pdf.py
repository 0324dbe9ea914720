"""Build `2025-08-12-upland-review-reservoir.pdf` from the article text below (run: python build_pdf.py).

The PDF is committed so the corpus is plain files; this script is the documented tool that made it
(no dependencies: tests/corpus/pdf_writer.py writes the PDF objects, like tests/helpers.make_pdf, but with several
pages, WinAnsi encoding for "•", "—" and curly quotes, and the body hard-wrapped at about 90
characters, as a PDF's text layer is). `tests/test_article_structure.py` checks that the committed
file is what this script produces. It has no /Title or /Author: those must come from the text.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pdf_writer import text_pdf  # noqa: E402  (beside this folder: a script, not a package)

PDF_NAME = "2025-08-12-upland-review-reservoir.pdf"

HEADER = [
    "Kell Reservoir falls to 31 percent as water board weighs hosepipe ban",
    "By Ada Mensah, The Upland Review, 12 August 2025",
    "The exposed bed of Kell Reservoir below the old pumping station on Monday. Photo: Sam Ortiz/Upland Review",
    "• Kell Reservoir held 31 percent of its capacity on Monday, against 58 percent a year ago.",
    "• Upland Water says a hosepipe ban could start on 1 September.",
    "• Campaigners and farmers blame leaking pipes as much as the dry weather.",
]

PAGES = [
    [
        "LOWFORD, Aug. 11 (The Upland Review) — The reservoir that supplies Lowford and fourteen surrounding "
        "villages has fallen to 31 percent of its capacity, its lowest August level since records began in 1976, "
        "and the water company said on Monday that a hosepipe ban was “likely” within weeks.",
        "Upland Water, which serves about 61,000 households from Kell Reservoir, said rainfall in the catchment "
        "since March had been 46 percent of the long-term average. Its operations director, Helen Strand, said "
        "the company would decide by 25 August whether to restrict garden hoses and the filling of pools from "
        "1 September.",
        "“We are asking people to save water now so that we do not have to ask them to do much more in October,” "
        "Strand said. Under the company's drought plan, a ban carries fines of up to 1,000 euros.",
        "The company says it loses 22 percent of the water it puts into supply through leaks, and that it "
        "repaired 1,240 leaking mains and service pipes in the first seven months of the year.",
    ],
    [
        "Campaigners dispute the leakage figure. Peter Olsen, a retired hydrologist who advises the group Save "
        "the Kell, said the company's own annual returns implied losses closer to 29 percent once water used "
        "for flushing mains was counted. “The weather made this drought, but the pipes made it worse,” he said.",
        "Strand rejected that reading, saying flushing was an operational use and was reported separately to the "
        "regulator, as the rules require.",
        "Farmers in the Kell valley say they have already been hit. Grace Mwangi, who chairs the Upland Farmers' "
        "Union, said the environment agency had cut spray irrigation licences for 38 farms by half in July, "
        "while households still faced no limits. “We have been rationed for a month and the town has not,” "
        "Mwangi said.",
        "The environment agency said the cuts were needed to protect the River Kell, where flows at the Lowford "
        "gauge had fallen to a third of their normal summer level and fish had been rescued from two tributaries.",
        "The water company said a new pipeline to the Dunholm aquifer, due to be finished in 2027, would supply "
        "up to 9 million litres a day and end the district's dependence on a single reservoir.",
        "This article was originally published by The Upland Review.",
    ],
]


def page_lines(page: int) -> list[str]:
    lines = HEADER[:] if page == 0 else []
    for paragraph in PAGES[page]:
        lines.extend(textwrap.wrap(paragraph, 90) if len(paragraph) > 90 and not paragraph.startswith("This article") else [paragraph])
    lines.append(f"Page {page + 1} of {len(PAGES)}")
    return lines


def build() -> bytes:
    return text_pdf([page_lines(i) for i in range(len(PAGES))], "tests/corpus/messy/build_pdf.py")


if __name__ == "__main__":
    (HERE / PDF_NAME).write_bytes(build())

"""Build `2026-01-12-wexmoor-courier-builder-fraud-verdict.pdf` beside it (run: python build_pdf.py).

No dependencies: the PDF objects are written by hand, with WinAnsi (cp1252) encoding for "£" and
"—", the body hard-wrapped at about 90 characters as a PDF text layer would be, two pages, and
no /Title or /Author in the document information dictionary.
`page_lines()` returns exactly the lines written into each page's text layer.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def _esc(text: str) -> bytes:
    data = text.encode("cp1252")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def build() -> bytes:
    n = len(PAGES)
    font_id, info_id = 3 + 2 * n, 4 + 2 * n
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(f"{3 + 2 * i} 0 R".encode() for i in range(n)) + b"] /Count " + str(n).encode() + b" >>",
    ]
    for i in range(n):
        stream = b"BT /F1 10 Tf 50 760 Td 13 TL " + b" ".join(b"(" + _esc(line) + b") Tj T*" for line in page_lines(i)) + b" ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Producer (fourth/src/build_pdf.py) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def all_lines() -> list[str]:
    return [line for i in range(len(PAGES)) for line in page_lines(i)]


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(OUT, sum(len(" ".join(p).split()) for p in PAGES), "body words")

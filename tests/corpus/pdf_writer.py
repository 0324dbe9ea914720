"""A text-only PDF written object by object, for the test corpora's documented build scripts
(messy/, fourth/ and fifth/build_pdf.py): no dependencies, WinAnsi (cp1252) encoding for "•",
"—", "£" and curly quotes, one text line per given line (as a PDF's hard-wrapped text layer is),
and no /Title or /Author (or, without a producer, no information dictionary at all), so citation
fields must come from the text."""

from __future__ import annotations


def _escaped(text: str) -> bytes:
    data = text.encode("cp1252")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(pages: list[list[str]], producer: str | None) -> bytes:
    """The PDF bytes of `pages` (each a list of lines), with `producer` in its info dictionary
    (None: no information dictionary)."""
    n = len(pages)
    font_id, info_id = 3 + 2 * n, 4 + 2 * n
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(f"{3 + 2 * i} 0 R".encode() for i in range(n)) + b"] /Count " + str(n).encode() + b" >>",
    ]
    for i, lines in enumerate(pages):
        stream = b"BT /F1 10 Tf 50 760 Td 13 TL " + b" ".join(b"(" + _escaped(line) + b") Tj T*" for line in lines) + b" ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    if producer is not None:
        objects.append(b"<< /Producer (" + _escaped(producer) + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    info = f" /Info {info_id} 0 R" if producer is not None else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)

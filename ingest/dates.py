"""Dates as news pages write them: "4 October 2025", "Oct. 4, 2025", "2025-10-04", a date line of
record ("Updated 4 Oct 2025, 6:42pm"), and a date in figures ("12/06/2026"), which is read only when
it can be read one way (day-first in Dublin, month-first in Boston). ingest/lines.py asks these
questions of every line; they live apart from its bylines, credits and trailers."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))\b",
    re.IGNORECASE,
)
# What may sit beside a date on a date line: times, weekdays, time zones, "at", punctuation.
_DATE_LEFTOVER = re.compile(
    r"(?:[\s,.;:|·•–—/()-]|\b(?:at|on)\b|\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\b\.?)?|\b[ap]\.?m\.?|\b[A-Z]{2,5}\b"
    r"|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b)*"
)
_DIGIT = re.compile(r"\d")
_DATE_LINE = re.compile(
    r"(?:and\s+)?(?:Last\s+)?(?:Updated|Published|Posted|First\s+published|Modified)(?:\s+on)?\s*:?\s*", re.IGNORECASE
)


_UPDATED_TAIL = re.compile(
    r"\s*[|·]\s*(?:Last\s+)?(?:Updated|Modified)\b[^|·]{0,40}$"
    r"|,?\s*first\s+published\b[^|·]{0,30}$"  # "Updated July 10 2026 - 8:14am, first published 5:30am"
    r"|\s*[|·•]\s*\d+\s*min(?:ute)?s?\s+read$",  # "Jul 18, 2026 · 7 min read"
    re.IGNORECASE,
)


def parse_date(text: str) -> tuple[str, re.Match | None]:
    """The first real calendar date in `text` as ISO "YYYY-MM-DD" (and its match), else ("", None)."""
    for match in DATE.finditer(text):
        g = match.groupdict()
        year, month, day = g["y1"] or g["y2"] or g["y3"], g["m1"] or g["m2"] or g["m3"], g["d1"] or g["d2"] or g["d3"]
        number = int(month) if month.isdigit() else _MONTHS[month[:3].lower()]
        try:
            return dt.date(int(year), number, int(day)).isoformat(), match
        except ValueError:
            continue
    return "", None


def _only_date(text: str) -> str:
    """ISO date when `text` is a date and nothing else but times, weekdays and zones."""
    iso, match = parse_date(text)
    if not match:
        return ""
    return iso if _nothing_else(text, match) else ""


def _nothing_else(text: str, match: re.Match) -> bool:
    """Whether `text` holds nothing beside the date `match` found but times, weekdays and zones."""
    return _DATE_LEFTOVER.fullmatch(text[:match.start()] + " " + text[match.end():]) is not None


def unemphasised(line: str) -> str:
    """The line without the Markdown emphasis wrapped round all of it: "*By Jane Roe, Outlet*" is
    a byline as much as "By Jane Roe, Outlet" is (a pasted Markdown article keeps its asterisks)."""
    return line.strip().strip("*_").strip() if line[:1] in "*_" else line


def date_line(line: str, *, bare: bool = False) -> tuple[str, str]:
    """("published" | "updated", ISO date) for a dateline-of-record such as "Updated 4 Oct 2025" or
    "Published: October 4, 2025 10:32 GMT"; with `bare`, a line that is only a date counts too."""
    line = _UPDATED_TAIL.sub("", unemphasised(line))  # "12 May 2025, 6:42pm | Updated 8:15pm"
    if len(line) > 90:
        return "", ""
    match = _DATE_LINE.match(line)
    if match:
        iso = _only_date(line[match.end():])
        kind = "updated" if line[:match.end()].lower().lstrip().removeprefix("and ").startswith(("updated", "last", "modified")) else "published"
        return (kind, iso) if iso else ("", "")
    if bare and len(line) <= 50 and _DIGIT.search(line):
        iso = _only_date(line)
        return ("published", iso) if iso else ("", "")
    return "", ""


_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})")


def numeric_date_line(line: str) -> tuple[bool, str]:
    """(whether the line is only a date written in figures, its ISO date when the figures can be
    read one way only). "12/06/2026" is 12 June in Dublin and December 6 in Boston: such a line is
    furniture either way, but only "25/06/2026" or "06/25/2026" names its day."""
    match = _NUMERIC_DATE.search(line)
    if not match or len(line) > 50 or not _nothing_else(line, match):
        return False, ""
    a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
    readings = {(m, d) for d, m in ((a, b), (b, a)) if 1 <= m <= 12 and 1 <= d <= 31}
    if len(readings) != 1:
        return bool(readings), ""
    month, day = readings.pop()
    try:
        return True, dt.date(year, month, day).isoformat()
    except ValueError:
        return False, ""

"""What one line of a news article is: a bullet, a byline, a photo credit, a trailer, a dateline.

These are the conventions newsrooms and scrapers share (wire-photo credits such as "AP Photo/Name",
"Photograph: Name/Agency", "Credit: Getty"; "By Name, Outlet, date" bylines; "CITY, Month D (Agency)
—" datelines; "Read more:" and "Sign up for…" trailers), written as general patterns rather than lists
of names, because a list picked from one article recognises that article and nothing else.

Both `ingest.text.clean_text` (to know which line breaks are boundaries) and `ingest.structure`
(to give each line its role) ask these questions, so they live here, separate from both. Every
function looks at one line only, and the costly patterns run only after a cheap pre-check, because
they run on every line of every ingested article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import chrome
from ingest.dates import date_line, parse_date, unemphasised
from ingest.mastheads import credit_masthead
from ingest.names import is_name, is_outlet, names_of, outlet_name

# A list item: a bullet character, or "-", "*", "–" followed by a space.
BULLET = re.compile(r"(?:[•●▪◦‣∙·]|[-*–](?=\s))\s*")
# A line that ends a sentence: final punctuation, then any closing quotes or brackets.
TERMINAL_END = re.compile(r"[.!?…:][\"'”’)\]»]*$")

# --- names, bylines ----------------------------------------------------------------------------

_JOB = re.compile(
    r"(?:[\w-]+\s+){0,3}(?:writer|reporter|correspondent|editor|columnist|contributor|journalist|"
    r"producer|analyst|photographer|chief|staff|desk)s?", re.IGNORECASE,
)


def outlet_line(line: str) -> str:
    """The name when the line is only a name in title case, of at most five words ("Ashbury
    Gazette"; under a byline, the outlet the byline leaves out), else ""."""
    line = unemphasised(line)
    named = any(w[:1].isupper() for w in line.split())  # "1.2k" (a comment count) names nothing
    return line if named and is_outlet(line) and len(line.split()) <= 5 and not TERMINAL_END.search(line) else ""


@dataclass(frozen=True)
class Byline:
    author: str = ""
    outlet: str = ""
    published_at: str = ""


_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?", re.IGNORECASE)


def author_without_roles(author: str) -> str:
    """An author field as names only: "Marcus Bell; Business Reporter" (a page's metadata joins
    the byline's parts with ";") is "Marcus Bell"."""
    parts = [p.strip() for p in re.split(r"\s*;\s*", author)]
    kept = [p for p in parts if _kept_part(p)]
    return "; ".join(kept) if kept else author.strip()


def _kept_part(part: str) -> bool:
    """A byline part that says something: not empty, not a job title, not a lone weekday."""
    return bool(part.strip(" .,;:")) and not _JOB.fullmatch(part) and not _WEEKDAY.fullmatch(part)


_BY = re.compile(r"(?:By|BY)\s*:?\s+")
_OUTLET_THEN_BY = re.compile(
    r"(?P<outlet>[A-Z][^|·—–\-]{1,60}?)\s+[-–—|·]\s+(?:(?P<date>[^|·—–]{4,40}?)\s+[-–—|·]\s+)?[Bb]y\s+(?P<byline>.+)"
)
_BYLINE_SPLIT = re.compile(r"\s*(?:\||·|\s[—–]\s|\s+for\s+)\s*")
# "Words: Jane Roe | Pictures: John Doe": the writer is the author, the photographer is not.
_CREDITED = re.compile(
    r"(?:Words|Text|Story|Report|Reporting)\s*(?::|\bby\b)\s*(?P<names>[^|·]+?)"
    r"(?:\s*[|·]\s*(?:Pictures|Photos|Photographs|Photography|Images|Video)\s*(?::|\bby\b)\s*[^|·]+)?",
    re.IGNORECASE,
)


_NEWSROOM_LABELS = frozenset("BREAKING LIVE EXCLUSIVE OPINION ANALYSIS UPDATE UPDATED WATCH PICTURED LATEST TOP".split())


def _masthead(line: str) -> str | None:
    """The outlet of a masthead line above a story ("THE KETTLEBRIDGE GAZETTE | Court & Council |
    www.…": three or more parts, the first in capitals, as a printed page's or a wire's running
    header is; a byline in capitals with three parts is rarer), "" for a newsroom label of that
    shape ("BREAKING NEWS | Politics | Live"), None for a line of another shape."""
    parts = [p.strip() for p in re.split(r"\s[|·]\s", line)]
    first = parts[0]
    if len(parts) < 3 or not first.isupper() or len(first.split()) < 2:
        return None
    if any(c.isdigit() for c in first) or first.split()[0] in _NEWSROOM_LABELS:
        return ""
    name = " ".join(w.capitalize() if w.isalpha() or "'" in w or "’" in w else w for w in first.split())
    return name if is_outlet(name) else ""


def parse_byline(line: str, *, header: bool = False) -> Byline | None:
    """"By Jane Roe, The Harbor Wire, 4 October 2025", "By Jane Roe and John Doe", and (with `header`,
    i.e. above the story) "Jane Roe | Outlet". None for anything else, e.g. "By Tuesday, the council…".

    After the names, a part after "|", "·", " for " or " — " is the outlet; with commas only, the last
    part is the outlet when there are two or more ("By Jane Roe, John Doe" reads as a name and an
    outlet: a byline cannot tell them apart, and the outlet is the likelier second part).
    """
    line = unemphasised(line)
    if len(line) > 160:
        return None
    masthead = _masthead(line) if header and not _BY.match(line) else None
    if masthead is not None:
        return Byline(outlet=masthead) if masthead else None
    credited = _CREDITED.fullmatch(line)
    if credited and names_of(credited["names"].strip()):
        return Byline(author=credited["names"].strip())
    inner = _OUTLET_THEN_BY.fullmatch(line) if header else None
    if inner:  # "Kestrel Post - 19 June 2025 - by Owen Prichard": the same byline, outlet first
        line = f"By {inner['byline']} | {inner['outlet']}" + (f", {inner['date']}" if inner["date"] else "")
    by = _BY.match(line)
    if not by and not (header and ("|" in line or "·" in line)):
        return None
    rest = line[by.end():] if by else line
    iso, match = parse_date(rest)
    if match:
        rest = rest[:match.start()] + rest[match.end():]
    rest = re.sub(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\s*)?(?:[A-Z]{2,4}\b)?", "", rest)
    head, *tail = _BYLINE_SPLIT.split(rest.strip(" ,|·"), maxsplit=1)
    parts = [p for p in (p.strip() for p in head.split(",")) if _kept_part(p)]
    outlet = ""
    if tail:
        after = [p for p in (p.strip() for p in re.split(r"[,|·]", tail[0])) if _kept_part(p)]
        if not after or not is_outlet(after[0]):
            return None
        outlet = after[0]
    elif by and len(parts) >= 2 and not re.search(r"\s(?:and|&)\s", parts[-1]):
        if not is_outlet(parts[-1]):
            return None
        outlet = parts.pop()
    if not by and not outlet:
        return None
    names = [n for p in parts for n in (names_of(p) or [""])]
    if not names or not all(names):
        return None
    return Byline(author=", ".join(parts), outlet=outlet, published_at=iso)


# --- photo credits -----------------------------------------------------------------------------

_W = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"  # a capitalised word
_P = r"(?:de|da|di|du|del|der|den|van|von|la|le|bin|al|el|dos)"
_NAME = rf"{_W}(?:\s+(?:{_W}|{_P}(?=\s+[A-Z]))){{0,5}}"
_SLASH = rf"{_NAME}(?:\s?/\s?{_NAME})+(?:\s+via\s+{_NAME})?"
_VIA = rf"{_NAME}\s+via\s+{_NAME}"
_STOCK = rf"(?:via\s+)?(?:Getty\s+Images|Shutterstock|iStock(?:photo)?|Alamy(?:\s+Stock\s+Photo)?)(?:\s+for\s+{_NAME})?"
_KEYWORD = r"(?:(?:Photo|Image|Picture)\s+(?:credit|source)|Photo(?:graph)?s?|PHOTO|Picture|Image|Illustration|Video|Credits?|CREDITS?)\s*(?::|\bby\b)\s*\S[^\n]{0,100}"
_ANY = rf"(?:{_KEYWORD}|{_SLASH}|{_VIA}|{_STOCK}|\((?:{_KEYWORD}|{_SLASH}|{_VIA}|{_STOCK})\))"
_CREDIT_LINE = re.compile(_ANY)
# A credit glued to the end of a caption: after final punctuation (with or without a space), or a
# "Credit:"-style label after any word; agency credits with " | " ("Name | Reuters") only there.
_CREDIT_TAIL = re.compile(
    rf"(?:(?<=[.!?”\"’)])\s*(?P<a>{_ANY}|{_NAME}(?:\s\|\s{_NAME})+)"
    rf"|\s(?P<b>(?:Credit|CREDIT|Photo|Photograph|Image|Picture)s?\s*:\s*\S[^\n]{{0,100}}))$"
)
_TAIL = 180  # credits are short: only the end of a line is searched
_HINTS = ("/", "|", "Getty", "via ", "hoto", "redit", "REDIT", "HOTO", "mage", "icture", "llustration", "Video",
          "Shutterstock", "iStock", "Alamy")


def _may_end_in_credit(text: str) -> bool:
    """Cheap test first (these run on every line): a credit does not end like a sentence ("…year.",
    "…said:") and always holds a slash, a pipe, an agency or a photo word."""
    last = text[-1]
    if last in "!?”\"’:;," or (last == "." and (text[-2:-1].islower() or text[-2:-1].isdigit())):
        return False
    return any(hint in text for hint in _HINTS)


def is_credit_line(line: str) -> bool:
    """The whole line is a photo credit: "AP Photo/Name", "Credit: Getty", "(AFP via Getty Images)"."""
    return len(line) <= 140 and _may_end_in_credit(line) and _CREDIT_LINE.fullmatch(line) is not None


# "Photo: Owen Leckie/Ridgeway Gazette": a staff photographer's credit names the outlet; an
# agency's ("Photo: Jane Roe/Reuters") names the agency, which is not who published the story.
_CREDIT_OUTLET = re.compile(r"\(?(?i:Photo(?:graph)?|Picture|Image)s?\s*:\s*(?P<who>[^/|\n]{3,60}?)\s?/\s?(?P<outlet>[^/|\n]{3,60}?)\)?")
_AGENCIES = frozenset(
    "ap afp reuters getty pa epa epa-efe efe alamy shutterstock istock dpa xinhua anadolu zuma swns rex "
    "bloomberg nurphoto sipa ansa tass".split()
) | {"getty images", "pa wire", "pa media", "rex features", "ria novosti", "zuma press", "associated press"}


def credit_outlet(credit: str) -> str:
    """The outlet a photographer's credit names ("Photo: Owen Leckie/Ridgeway Gazette"), or a credit
    that is a masthead or names one after "for" (ingest/mastheads.py), or "" (an agency, a person)."""
    match = _CREDIT_OUTLET.fullmatch(credit.strip())
    if not match:
        return credit_masthead(credit)  # "Picture: Warrigal Coast Mail", "CREDIT: Ellen Marsh for The Northern Chronicle"
    who, outlet = match.group("who").strip(), match.group("outlet").strip()
    if not is_name(who) or not is_outlet(outlet) or outlet.lower() in _AGENCIES:
        return ""
    return outlet


def credit_tail(line: str) -> int:
    """Where a credit glued to the end of a caption line starts ("…on Friday.AP Photo/Name"), or -1."""
    tail_start = max(0, len(line) - _TAIL)
    tail = line[tail_start:]
    if not _may_end_in_credit(tail):
        return -1
    match = _CREDIT_TAIL.search(tail)
    if not match:
        return -1
    start = tail_start + match.start("a" if match.group("a") else "b")
    return start if line[:start].strip() else -1


# --- trailers ----------------------------------------------------------------------------------

# "Explore more on these topics": a trailer, and the topic tags on the lines after it are trailers too.
_TOPICS_LINE = r"explore\ more\ on\ th(?:is|ese)\ topics?\b"
_TRAILER = re.compile(
    r"""(?:read\ the\ (?:original|full)\ (?:article|story)(?:\ (?:on|at|from|in)\ (?P<orig>.+))?
    |(?:this|the)\ (?:article|story|piece|post|report)\ (?:was\ |is\ |has\ been\ )?(?:\w+\ ){0,2}?
        (?:published|appeared|republished|posted|syndicated)\b(?:.*?\b(?:on|in|by|from|with)\ (?P<pub>.+))?
    |(?:adapted\ from\ an\ article\ )?originally\ (?:published|appeared|posted)\b(?:.*?\b(?:on|in|by|at)\ (?P<pub2>.+))?
    |a\ version\ of\ this\ (?:article|story)\b
    |the\ post\ .+\ appeared\ first\ on\ (?P<wp>.+)
    |read\ (?:more|next|also)\b|continue\ reading\b
    |(?:related|see\ also|also\ read|recommended)(?:\ [\w’'-]+){0,2}\s*:|more\ from\b[^:]{0,60}:
    |subscribe\b|sign\ up\b|follow\ (?:us|@\S+)\b|share\ (?:this|on)\b
    |(?:additional\ )?(?:reporting|editing|writing)\ by\b(?P<rep>.*)
    |advertisement(?:\s+-?\s*(?:article|story)\ continues\b.*)?$|(?:article|story)\ continues\ (?:below|after)
    |page\ \d+(?:\ of\ \d+)?(?:$|\s+[|·•–—-]\s)|[^|·\n]{1,80}\s[|·]\s+page\ \d+(?:\ of\ \d+)?$
    |editor[’']s\ note\s*[:—–]
    |(?:(?:facebook|twitter|x|whatsapp|e-?mail|linkedin|reddit|pinterest|messenger|telegram|bluesky|threads
        |print|copy\ link|share|comments?(?:\ \(\d+\))?)(?:\s+|\s*[|·,]\s*|$)){3,}$
    |comments?\s*\(\d+\)$
    |-*\s*ends\s*-*$|\#\#\#$
    |(?:media|press|news)\ (?:contact|enquiries|inquiries)\b|(?:e-?mail|tel|telephone|phone|mobile|fax)\s*:\s*[+(\w]
    |more\ on\ this\ (?:story|topic|subject)\b
    |our\ standards\s*:|""" + _TOPICS_LINE + r"""|reuse\ this\ content\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_TOPICS = re.compile(_TOPICS_LINE, re.IGNORECASE | re.VERBOSE)
_FOLLOW_NAME = re.compile(rf"Follow\s+{_NAME}\s+on\b")  # "Follow Jane Roe on X", not "Follow anyone on…"
_MORE = re.compile(r"MORE\s*:")
_COPYRIGHT = re.compile(
    r"(?:(?:©|\([cC]\))(?:\s*(?:[Cc]opyright|COPYRIGHT)\b)?|(?:[Cc]opyright|COPYRIGHT)(?=\s*(?:©|\([cC]\)|\d{4})))"
    r"\s*(?:©\s*|\([cC]\)\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,.]*(?P<name>.*)"
)
_RESERVED = re.compile(r"[.,]?\s*all rights reserved.*$", re.IGNORECASE)
_YEAR_END = re.compile(r"[\s,]+\d{4}\W*$")  # "© Outlet 2025." names "Outlet"


@dataclass(frozen=True)
class Trailer:
    outlet: str = ""  # the outlet it names ("Read the original article on X", "© 2025 X"), if any
    author: str = ""  # the reporter a closing credit names ("Reporting by Jane Roe, Outlet")
    opens_list: bool = False  # "Related:", "Read more:" — the bullets after it are trailers too
    opens_tags: bool = False  # "Explore more on these topics", "Top stories" — the unfinished lines after it are tags or other headlines
    copyright: bool = False  # a "© 2025 Outlet" line: a weaker sign of the outlet than "Read the original…"


def trailer(line: str) -> Trailer | None:
    """A line that is about the article, not part of it: read-more and related links, newsletter and
    social prompts, "originally published" notes, copyright lines, page numbers. None otherwise."""
    if len(line) > 300:
        return None
    if line[0] in "©(Cc":
        match = _COPYRIGHT.match(line)
        if match:
            name = _YEAR_END.sub("", _RESERVED.sub("", match.group("name")))
            return Trailer(outlet_name(re.sub(r"^(?:by|of)\s+", "", name, flags=re.IGNORECASE)), copyright=True)
    if chrome.is_chrome(line):  # "Skip to content", "Share", "14 hours ago", "Top stories"
        return Trailer(opens_tags=chrome.opens_other_stories(line))
    match = _TRAILER.match(line) or _FOLLOW_NAME.match(line) or _MORE.match(line)
    if not match:
        return None
    if match.re is _TRAILER and match.group("rep"):
        return _reporting_credit(match.group("rep"))
    named = next((g for g in match.groupdict().values() if g), "") if match.re is _TRAILER else ""
    return Trailer(outlet_name(named), opens_list=line.rstrip().endswith(":"), opens_tags=bool(_TOPICS.match(line)))


def _reporting_credit(credit: str) -> Trailer:
    """"Reporting by Jane Roe; additional reporting by John Doe, The Outlet": the first reporter is
    the author, and a last comma part that is a name in title case but not a person's is the outlet."""
    first = re.split(r"[;,]|\s(?:and|&)\s", credit.strip(" .:"), maxsplit=1)[0].strip()
    parts = [p.strip(" .") for p in credit.split(",")]
    last = parts[-1] if len(parts) >= 2 else ""
    outlet = last if is_outlet(last) and not is_name(last) else ""
    return Trailer(outlet, author=first if is_name(first) else "")


# --- datelines, headings -----------------------------------------------------------------------

# "KYIV, March 23 (Reuters) —", "MOSCOW —", "WASHINGTON (AP) —", "SAN FRANCISCO, Calif. –",
# "HARROWBY, 4 March 2026 (Northmoor Wire) —", "HALBURY, England, June 3 (Marsh Wire) -" (a place
# with its country or state, then the day).
DATELINE = re.compile(
    r"[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+){0,3}"
    r"(?:,\s*(?:\d{1,2}\s+)?[A-Z][A-Za-z.]*(?:\s+\d{1,2})?(?:,?\s+\d{4})?){0,2}"
    r"(?:\s*\((?P<source>[^()\n]{1,40})\))?\s*(?:—|–|--|-)[*_]*(?=\s|$)"
)
KEY_POINTS = re.compile(
    r"(?:key\ (?:points|takeaways|facts|findings)|takeaways|highlights|in\ brief|at\ a\ glance|summary"
    r"|what\ (?:to|you\ need\ to)\ know|the\ big\ picture|tl;?dr|notes?\ (?:to|for)\ editors?)\b[^.!?]{0,30}:?",
    re.IGNORECASE | re.VERBOSE,
)


def is_key_points_header(line: str) -> bool:
    return len(line) <= 60 and KEY_POINTS.fullmatch(line) is not None


def _dateline_match(line: str) -> re.Match | None:
    """The dateline opening the line, after any Markdown emphasis ("**KYIV —** Prose")."""
    lead = len(line) - len(line.lstrip("*_"))
    return DATELINE.match(line, lead) if line[lead:lead + 2].isupper() else None


def dateline(line: str) -> tuple[int, str]:
    """(end, source) of a dateline opening the line ("KYIV, March 23 (Reuters) —") when prose
    follows it, else (-1, "")."""
    match = _dateline_match(line)
    if not match:
        return -1, ""
    after = line[match.end():].lstrip()
    if after and (after[0].isupper() or after[0] in "\"“‘'" or after[0].isdigit()):
        return match.end(), match.group("source") or ""
    return -1, ""


def starts_with_dateline(line: str) -> bool:
    """Whether the line opens with a dateline (prose after it or not: a test on the line's start)."""
    return _dateline_match(line) is not None


def is_structural(line: str) -> bool:
    """A line that is never part of a sentence on the lines around it: a byline, a date line, a
    credit or a trailer. `clean_text` keeps the line breaks around such lines."""
    return (
        parse_byline(line, header=True) is not None
        or bool(date_line(line, bare=True)[1])  # a line that is only a date is never inside a sentence
        or is_credit_line(line)
        or trailer(line) is not None
        or is_key_points_header(line)  # "Notes to editors" above "1. The charity was founded…"
        or chrome.caption_label(line) >= 0  # "Image caption, Crowds at the gate"
        or is_name_line(line)  # a byline's bare name ("Jane Roe") above its date or role line
    )


# A name alone on a line is short: a wrapped line of prose of only capitalised words is rarer
# than a byline of a name alone (a pasted page puts the writer's name on its own line).
NAME_LINE_WORDS = 4


def is_name_line(line: str) -> bool:
    """A line that is only a person's name, of at most `NAME_LINE_WORDS` words ("Rosalind Achebe")."""
    return len(line.split()) <= NAME_LINE_WORDS and is_name(line)


def is_job_line(line: str) -> bool:
    """A line that is only a job title of a newsroom ("Midlands correspondent", "Political editor")."""
    return len(line) <= 60 and _JOB.fullmatch(line) is not None

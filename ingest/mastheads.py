"""Which of the names a page gives is its outlet: a newspaper's or station's masthead ("Murrumbong
Examiner", "KMRK 4 News"), not the company that owns it ("© 2026 Australian Community Mastheads Pty
Ltd"), and the outlet a staff photographer's credit names ("Picture: Warrigal Coast Mail", "CREDIT:
Ellen Marsh for The Northern Chronicle"). Pure functions over one line, used by ingest/lines.py and
ingest/structure.py."""

from __future__ import annotations

import re

from ingest.names import is_name, is_outlet

# The words mastheads end in or hold, in English-language news (and this project's own sample and
# test outlets: "Clearview Factcheck", "Eastern Desk").
MASTHEAD_WORDS = frozenset(
    "mail news herald gazette times post chronicle courier echo observer advertiser express star journal "
    "telegraph standard mercury record sentinel tribune ledger examiner press guardian independent argus "
    "bulletin review register leader reporter citizen wire dispatch despatch enquirer inquirer messenger "
    "monitor mirror weekly daily voice clarion pioneer banner beacon gleaner globe current factcheck desk".split()
)
# A publisher's legal or trading name: what a copyright line names, beside or instead of its masthead.
_COMPANY = re.compile(
    r"\b(?:Group|Limited|Ltd|Pty|Inc|LLC|LLP|plc|PLC|Holdings|Corporation|Corp|Company|Co|Publishing|Publications|"
    r"Newspapers|Enterprises|Partners)\.?$"
)


def is_company(name: str) -> bool:
    """A company's name ("Cascadia Broadcast Group", "Northern Chronicle Media Group Limited"): the
    owner a copyright line names, a weaker sign of the outlet than its masthead or a credit."""
    return bool(_COMPANY.search(name.strip()))


def masthead(line: str) -> str:
    """The masthead a short line above a pasted story gives, cut after its last masthead word
    ("KMRK 4 News Dunmore Valley" → "KMRK 4 News", "Murrumbong Examiner"), or ""."""
    words = line.split()
    if not 1 <= len(words) <= 6 or not is_outlet(line.strip()) or is_company(line):
        return ""
    last = max((i for i, w in enumerate(words) if w.lower().strip(".,'’") in MASTHEAD_WORDS), default=-1)
    if last < 0 or not all(w[:1].isupper() or w[:1].isdigit() for w in words[: last + 1]):
        return ""
    return " ".join(words[: last + 1])


_PICTURE_OF = re.compile(r"\(?(?i:Photo(?:graph)?|Picture|Image|Credit)s?\s*:\s*(?P<who>.{3,60}?)(?:\s+for\s+(?P<outlet>.{3,60}?))?\)?")


def credit_masthead(credit: str) -> str:
    """The outlet a credit without a slash names: the photographer's "for The Northern Chronicle",
    or the credit itself when it is a masthead ("Picture: Warrigal Coast Mail"), or ""."""
    match = _PICTURE_OF.fullmatch(credit.strip())
    if not match:
        return ""
    if match.group("outlet"):
        outlet = match.group("outlet").strip()
        return outlet if is_name(match.group("who").strip()) and masthead(outlet) == outlet else ""
    who = match.group("who").strip()
    return who if masthead(who) == who else ""

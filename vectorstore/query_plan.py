"""The retriever's query plan: split a multi-part question into focused sub-searches: one per part, outlet or date.

Multi-hop questions combine several articles ("Does the TechCrunch article … while The Verge
article …", "between the report on October 2, 2023, and the one on October 7, 2023"). One
embedding of the whole question lands near one of them; the others drown. So the question is
cut into its parts (at "while", "whereas", "; ", ", and did …", ", is …"), and each part is
searched with its own words — within the outlet and around the date it names, if any — and
the caller fuses all the rankings, so each part gets its own chance at the top of the list.
Nothing here is specific to one data set: outlets come from the store, dates and part breaks
from ordinary English phrasing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from vectorstore.terms import words

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTH_ABBR = {m[:3]: i for m, i in _MONTHS.items()}
# A month's name or its abbreviation, with an optional full stop ("October", "Oct.", "Sept").
MONTH_NAME = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"\b{MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)
# "4 October 2023", "on 4 October": the day-first form (its month capitalised, so that "5 may"
# in a sentence is no date).
_DAY_FIRST_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}(?:,?\s+(?P<year>(?:19|20)\d\d))?\b", re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
_SEPARATORS = re.compile(r"\s+(?:\||-|–|:)\s+|:\s+")
# Outlet name parts too generic to identify an outlet on their own.
_GENERIC = frozenset({"the", "news", "the news", "times", "business", "sports", "science", "health", "life", "world"})


@dataclass(frozen=True)
class SubQuery:
    """A focused search: `text` within the store filter `where` ({} = the whole store)."""

    text: str
    where: dict
    reason: str


def outlet_aliases(outlets: list[str]) -> dict[str, str]:
    """Lower-case names a question may use for each outlet: the full name and its head part
    ("Cnbc | World Business News Leader" → "cnbc"; "The Independent - Sports" → "the independent"),
    dropping heads that several outlets share only if they are generic words."""
    aliases: dict[str, set[str]] = {}
    for outlet in outlets:
        if not outlet:
            continue
        names = {outlet.lower().strip()}
        head = _SEPARATORS.split(outlet, maxsplit=1)[0].strip().lower()
        if len(head) >= 3 and head not in _GENERIC:
            names.add(head)
        for name in names:
            aliases.setdefault(name, set()).add(outlet)
    # an alias shared by several outlets ("the independent") names all of them
    return {name: "\x1f".join(sorted(found)) for name, found in aliases.items()}


def mentions(question: str, aliases: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of an alias in the question, any case: (start, end, the
    "\x1f"-joined outlets it names), in order, the longer alias first where two start together."""
    lowered = question.lower()
    hits = [(m.start(), m.end(), outlets)
            for name, outlets in aliases.items()
            for m in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?![\w])", lowered)]
    return sorted(hits, key=lambda h: (h[0], h[0] - h[1]))


def find_outlets(question: str, aliases: dict[str, str]) -> list[list[str]]:
    """Outlets named in the question, in order of first mention (each entry: outlets an alias names)."""
    chosen: list[str] = []
    covered_until = -1
    for start, end, outlets in mentions(question, aliases):
        if start < covered_until:  # inside a longer alias already taken ("the verge" in "the verge's")
            continue
        covered_until = end
        if outlets not in chosen:
            chosen.append(outlets)
    return [c.split("\x1f") for c in chosen]


def month_number(name: str) -> int | None:
    """1-12 for a month's name or abbreviation as `MONTH_NAME` matches it, else None."""
    return _MONTHS.get(name.lower()) or _MONTH_ABBR.get(name.lower()[:3])


def find_dates(question: str, default_year: int | None) -> list[dt.date]:
    """Calendar dates written in the question ("October 4, 2023", "4 October 2023", "2023-10-04");
    a date without a year takes `default_year`."""
    found: list[dt.date] = []
    day_first = (m for m in _DAY_FIRST_DATE.finditer(question) if m["month"][:1].isupper())
    for m in [*_DATE.finditer(question), *day_first]:
        month = month_number(m["month"])
        year = int(m["year"]) if m["year"] else default_year
        if not month or not year:
            continue
        try:
            found.append(dt.date(year, month, int(m["day"])))
        except ValueError:
            continue
    for m in _ISO_DATE.finditer(question):
        try:
            found.append(dt.date(int(m["year"]), int(m["month"]), int(m["day"])))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


# Where a multi-part question turns to its next part: "…, while the Verge article …",
# "…; does …", "…, and did the …", "…, and the subsequent report …", "…, is accused of …".
# Conservative on purpose: a plain "and" inside one claim ("Messi and Alvarez") never splits.
_PART_BREAK = re.compile(
    r"\s*[,;]?\s*\b(?:while|whereas|compared (?:to|with)|in contrast to|as opposed to)\b\s*"
    r"|\s*;\s*"
    r"|\s*,\s*and\s+(?=(?:does|did|do|is|was|are|were|has|have|had|also|the|a|an|subsequent|later|another)\b)"
    r"|\s*,\s*(?=(?:is|was|has|had|does|did|and)\b)",
    re.IGNORECASE,
)
_MIN_PART_WORDS = 3  # words of 4+ letters; shorter fragments ("and is") join their neighbour


def split_parts(question: str) -> list[str]:
    """The parts of a multi-part question, each a claim worth its own search ([question] when
    it does not break). A fragment too short to search for joins the part before it."""
    parts: list[str] = []
    for piece in _PART_BREAK.split(question):
        piece = piece.strip(" ,;?")
        if not piece:
            continue
        if parts and (_long_words(piece) < _MIN_PART_WORDS or _long_words(parts[-1]) < _MIN_PART_WORDS):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts if len(parts) > 1 else [question]


def _long_words(text: str) -> int:
    return sum(1 for w in words(text) if len(w) > 3)


def strip_facets(text: str, outlets: list[str]) -> str:
    """`text` without the outlet names and dates it mentions: for keyword search they are
    filters, not topic words (an article rarely names its own outlet, and "October 2023"
    matches every article of that month). Falls back to `text` if nothing else is left."""
    stripped = _alias_pattern(tuple(outlets)).sub(" ", text) if outlets else text
    stripped = re.sub(r"\s+", " ", _ISO_DATE.sub(" ", _DATE.sub(" ", stripped))).strip()
    return stripped if re.search(r"\w", stripped) else text


@functools.lru_cache(maxsize=8)
def _alias_pattern(outlets: tuple[str, ...]) -> re.Pattern:
    """One regex for every alias of `outlets`, longest first (compiled once per outlet list)."""
    names = sorted(outlet_aliases(list(outlets)), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])", re.IGNORECASE)


def _outlet_filter(group: list[str]) -> dict:
    return {"outlet": group[0]} if len(group) == 1 else {"outlet": {"$in": group}}


def _day_filter(day: dt.date) -> dict:
    # ±1 day: publication times are UTC, the question's date is the outlet's local date
    return {"$and": [{"published_ord": {"$gte": day.toordinal() - 1}}, {"published_ord": {"$lte": day.toordinal() + 1}}]}


def plan(question: str, outlets: list[str], *, default_year: int | None = None, max_subqueries: int = 6) -> list[SubQuery]:
    """The extra searches worth running for `question` (none for a simple one): each part of a
    multi-part question (`split_parts`) within each outlet and around each date it names, or
    unfiltered when it names neither; a one-part question only gets its outlet/date searches."""
    aliases = outlet_aliases(outlets)
    parts = split_parts(question)
    subs: list[SubQuery] = []
    for part in parts:
        found = [SubQuery(part, _outlet_filter(g), f"outlet {', '.join(g)}") for g in find_outlets(part, aliases)]
        found += [SubQuery(part, _day_filter(d), f"date {d.isoformat()}") for d in find_dates(part, default_year)]
        if not found and len(parts) > 1:
            found = [SubQuery(part, {}, "part")]
        subs += [sub for sub in found if sub not in subs]
    return subs[:max_subqueries]

"""Does a sentence hold the kind of thing the question asks for?

"How many died?" is answered by a sentence with a number, "who said …" by one naming someone
the question does not already name, "when" by a date, "where" by a place. These are plain
checks on the sentence's own text, general to English news writing; the answer engine uses
them to put the sentence that answers first, and to abstain when no quotable sentence holds
what a typed question asks for.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vectorstore.terms import CALENDAR_WORDS, STOPWORDS, held_in, query_terms, stem

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half|a third|a quarter)\b",
    re.IGNORECASE,
)
# A time told from the event ("detained several hours after the shooting", "two days later"), and
# the weekdays: both date a sentence for `_DATE` and, loosely, for `date_precision`.
_FROM_THE_EVENT = r"\b(?:hours|days|weeks|months|years)\s+(?:after|before|later|earlier)\b|\bthe (?:next|following) (?:day|morning|week)\b"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_DATE = re.compile(
    rf"\b{_MONTH}(?!\w)|\b(?:19|20)\d\d\b|\b\d{{4}}-\d\d-\d\d\b|"
    r"\b(?:spring|summer|autumn|fall|winter)\b|"
    rf"\b(?:{_WEEKDAYS}|yesterday|today|last (?:week|month|year)|"
    r"(?:earlier|later) (?:this|that) (?:week|month|year))\b|" + _FROM_THE_EVENT,
)
# How exactly a sentence dates something, for a "when" question's lead (`date_precision`): to the
# day or hour ("on 1 June", "June 1", "2026-06-01", "February 2026", "at 11am"), or to the month,
# year, weekday, or a time from the story's date or its event ("in April", "in 1931", "on Sunday",
# "next month", "hours after the shooting").
_EXACT_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?!\w)|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{4}}-\d\d-\d\d\b|"
    rf"\b{_MONTH}\s+(?:19|20)\d\d\b|\b\d{{1,2}}(?:[.:]\d\d)?\s?(?:am|pm)\b"
)
_LOOSE_DATE = re.compile(
    rf"\b{_MONTH}(?!\w)|\b(?:19|20)\d\d\b|\b(?:{_WEEKDAYS}|today|tomorrow|yesterday)\b|"
    r"\b(?:next|last|this|coming)\s+(?:week|month|year|spring|summer|autumn|winter)\b|" + _FROM_THE_EVENT
)
_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|near|outside|inside|from|to|across|toward|towards)\s+(?:the\s+)?[A-Z][\w'’\-]+")
# "on Carr Street", "on the Isle of Wight" (not "on Monday": a calendar word), and a name with a
# place word of English addresses and maps ("of Ridley Avenue, Northgate", "Kell Reservoir").
_ON_NAME = re.compile(r"\bon\s+(?:the\s+)?([A-Z][\w'’\-]+)")
_PLACE_WORD = re.compile(
    r"\b[A-Z][\w'’\-]+\s+(?:Street|Road|Avenue|Lane|Square|Park|Way|Drive|Place|Close|Crescent|Terrace|Quay|"
    r"Bridge|Common|Green|Hill|Estate|Station|Airport|Harbour|Harbor|Bay|River|Valley|County|Island|Reservoir|Heath|Moor|"
    r"Centre|Center|Hall|Church|Chapel|Market|Pier|Dock|Wharf|Stadium|Arena|Gardens|Castle|Abbey|Forest|Wood|Lake|Loch|"
    r"Beach|Port|Weir|Hospital|Museum|Library|Theatre|Hotel)\b"
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’\-]+")
# A sentence that gives a cause: news writing says why with a few words ("because", "blamed",
# "due to", "the reason"), not with a shape a pattern can check otherwise.
_REASON = re.compile(
    r"\b(?:because|due\s+to|owing\s+to|blam\w*|caus\w*|reasons?|as\s+a\s+result|result\s+of|led\s+to|"
    r"down\s+to|explain\w*|attribut\w*|in\s+order\s+to|so\s+that)\b",
    re.IGNORECASE,
)
# Words that open a sentence with a capital without being a name.
STARTERS = frozenset(
    "a an the in on at by for from to of but and or so yet if when while after before since as it its this that these those "
    "he she they we i you his her their our my there here what which who why how where then also still however meanwhile "
    "according despite although though because during last next earlier later some many most several no none all both each".split()
)
_WORD = re.compile(r"[\w'’\-]+")


def question_words(question: str) -> set[str]:
    """The question's words, lower-cased, a possessive also without its 's ("Ellery's" → "ellery")."""
    found = {w.lower().strip("'’") for w in _WORD.findall(question)}
    return found | {w[:-2] for w in found if w.endswith(("'s", "’s"))}


def _new_names(sentence: str, question: str):
    """The capitalised words of `sentence` that name something the question does not: no weekday
    or month, and, when one opens the sentence, followed by another capitalised word ("Grace
    Molina said", not "Officials said")."""
    known = question_words(question)
    found = list(_CAPITALISED.finditer(sentence))
    for i, m in enumerate(found):
        word = m.group().lower().strip("'’")
        if word in known or word in CALENDAR_WORDS:
            continue
        opens = not sentence[: m.start()].strip(" \"“‘'(•-")
        if opens and (word in STARTERS or not (i + 1 < len(found) and found[i + 1].start() == m.end() + 1)):
            continue
        yield m


def names_someone_new(sentence: str, question: str) -> bool:
    """A name the question does not contain (see `_new_names`)."""
    return next(_new_names(sentence, question), None) is not None


# How near a name must stand to a word of the question to be the one asked about.
ROLE_WINDOW = 3


# How surely a sentence names the one a "who" question asks about: beside a word of the question
# ("said the kiosk …"), or beside the question's own act or its doer ("Owner Dimitri Kostas").
ROLE_HOLDER = 1
POST_HOLDER = 2  # "Chief executive Dr Alison Fairbairn" for "Who runs the hospice?" (`TOP_POSTS`)
ACT_HOLDER = 3


def names_the_one_asked_about(sentence: str, question: str) -> int:
    """For a "who" question: whether a new name stands within `ROLE_WINDOW` words of a lower-case
    word the question uses (a role or an act, not another name), as news writing puts a role
    beside its holder ("harbour master Ruth Okonjo", "Its chair, Denis Marlow", "Mirela Kovac,
    rejected that claim"): `ACT_HOLDER` when that word is the question's act or its doer ("Owner
    Dimitri Kostas" for "Who owns the kiosk?", a capital opening the sentence allowed) or the whole
    post a "Who is the …?" question names ("Mayor Sofia Brandt" for "Who is the mayor …?"),
    `POST_HOLDER` for a top post when it asks who runs, leads or heads something, `ROLE_HOLDER`
    for another of its words, 0 for none. A word right after a name names a thing
    ("The Salty Pelican kiosk"), not a holder. Any sentence naming someone new passes
    `names_someone_new`; this tells the one that names the asked role's holder from the others."""
    asked, acts, post = _who_asks(question)
    leading = bool(acts & LEADING_ACTS)
    tokens = list(_WORD.finditer(sentence))
    starts = {t.start(): i for i, t in enumerate(tokens)}
    names = list(_new_names(sentence, question))
    in_a_name = {starts[n.start()] for n in names if n.start() in starts}
    grade = 0
    for m in names:
        i = starts.get(m.start())
        if i is None:
            continue
        last = i  # the name's last word: "The Salty Pelican kiosk" names a kiosk, not its owner
        while last + 1 in in_a_name:
            last += 1
        window = tokens[max(0, i - ROLE_WINDOW): i] + tokens[last + 1: last + 1 + ROLE_WINDOW + 1]
        beside = {t.group().lower().strip("'’") for t in window}
        if post and all(any(held_in(w, {p}) for w in beside) for p in post):
            return ACT_HOLDER  # "Mayor Sofia Brandt", "the harbour master, Ruth Penhallow": the whole post
        for t in window:
            word = t.group().lower().strip("'’")
            # lower case (a role or an act, not another name), or a role opening the sentence
            # ("Owner Dimitri Kostas said …")
            acting = held_in(word, acts) or _agent_of(word, acts)
            posted = leading and word in TOP_POSTS
            if not (t.group()[:1].islower() or ((acting or posted) and t.start() == tokens[0].start())) or word in STARTERS:
                continue
            joined = last + 1 < len(tokens) and t is tokens[last + 1] and not sentence[tokens[last].end():t.start()].strip()
            if joined and not held_in(word, acts):
                continue  # the name is the thing's own ("The Salty Pelican kiosk"), unless it acts ("Marlow chairs")
            if acting:
                return ACT_HOLDER  # "Who owns the kiosk?" over "Owner Dimitri Kostas said …"
            if posted:
                grade = POST_HOLDER
            # "Who manages the club?" over "The manager, Kev Aldous": one word family
            elif held_in(word, asked) or _agent_of(word, asked):
                grade = max(grade, ROLE_HOLDER)
    return grade


# "Who runs the hospice?" asks for the holder of its top post, which a story writes as a title
# ("Chief executive Dr Alison Fairbairn"), not with the question's verb (stems, as `_who_asks` gives).
LEADING_ACTS = frozenset("run runs ran lead leads led head heads chair chairs charge manag overse oversee".split())
TOP_POSTS = frozenset(
    "chief executive ceo director president chair chairman chairwoman chairperson head leader manager owner boss "
    "principal headteacher headmaster headmistress founder".split()
)
_AUXILIARIES = frozenset("will would has have had now currently".split())
_COPULAS = frozenset("is was are were be been".split())


@lru_cache(maxsize=256)
def _who_asks(question: str) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """A "who" question read once for all its candidate sentences: (the stems of its words, its act,
    the post it names). The act is the verb after "who" ("owns", "chairs"), not the things named
    after it; "Who is the harbour master?" names a post instead (`asked_post`), but "Who is in
    charge of …?" asks who runs it."""
    asked = frozenset(stem(t) for t in query_terms(question))
    tokens = _WORD.findall(question)
    lowered = [t.lower() for t in tokens]
    if not lowered or lowered[0] not in ("who", "whom"):
        return asked, frozenset(), ()
    i = 1
    while i < len(lowered) and lowered[i] in _AUXILIARIES:
        i += 1
    if i < len(lowered) and lowered[i] in _COPULAS:
        acts = frozenset({"charge"}) if "charge" in lowered[i + 1:i + 4] else frozenset()
        return asked, acts, _post_after(tokens[i + 1:], lowered[i + 1:])
    rest = [w for w in lowered[i:] if w not in STOPWORDS]
    return asked, frozenset({stem(rest[0])} if rest else ()), ()


def _post_after(tokens: list[str], lowered: list[str]) -> tuple[str, ...]:
    """The lower-case words after the copula, a possessive's owner left out, up to the first word
    of another kind, as stems ("the hospital trust's chief nurse" → chief, nurse)."""
    post: list[str] = []
    for token, word in zip(tokens, lowered):
        if word.endswith(("'s", "’s")):  # the owner, then the post
            post = []
        elif word in STOPWORDS or token[:1].isupper():
            if post:
                break
        else:
            post.append(stem(word))
    return tuple(post)


def asked_post(question: str) -> list[str]:
    """The post a "Who is the …?" question names, as stems: "harbour master" of "Who is Port
    Ellery's harbour master?", "mayor" of "Who is the mayor of Eastbank?"."""
    return list(_who_asks(question)[2])


def asked_act(question: str) -> frozenset[str]:
    """The act a "who" question asks about, as a stem ("owns" of "Who owns Thornfield Common?"),
    or nothing for "Who is the mayor?", which names a post instead."""
    return _who_asks(question)[1]


def holds_act(sentence_words: frozenset[str], acts: frozenset[str]) -> bool:
    """Whether a sentence's words hold one of these acts or its doer ("owner" for "owns")."""
    return any(held_in(w, acts) or _agent_of(w, acts) for w in sentence_words)


def _agent_of(word: str, acts: set[str] | frozenset[str]) -> bool:
    """"owner" for "owns", "leader" for "leads": the doer of an act the question names (`stem`
    keeps four-letter verbs whole, and the word family needs five shared letters)."""
    return word.endswith(("er", "or")) and any(word[:-2] in (a, a[:-1] if a.endswith("s") else a) for a in acts)


# A question of how much money: "How much did the bridge cost?", "How much rent …", "What was the
# price …". Its answer is a sum ("£2.7m", "$600,000", "40 euros"), not any figure ("400 metres").
_ASKS_MONEY = re.compile(
    r"\b(?:how\s+much|what\s+(?:was|is|were|are|will\s+be)\s+the\s+(?:cost|price))\b.*?\b(?:"
    r"cost|costs|costing|pay|pays|paid|paying|spend|spends|spent|price|priced|prices|worth|raise|raised|charge|charged|fee|fees|"
    r"rent|money|budget|fund|funds|funded|funding|bill|fine|fined|owe|owed|owes|salary|salaries|wage|wages|invest|invested|"
    r"loan|profit|profits|revenue|donate|donated|donation|grant|compensation)\b|"
    r"\bwhat\s+(?:was|is|were|are|will\s+be)\s+the\s+(?:cost|price)\b|"
    r"^\s*what\s+(?:fines?|fees?|fares?|rent|salary|wages?|sum|compensation|price|cost|bill)\b",
    re.IGNORECASE,
)
_SUM = re.compile(
    r"[$£€¥₹]\s?\d|\b(?:Rs|USD|GBP|EUR|AUD|NZD|CAD|INR)\.?\s?\d|\d\s?(?:p|c)\b|"
    r"\b\d[\d,.]*\s*(?:million|billion|bn|m|k|crore|lakh)?\s*(?:dollars|pounds|euros|rupees|pence|cents|yen|francs|sterling)\b|"
    r"\b\d[\d,.]*\s*(?:million|billion|bn|trillion|crore|lakh)\b|"  # "lend the club 45 million": the sum's unit is the question's
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|"
    r"million|billion|a\s+few)\s+(?:dollars|pounds|euros|rupees|pence|cents|quid|bucks)\b|\bfree\b",  # "four pounds", "free for children"
    re.IGNORECASE,
)


def asks_for_money(question: str) -> bool:
    return bool(_ASKS_MONEY.search(question))


# A number that counts time ("three days after", "for 11 years") answers "how long", not "how many
# people": it counts for a count question only when the question counts time itself.
_TIME_UNIT = re.compile(r"[\s-]+(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?)\b", re.IGNORECASE)
_ASKS_TIME = re.compile(r"\b(?:seconds|minutes|hours|days|nights|weeks|months|years|decades|long|time|delay|delayed|wait|late|later|duration|age|old)\b", re.IGNORECASE)


def _holds_new(pattern: re.Pattern, sentence: str, question: str) -> bool:
    """Whether `sentence` holds a match of `pattern` that the question does not hold itself: "How
    many people died in the flood of 1998?" is not answered by "People remember the flood of 1998"
    (dates are left alone: "October 2023" in a question and "on 14 October 2023" in the answer
    share every token the date pattern sees); nor, unless it asks about time, by a span of time
    ("How many people died?" by "three days after the shooting")."""
    asked = {m.group(0).lower() for m in pattern.finditer(question)}
    counts_time = bool(_ASKS_TIME.search(question))
    return any(m.group(0).lower() not in asked and (counts_time or not _TIME_UNIT.match(sentence, m.end()))
               for m in pattern.finditer(sentence))


def date_precision(sentence: str) -> int:
    """How exactly `sentence` dates something: 2 to the day or hour (or a month of a named year), 1
    to a month, a year, a weekday, "next month" or "hours after the shooting", 0 otherwise (a
    season answers a "when" question too, but loosely). "When is Raymond Coyle due to learn his
    sentence?" is answered best by "will be sentenced on 20 February", not by "was convicted on
    Friday", however closer that is in meaning."""
    if _EXACT_DATE.search(sentence):
        return 2
    return 1 if _LOOSE_DATE.search(sentence) else 0


def holds_answer_kind(sentence: str, kind: str, question: str) -> bool:
    """Whether `sentence` holds what a question of `kind` (vectorstore.query_analysis.answer_kind) asks for."""
    if kind == "count":
        return _holds_new(_SUM if asks_for_money(question) else _NUMBER, sentence, question)
    if kind == "date":
        return bool(_DATE.search(sentence))
    if kind == "place":
        return bool(_PLACE_PREPOSITION.search(sentence) or _PLACE_WORD.search(sentence)
                    or any(m.group(1).lower() not in CALENDAR_WORDS for m in _ON_NAME.finditer(sentence)))
    if kind == "person":
        return names_someone_new(sentence, question)
    if kind == "reason":
        return bool(_REASON.search(sentence))
    return True

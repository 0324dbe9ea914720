"""The one the sources are about: the name a long "who …?" question describes without naming.

"Who is the individual facing a criminal trial on fraud charges, as reported by TechCrunch and
The Verge …?" describes someone by what several articles say of them. The articles that answer
it share one name the question never uses, and they write it in full once ("Sam Bankman-Fried,
the founder of FTX, …") and by the last word after that ("Bankman-Fried pleaded not guilty").
A quote that only says "Bankman-Fried pleaded not guilty" answers for a reader who already knows;
the answer should quote, once, a sentence that names the subject in full.

Plain text checks, general to English news writing: capitalised word runs, counted by the
articles that use their last word. On MultiHop-RAG dev, the most shared such name of the read
passages is the gold answer for 159 of 191 "who / which company" questions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.evidence import STARTERS, question_words
from vectorstore.records import Passage
from vectorstore.terms import CALENDAR_WORDS

if TYPE_CHECKING:
    from bot.engine.candidates import Candidate

# A capitalised word that holds a lower-case letter ("Bankman-Fried", "OpenAI"; not "FTX" or "US",
# which are as often a market or a unit as a subject), and up to three more on the same line.
_NAME = re.compile(r"\b[A-Z][\w'’\-]*[a-z][\w'’\-]*(?:[ \t]+[A-Z][\w'’\-]*[a-z][\w'’\-]*){0,3}")
_POSSESSIVE = re.compile(r"['’]s$")
# Questions that ask for a name without "who": "Which football club …", "What is the name of the
# chatbot …", "What type of establishments …" (not "What did …", "What is …": those ask for a statement).
NAME_QUESTION = re.compile(
    r"^\s*(?:which\b|what\s+is\s+the\s+name\b|"
    r"what\s+(?!(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|might|may|about|if)\b)[a-z]+\b)",
    re.IGNORECASE,
)
# The subject must be named by at least this many of the articles read: a name one article uses
# is that article's, not the story's.
MIN_ARTICLES = 2
# The full form is the longest run ending in the subject's last word, of at most this many words
# ("Sam Bankman-Fried", not "FTX founder Sam Bankman-Fried" mis-capitalised in a headline).
MAX_NAME_WORDS = 3


@dataclass(frozen=True)
class Subject:
    key: str  # the last word, as the articles use it alone ("Bankman-Fried")
    full: str  # the longest form the articles write ("Sam Bankman-Fried")
    articles: int  # how many of the articles read name it


def asks_for_a_name(question: str, answer_kind: str) -> bool:
    """Is the answer to `question` a name ("who", "which company": answer kind "person"; or
    `NAME_QUESTION`)?"""
    return answer_kind == "person" or NAME_QUESTION.search(question) is not None


def names(text: str, known: set[str]):
    """The capitalised word runs of `text` that name something `known` (the question's words,
    lower-cased) does not: a run's opening words that merely start a sentence ("The", "But") are
    dropped, and a run holding a known word or a month or weekday is skipped."""
    for m in _NAME.finditer(text):
        words = [_POSSESSIVE.sub("", w) for w in m.group().split()]
        while words and words[0].lower() in STARTERS:
            words = words[1:]
        if words and not any(w.lower().strip("'’") in known or w.lower() in CALENDAR_WORDS for w in words):
            yield words


_NAMED_WORD = re.compile(r"(?<![\w'’-])[A-Z][\w'’\-]*[a-z][\w'’\-]*")
# A year names a story as a name does: "How many people died in the flood of 1998?" is about that
# flood, not the attack whose death toll another article gives.
_YEAR = re.compile(r"(?<![\w£$€.,-])(?:1[89]|20)\d\d(?![\w,.%-]\d|\w)")


def question_names(question: str) -> frozenset[str]:
    """The capitalised words a question names something by ("Birchwood" in "How many firefighters
    are fighting the Birchwood fire?", "Aldric" in "… at St Aldric's"): not its first word, which
    is capitalised as any sentence's start, nor a month or weekday (a date, not a name); and the
    years it names ("the flood of 1998")."""
    found = set(_YEAR.findall(question))
    for m in _NAMED_WORD.finditer(question):
        if m.start() == len(question) - len(question.lstrip()):
            continue
        word = _POSSESSIVE.sub("", m.group())
        if word.lower() not in CALENDAR_WORDS and word.lower() not in STARTERS:
            found.add(word)
    return frozenset(found)


def of_the_named(passages: list[Passage], asked: frozenset[str]) -> list[Passage]:
    """The passages of the articles that write most of the names `asked` (`question_names`): a
    short question that names its story ("the Birchwood fire") is not answered from another fire
    however alike their sentences are. An article counts a name its read passages, its title or
    its outlet write, in any case (a headline capitalises "Harbour", a sentence does not; a name
    of the outlet the question asks about is every one of its articles'); with no article writing
    any, all passages stay."""
    if not asked:
        return passages
    written: dict[str, set[str]] = defaultdict(set)
    for p in passages:
        text = f"{p.outlet}\n{p.title}\n{p.published_at}\n{p.text}"  # an article's own year is its date's
        written[p.document_id] |= {
            w for w in asked if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)
        }
    most = max(len(w) for w in written.values())
    if most == 0:
        return passages
    return [p for p in passages if len(written[p.document_id]) == most]


def answer_subject(question: str, passages: list[Passage]) -> Subject | None:
    """The name most of `passages`' articles use that `question` (and the outlets) do not, or None
    when no name is shared by `MIN_ARTICLES` articles."""
    known = question_words(question) | {w.lower() for p in passages for w in (p.outlet or "").split()}
    articles: dict[str, set[str]] = defaultdict(set)
    uses: Counter[str] = Counter()
    forms: Counter[tuple[str, ...]] = Counter()
    for p in passages:
        for words in names(p.text, known):
            articles[words[-1]].add(p.document_id)
            uses[words[-1]] += 1
            forms[tuple(words[-MAX_NAME_WORDS:])] += 1
    if not articles:
        return None
    key = max(articles, key=lambda k: (len(articles[k]), uses[k]))
    if len(articles[key]) < MIN_ARTICLES:
        return None
    full = max((f for f in forms if f[-1] == key), key=lambda f: (len(f) > 1, forms[f], len(f)))
    return Subject(key, " ".join(full), len(articles[key]))


def names_in_full(text: str, subject: Subject) -> bool:
    return re.search(rf"(?<![\w'’-]){re.escape(subject.full)}(?![\w-])", text) is not None


def name_the_subject(
    chosen: list[Candidate], candidates: list[Candidate], subject: Subject, min_score: float, max_quotes: int,
) -> tuple[list[Candidate], Candidate | None]:
    """Make sure one quote names the answer's subject in full: when none does, the best sentence
    of the passages that does takes the place of the weakest quote (never of a dispute), if it is
    about the question at all (its relevance clears the quoting floor `min_score`). Returns the
    quotes and the added sentence, which should lead the answer (None when nothing was added)."""
    if any(names_in_full(c.text, subject) for c in chosen):
        return chosen, None
    naming = [
        c for c in candidates
        if c.vector is not None and c.relevance >= min_score and names_in_full(c.text, subject)
    ]
    if not naming:
        return chosen, None
    chosen = list(chosen)
    if len(chosen) >= max_quotes:
        replaceable = [c for c in chosen if c.attribution.kind != "dispute"] or chosen
        chosen.remove(min(replaceable, key=lambda c: c.score))
    added = max(naming, key=lambda c: c.score)
    return [*chosen, added], added

"""The page around an article, as a reader's browser copies it with the story.

Select-all on a news site and paste, and the story arrives wrapped in the site's chrome: "Skip to
content", a menu ("Home / News / Sport"), "Share" and "Save" buttons, "Listen to this article, 4
minutes", "This article is more than 1 month old", "14 hours ago", a photo's "Image source, …" and
"Image caption," labels, a newsletter box with its privacy notice, and, under the story, lists of
other stories ("Related topics", "Top stories", "Most read"). None of it is the story. Each test
here looks at one whole line and is general to news sites in English, not to one site: the same
words are what a screen reader announces for these controls on any of them.

`ingest/lines.trailer` treats a chrome line as a trailer (removed at ingest, and a line break
`clean_text` keeps on both sides); `ingest/structure` reads what a label announces: the line after
"Image caption," is a caption, the headline-shaped lines after "Top stories" are other stories.
"""

from __future__ import annotations

import re

# A site's menu: sections and account links. A line made only of these (and separators) is
# navigation; a kicker such as "Politics" above a headline goes with it (it is never the story).
NAV_WORDS = frozenset(
    "home news sport sports business politics world uk us u.s. opinion opinions culture lifestyle travel health "
    "science tech technology entertainment arts money weather video videos live menu search sections account "
    "newsletters podcasts local national international environment climate education games puzzles obituaries "
    "more in pictures sign log register subscribe".split()
)
_NAV_SEPARATORS = re.compile(r"\s*(?:[|·/]|\s)\s*")

_COUNT = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_CONTROLS = r"(?:share|save|saved|print|copy\ link|gift\ (?:this\ )?article|listen|comments?|bookmark|follow)"
_CHROME = re.compile(
    rf"""(?:skip\ (?:to|past)\ (?:the\ )?(?:main\ )?(?:content|navigation|article|story|menu)\b.*
    |(?:after|skip\ past)\ newsletter\ promotion
    |listen\ to\ (?:this|the)\ (?:article|story)\b.*
    |{_COUNT}[\s-]min(?:ute)?s?\ (?:read|listen)
    |reading\ time\s*:?\s*{_COUNT}\ min(?:ute)?s?
    |this\ (?:article|story|content|page)\ is\ (?:more|over|older)\ than\ .{{1,30}}\ old\.?
    |(?:(?:updated|published|posted)\ )?{_COUNT}\ (?:second|sec|minute|min|hour|hr|day|week|month|year)s?\ ago
    |{_CONTROLS}(?:\s+{_CONTROLS}){{0,2}}
    |image\ source\s*[,:](?:(?!image\ caption).){{0,100}}
    |privacy\ (?:notice|policy)\s*:.*
    |we\ value\ your\ privacy|cookies\ on\ [^.!?]{{1,40}}|(?:accept|reject|allow)\ (?:all|(?:all\ |necessary\ )?cookies)
    |manage\ (?:options|preferences|settings|privacy|cookies)|cookie\ (?:settings|preferences|policy)
    |yes,?\ i\ agree|no,?\ take\ me\ to\ settings|back\ to\ top|enter\ your\ e-?mail(?:\ address)?|e-?mail(?:\ address)?
    |join\ the\ conversation|view\ comments(?:\ \([^)]*\))?|report\ a\ typo|link\ copied|watch\ live
    |[\d.,]+k?\ comments?|follow\ us(?:\ on)?:?|(?:sponsored|paid)(?:\ content)?|trending(?:\ now|\ stories)?|up\ next
    |(?:[^›»\n]{{1,30}}\s[›»]\s){{1,4}}[^›»\n]{{1,30}}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# The notices of a page, in sentences: its cookie banner, a newsletter box's small print, the
# site's disclaimers. They read like prose but say nothing of the story.
_NOTICE = re.compile(
    r"""(?:.{0,200}\bcookies?\b.{0,200}\b(?:we\ use|we\ and\ our|partners|store\ and/or\ access|personal\ data|your\ choices)\b
    |.{0,200}\b(?:we\ use|we\ and\ our\ \d*\s*partners)\b.{0,200}\bcookies?\b
    |by\ signing\ up\b|this\ site\ is\ protected\ by\ recaptcha\b|we\ care\ about\ the\ protection\ of\ your\ data\b
    |.{0,80}\bis\ not\ responsible\ for\ the\ content\ of\ external\b|.{0,120}\bdelivered\ to\ your\ inbox\b
    |we\ acknowledge\ the\ traditional\ (?:owners|custodians)\b)""",
    re.IGNORECASE | re.VERBOSE,
)
# The label of a list of other stories, at the foot of a page.
_OTHER_STORIES = re.compile(
    r"""(?:related\ (?:topics|stories|articles|content|links|coverage|internet\ links)|top\ stories
    |most\ (?:read|popular|viewed|watched|shared|commented)|you\ (?:may|might)\ also\ (?:like|be\ interested\ in)
    |more\ (?:stories\ )?from\ [^.!?]{1,40}|more\ stories|around\ the\ [a-z]+|elsewhere\ on\ [^.!?]{1,30}|latest\ (?:news|stories)
    |recommended(?:\ for\ you)?|read\ next|discover\ more(?:\ from\ [^.!?]{1,40})?)$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Image caption," — after the photo's "Image source, Agency" when the paste joined the two lines.
_CAPTION_LABEL = re.compile(r"(?:image\ source\s*[,:][^\n]{0,100}?\s)?image\ caption\s*[,:]?\s*", re.IGNORECASE | re.VERBOSE)


# Inside a story, "Business" or "Video games" alone is a subhead; a menu pasted as one line names
# more sections than that ("Home News Sport Weather").
MENU_WORDS = 3


def is_navigation(line: str, *, at_top: bool = False) -> bool:
    """A menu line: "Home News Sport", "News | Sport | Weather | Sign in"; `at_top` (above the
    headline, where a subhead cannot be) a single section too ("Home", "Politics")."""
    words = [w for w in _NAV_SEPARATORS.split(line.strip().lower()) if w]
    return (1 if at_top else MENU_WORDS) <= len(words) <= 12 and all(w in NAV_WORDS for w in words)


def is_chrome(line: str) -> bool:
    """A control, label or notice of the page, not of the story (see the module docstring)."""
    if len(line) > 600:
        return False
    if _NOTICE.match(line):
        return True
    return len(line) <= 200 and (bool(_CHROME.fullmatch(line)) or is_navigation(line) or opens_other_stories(line))


def opens_other_stories(line: str) -> bool:
    """"Related topics", "Top stories", "Most read": the lines after it are other stories' headlines or tags."""
    return len(line) <= 60 and bool(_OTHER_STORIES.fullmatch(line))


def caption_label(line: str) -> int:
    """The end of an "Image caption," label opening the line (the caption follows on it, or on the
    next line when the label stands alone), else -1."""
    match = _CAPTION_LABEL.match(line)
    return match.end() if match else -1

"""Where the story lies in a whole news page copied from a browser.

Select-all on a news site copies the page, not the article: a cookie notice, one or two menus, a
breadcrumb, then the headline, the byline and the story, then the page's footer (other stories,
a newsletter box, links to its terms). Line by line, `ingest/chrome.py` knows the controls and
labels every site shares; the site's own menu items ("InDepth", "Bitesize", "Catch-up") and footer
links have no shape of their own. What they have is a place: above the headline, and after the
story's last paragraph. So a page is cut there, and only when it is a page: many short lines above
the story, as no article pasted alone or written in a file has.

`story_bounds` gives the line where the story's headline is and the line after its last paragraph;
`ingest/structure.py` treats the lines outside as trailers (removed at ingest).
"""

from __future__ import annotations

import re

from ingest import chrome, dates, lines

# A page: at least this many lines above the story's headline (a menu). An article pasted alone
# has a kicker, a date or a masthead there, not a dozen lines.
PAGE_HEADER_LINES = 6
# … of which this many are a page's controls or labels (`ingest/chrome.py`: "Skip to content", a
# menu, "Share", a cookie notice), so that a guide opening with its own list is not cut.
PAGE_CHROME_LINES = 2
# A paragraph of the story: finished, and long enough not to be a caption, a button or a notice.
PROSE_WORDS = 12
# A headline has at least this many words ("Island ferry suspended …"; a menu item has one or two).
HEADLINE_WORDS = 4


def is_prose(line: str) -> bool:
    return len(line.split()) >= PROSE_WORDS and bool(lines.TERMINAL_END.search(line)) and not chrome.is_chrome(line)


def _is_byline_block(line: str) -> bool:
    """A line of the block between a headline and its story that names the writer or the time."""
    return (lines.parse_byline(line, header=True) is not None or bool(dates.date_line(line, bare=True)[1])
            or lines.is_name_line(line))


# How far apart two paragraphs of one story may lie: between them a caption with its labels, an
# advertisement, a subhead. A paragraph after a longer run of lines (a list of other stories, a
# newsletter box, an author card) is the page's.
STORY_GAP = 4
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")


def _headline_shaped(line: str) -> bool:
    return (HEADLINE_WORDS <= len(line.split()) and len(line) <= 200 and not lines.TERMINAL_END.search(line)
            and line[0].isupper() and not _CLOCK.search(line)
            and not chrome.is_chrome(line) and not lines.is_structural(line))


def story_bounds(rows: list[str]) -> tuple[int, int] | None:
    """(the headline's line, the line after the story's last paragraph) of a pasted page, or None
    when `rows` (the text's lines) are not a page: the lines above the story are few."""
    first = next((i for i, row in enumerate(rows) if is_prose(row)), None)
    if first is None or first < PAGE_HEADER_LINES:
        return None
    # The writer's name or the time stands between headline and story; the headline is the
    # unfinished line of several words above them (the first of two: the second is a standfirst).
    above = first
    for i in range(first - 1, -1, -1):
        if _is_byline_block(rows[i]):
            above = i
            break
    headline = next((i for i in range(above - 1, -1, -1) if _headline_shaped(rows[i])), None)
    if headline is None:
        return None
    if headline > 0 and _headline_shaped(rows[headline - 1]):
        headline -= 1
    if headline < PAGE_HEADER_LINES or sum(chrome.is_chrome(row) or chrome.is_navigation(row, at_top=True) for row in rows[:headline]) < PAGE_CHROME_LINES:
        return None  # short lines above a story may be the story's own (a guide's list), not a menu
    # The story ends at its last paragraph: the lines after it are the page's (links, lists, notices).
    filled = [i for i, row in enumerate(rows) if row]
    last = position = filled.index(first)
    for k in range(position + 1, len(filled)):
        row = rows[filled[k]]
        if is_prose(row) and not lines.trailer(row):
            if k - last > STORY_GAP:
                break
            last = k
    # a short last sentence of the story ("A council spokesperson said it would look at it.")
    while last + 1 < len(filled) and _finishes_the_story(rows[filled[last + 1]]):
        last += 1
    return headline, filled[last] + 1


def _finishes_the_story(line: str) -> bool:
    return (len(line.split()) >= 3 and bool(lines.TERMINAL_END.search(line)) and not chrome.is_chrome(line)
            and not lines.is_structural(line))

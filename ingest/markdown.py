"""Markdown source to the plain article text the structure recogniser reads (ingest/structure.py).

A saved or pasted Markdown article carries markup a reader never sees: `# ` before headings,
`![alt](url)` images, `[text](url)` links, `**bold**` and `*italic*` around a byline or a
dateline ("**PELLINGFORD, 2 July** —"), and a "## Related" heading over a list of links. Left in,
the markup is quoted as part of a sentence and hides the furniture's shape: a bold dateline is no
dateline, a "Related" heading opens no trailer list. Only these inline forms are rewritten, line by
line, so every line keeps its place and the structure rules see the text as a reader does (a
Markdown renderer would also turn the text into HTML, losing the line shapes the rules rely on).
"""

from __future__ import annotations

import re

from ingest import lines

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1\s*$")  # "**More on this story**": a heading in all but markup
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_QUOTE_MARK = re.compile(r"^\s{0,3}>\s?")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")


def markdown_to_text(source: str) -> str:
    """The text of a Markdown article as a reader sees it, one output line per input line.

    A blockquote that repeats a sentence of the article is a pull quote, set large for the eye: it
    is left out (as an empty line), so the sentence is quoted from its place in the story, with its
    speaker; any other blockquote is read as its text. A horizontal rule is an empty line."""
    raw = source.split("\n")
    texts = [_line(line) for line in raw]
    quoted = [bool(_QUOTE_MARK.match(line)) for line in raw]
    story = " " + _words(" ".join(t for t, q in zip(texts, quoted) if not q)) + " "
    return "\n".join("" if q and _pulled_from(t, story) else t for t, q in zip(texts, quoted))


def _words(text: str) -> str:
    """Lower-case words only: a pull quote drops or changes the punctuation of its sentence ("…us."
    for "…us," he said)."""
    return " ".join(_WORD.findall(text.lower()))


def _pulled_from(text: str, story: str) -> bool:
    words = _words(text)
    return len(words.split()) >= 4 and f" {words} " in story


def _line(line: str) -> str:
    if _RULE.match(line):
        return ""
    line = _QUOTE_MARK.sub("", line, count=1)
    heading = _HEADING.match(line) or _BOLD_LINE.match(line)
    text = _inline(heading.group(heading.re.groups) if heading else line)
    if heading and not text.endswith(":"):
        # "## Related" is "Related:" of a plain-text page: the list below it is links, not story
        found = lines.trailer(text + ":")
        if found is not None and found.opens_list:
            text += ":"
    return text


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)


_TITLE = re.compile(r"^#\s+(.*?)\s*#*\s*$", re.MULTILINE)


def markdown_title(source: str) -> str:
    """The article's one level-1 heading ("# Fenwick's has been sold…"), as text, or "": a post
    names itself so, under its blog's or newsletter's name."""
    found = [_inline(m.group(1)).strip() for m in _TITLE.finditer(source)]
    return found[0] if len(found) == 1 and found[0] else ""

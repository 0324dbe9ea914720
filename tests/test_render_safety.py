"""Terminal output treats source text and questions as data: no escapes, only http(s) links."""

from __future__ import annotations

import pytest

from bot.engine.answer import Answer, Citation, SourceRef
from bot.engine.render import LINK_REMOVED, render_answer, safe_link, terminal_safe


def answer_with(quote: str = "A plain sentence.", *, url: str = "https://news.example/a", title: str = "Title",
                outlet: str = "Outlet", speaker: str = "") -> Answer:
    citation = Citation(1, quote, "doc-1", 0, len(quote), title, outlet, "", "2024-03-25", url, 0.9,
                        kind="claim" if speaker else "report", speaker=speaker)
    return Answer("q", abstained=False, citations=[citation], sources=[SourceRef(1, "doc-1", title, outlet, "", "2024-03-25", url)])


@pytest.mark.parametrize(("raw", "shown"), [
    ("red \x1b[31mALERT\x1b[0m text", "red ALERT text"),
    ("\x1b]8;;https://evil.example\x07click here\x1b]8;;\x07", "click here"),  # OSC 8 hyperlink
    ("\x1b]0;new window title\x1b\\after", "after"),  # OSC with ST terminator
    ("clear\x1b[2J\x1b[Hscreen", "clearscreen"),
    ("8-bit \x9b31mCSI\x9b0m", "8-bit CSI"),
    ("evil \u202eexe.txt\u202c file", "evil exe.txt file"),  # bidi override
    ("iso\u2066lated\u2069 and \u200bzero\ufeffwidth", "isolated and zerowidth"),
    ("bell\x07 backspace\x08 nul\x00 del\x7f", "bell backspace nul del"),
    ("two\nlines\u2028here", "two lines here"),
    ("Ukrainian: Київ, Arabic: كييف, emoji: 👩‍💻", "Ukrainian: Київ, Arabic: كييف, emoji: 👩‍💻"),
])
def test_terminal_safe_keeps_text_and_drops_what_a_terminal_would_act_on(raw, shown):
    assert terminal_safe(raw) == shown


@pytest.mark.parametrize("field", ["quote", "title", "outlet", "speaker"])
def test_escape_sequences_in_any_source_field_never_reach_the_terminal(field):
    text = render_answer(answer_with(**{field: "Hostile \x1b]8;;http://evil\x07link\x1b]8;;\x07 \x1b[5mblink \u202eevil"}))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Hostile link blink evil" in text


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
    "vbscript:msgbox", "http://", "https://ok.example/\x1b[31m", "https://ok.example/a b", "//evil.example/x",
])
def test_only_http_links_are_shown_in_the_sources_list(url):
    text = render_answer(answer_with(url=url))
    [line] = [ln for ln in text.splitlines() if ln.startswith("[1] ")]
    assert line.endswith(LINK_REMOVED)
    assert safe_link(url) is None


@pytest.mark.parametrize("url", ["https://news.example/a?b=1#c", "http://news.example", "HTTPS://NEWS.EXAMPLE/A"])
def test_the_sources_own_http_url_is_shown(url):
    text = render_answer(answer_with(url=url))
    assert text.splitlines()[-1].endswith(" · " + url)

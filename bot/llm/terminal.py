"""Synthesis answers in a terminal: print each checked sentence as it arrives, then the rest.

Kept apart from `bot.cli.app` so the command module only parses options and calls this.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.llm.render import render_synthesis, render_tail
from bot.llm.synthesis import LLM_INTRO, Synthesis


def use_llm(bot, flag: bool | None) -> bool:
    """`--llm` forces synthesis (a config error if no model is set), `--extractive` turns it off,
    neither follows the configuration."""
    if flag is None:
        return bot.llm_enabled
    if flag and not bot.llm_enabled:
        from bot.errors import ConfigError

        raise ConfigError("--llm needs a language model; set CITEBOT_LLM_MODEL and CITEBOT_LLM_BASE_URL (see README)")
    return flag


def stream_to_terminal(bot, question: str, echo: Callable[..., None], **options) -> Synthesis:
    """Ask in synthesis mode, echoing sentences as they pass the checks; returns the result."""
    streamed: list[str] = []

    def show(sentence: str) -> None:
        echo((f"{LLM_INTRO}\n\n" if not streamed else " ") + sentence, nl=False)
        streamed.append(sentence)

    result = bot.ask_llm(question, on_sentence=show, **options)
    echo(render_tail(result, streamed=bool(streamed)))
    return result


def synthesis_json(result: Synthesis) -> dict:
    payload = result.to_dict()
    payload["answer"] = render_synthesis(result)
    return payload

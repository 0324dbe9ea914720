"""Synthesis mode in Discord, end to end: the real discord.py client on the fake Discord, the real
LangChain/OpenAI client on the fake OpenAI-compatible server, real store and embedding model.
The bot defers, then edits its one reply as checked sentences arrive; the last edit is final."""

from __future__ import annotations

import json

from bot.llm.synthesis import LLM_INTRO
from tests.conftest import CANONICAL_QUESTION
from tests.discord_fixtures import assert_within_discord_limits, bot_for, fake, running  # noqa: F401
from tests.fake_llm import Reply, fake_llm, passage_with
from tests.test_discord_ask import is_callback, is_channel_message, pings_no_one, unescape

KEY = "sk-test-discord-9b1e7c3a5f2d4e6081a3c5e7f9b2d4a6"
OUTLETS = ["Eastern Desk", "Clearview Factcheck"]


def three_sentence_model(body: dict) -> str:
    """A faithful model writing three cited sentences (so the answer grows in steps)."""
    luka = passage_with(body, "Ukraine–Russia border only after")
    arrest = passage_with(body, "arrested inside Russia")
    return (f'Lukashenko said the suspects "turned toward the Ukraine–Russia border only after it became clear" '
            f'they could not get into Belarus [{luka}]. A fact-check reports that the four suspects were arrested '
            f'inside Russia [{arrest}]. The arrest took place in the Bryansk region [{arrest}].')


def hallucinating_model(body: dict) -> str:
    """Every sentence quotes words no passage contains: nothing survives the checks."""
    n = passage_with(body, "arrested inside Russia")
    return f'Officials said the men "confessed to working for Kyiv" before the arrest [{n}].'


def llm_discord_bot(fake_discord, home, embedder, llm):
    return bot_for(fake_discord, home, embedder, llm_model="fake-model", llm_base_url=llm.url, llm_api_key=KEY,
                   llm_timeout_s=10, llm_max_retries=0, discord_edit_interval_s=0)


def is_original_edit(token):
    return lambda r: r.method == "PATCH" and r.path.endswith(f"/{token}/messages/@original")


def final_edit(predicate, marker):
    return lambda r: predicate(r) and marker in (r.message.get("content") or "")


def assert_key_never_sent_or_logged(fake_discord, run) -> None:
    for item in fake_discord.recorder.items:
        assert KEY not in json.dumps([item.path, item.body, item.query], default=str)
    assert KEY not in run.log.text()


async def test_ask_edits_the_deferred_reply_as_checked_sentences_arrive(fake, sample_home, embedder):
    guild, member = fake.guilds[0], fake.new_user("maria")
    with fake_llm(Reply(three_sentence_model, chunk_delay=0.01)) as llm:
        async with running(llm_discord_bot(fake, sample_home, embedder, llm)) as run:
            sent = await fake.send_command(guild, member, "ask", {"question": CANONICAL_QUESTION})
            await run.wait(fake.recorder.wait_for(final_edit(is_original_edit(sent.token), "Sources"), after=sent.mark))
            assert_key_never_sent_or_logged(fake, run)
    callback = fake.recorder.find(is_callback(sent))
    assert callback and callback[0].body["type"] == 5, "the interaction is deferred first"
    edits = fake.recorder.find(is_original_edit(sent.token))
    assert fake.recorder.items.index(callback[0]) < fake.recorder.items.index(edits[0])
    texts = [unescape(e.message["content"]) for e in edits]
    partials, final = texts[:-1], texts[-1]
    assert len(partials) >= 2, "the reply grows in more than one edit before the final one"
    for before, after in zip(texts, texts[1:]):
        assert after.removesuffix(" …").startswith(before.removesuffix(" …"))
    assert all(t.startswith(LLM_INTRO) and t.endswith(" …") for t in partials)
    assert final.startswith(LLM_INTRO) and not final.endswith(" …")
    assert "Bryansk region [2]." in final and "\nSources\n[1] Eastern Desk" in final
    assert all(outlet in final for outlet in OUTLETS)
    for edit in edits:
        assert_within_discord_limits(edit.message)
        assert pings_no_one(edit.allowed_mentions)


async def test_a_hallucinating_model_ends_in_the_quoted_answer_with_its_note(fake, sample_home, sample_bot, embedder):
    expected = sample_bot.ask(CANONICAL_QUESTION)
    guild, member = fake.guilds[0], fake.new_user("maria")
    with fake_llm(Reply(hallucinating_model)) as llm:
        async with running(llm_discord_bot(fake, sample_home, embedder, llm)) as run:
            sent = await fake.send_command(guild, member, "ask", {"question": CANONICAL_QUESTION})
            await run.wait(fake.recorder.wait_for(final_edit(is_original_edit(sent.token), "Note:"), after=sent.mark))
            assert_key_never_sent_or_logged(fake, run)
    edits = fake.recorder.find(is_original_edit(sent.token))
    final = edits[-1]
    assert unescape(final.message["content"]).startswith("Note: Showing the quoted answer instead")
    assert "confessed" not in "\n".join(e.text() for e in edits)
    # The rest is the extractive answer exactly as without synthesis mode: its quotes and sources.
    [page] = final.message["embeds"][:1]
    assert page["title"] == expected.headline
    plain = unescape(final.text())
    first_page_quotes = [c.quote for c in expected.citations if c.quote in plain]
    assert first_page_quotes and first_page_quotes == [c.quote for c in expected.citations][:len(first_page_quotes)]
    assert_within_discord_limits(final.message)


async def test_a_mention_reply_is_sent_once_then_edited_in_place(fake, sample_home, embedder):
    guild, member = fake.guilds[0], fake.new_user("sam")
    with fake_llm(Reply(three_sentence_model, chunk_delay=0.01)) as llm:
        async with running(llm_discord_bot(fake, sample_home, embedder, llm)) as run:
            mark = fake.recorder.mark()
            asked = await fake.send_message(guild, member, f"<@{fake.app_id}> {CANONICAL_QUESTION}")
            first = await run.wait(fake.recorder.wait_for(is_channel_message(guild.channel_id), after=mark))
            edit_path = f"/channels/{guild.channel_id}/messages/{first.response['id']}"
            is_edit = lambda r: r.method == "PATCH" and r.path == edit_path  # noqa: E731
            await run.wait(fake.recorder.wait_for(final_edit(is_edit, "Sources"), after=mark))
            assert_key_never_sent_or_logged(fake, run)
    assert str(first.body["message_reference"]["message_id"]) == asked["id"]
    assert len(fake.recorder.find(is_channel_message(guild.channel_id))) == 1, "one reply, edited in place"
    edits = fake.recorder.find(is_edit)
    final = unescape(edits[-1].message["content"])
    assert final.startswith(LLM_INTRO) and "\nSources\n" in final
    assert len(unescape(first.message["content"])) < len(final)
    for item in [first, *edits]:
        assert_within_discord_limits(item.message)
        assert pings_no_one(item.allowed_mentions)


def test_a_streamed_text_is_inert_and_a_long_one_keeps_its_sources():
    from bot.discord.format import CONTENT_MAX, synthesis_page

    sentence = "The model said @everyone and <@123> read **this** [x](https://evil.example) [1]. "
    sources = "\n\nSources\n[1] Eastern Desk · “Title” · 2024-03-26 · https://easterndesk.example.org/a_b/c"
    page = synthesis_page(LLM_INTRO + "\n\n" + sentence * 40 + sources)
    assert len(page.content) <= CONTENT_MAX and page.embeds == []
    assert page.content.endswith("https://easterndesk.example.org/a_b/c"), "the source link stays a working link"
    assert "\nSources\n\\[1\\] Eastern Desk" in page.content and "…" in page.content
    assert "@everyone" not in page.content and "<@123>" not in page.content and "**" not in page.content.replace("\\*", "")
    assert "](" not in page.content.replace("\\](", "")

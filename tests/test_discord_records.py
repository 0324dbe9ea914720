"""End to end: moderators see what is stored (/show, only to them, paged) and correct it (/edit, audited)."""

from __future__ import annotations

from tests.discord_fixtures import assert_within_discord_limits, fake, running  # noqa: F401
from tests.test_discord_moderation import ARTICLE, command, moderated_bot


def unescape(text: str) -> str:
    return text.replace("\\", "")


def is_callback(sent):
    return lambda r: r.method == "POST" and r.path.endswith(f"/{sent.id}/{sent.token}/callback")


# Many short sentences: the stored text needs more than one page of /show.
LONG_ARTICLE = ARTICLE + "\n" + "\n\n".join(
    f"Reading number {i} at the Port Ellery gauge was logged by the harbour office with its time and tide height."
    for i in range(1, 41)
)


async def test_show_gives_a_moderator_the_stored_metadata_and_sentences_only_to_them(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path / "a", embedder)
    citebot.ingest_bytes(ARTICLE.encode(), name="tide.md")
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    async with running(citebot) as run:
        reply = await command(run, fake, guild, mod, "show", {"source": "tide gauge"}, roles=(guild.moderator_role_id,))
    text = unescape(reply.text())
    assert reply.message["flags"] & 64, "shown only to the moderator who asked"
    assert "Tide gauge shows record harbour level" in text and "Coast Weekly" in text and "2024-02-02" in text
    first = citebot.show("tide gauge").sentences[0]
    assert f"`  1` `{first.start}-{first.end}` body \u2014 {first.text}" in text
    assert_within_discord_limits(reply.message)


async def test_a_long_article_is_shown_page_by_page(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path / "a", embedder)
    citebot.ingest_bytes(LONG_ARTICLE.encode(), name="tide.md")
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    async with running(citebot) as run:
        first = await command(run, fake, guild, mod, "show", {"source": "tide gauge"}, roles=(guild.moderator_role_id,))
        press = await fake.press_button(guild, mod, first.response, first.button_ids()["Next"])
        second = await run.wait(fake.recorder.wait_for(is_callback(press), after=press.mark))
    assert "Page 1 of 2" in first.text() and "Page 2 of 2" in second.text()
    assert "Reading number 40 " in unescape(second.text()) and "Reading number 40 " not in unescape(first.text())
    for page in (first, second):
        assert_within_discord_limits(page.message)


async def test_moderator_edits_a_source_the_audit_names_them_and_answers_cite_the_correction(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path / "a", embedder)
    citebot.ingest_bytes(ARTICLE.encode(), name="tide.md")
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    mod_role = (guild.moderator_role_id,)
    async with running(citebot) as run:
        edited = await command(run, fake, guild, mod, "edit", {"source": "tide gauge", "outlet": "Coast Weekly Online",
                                                              "published": "2024-02-03"}, roles=mod_role)
        answer = await command(run, fake, guild, mod, "ask", {"question": "What level did the Port Ellery tide gauge record?"})
        audit = await command(run, fake, guild, mod, "audit", roles=mod_role)
    content = unescape(edited.message["content"])
    assert "Edited" in content and "outlet: 'Coast Weekly' -> 'Coast Weekly Online'" in content
    assert [r.outlet for r in citebot.sources()] == ["Coast Weekly Online"]
    assert "Coast Weekly Online" in answer.text() and "2024-02-03" in answer.text()
    [entry] = [e for e in citebot.audit() if e.action == "edit"]
    assert entry.actor == f"discord:mod_ana ({mod['id']})" and "2024-02-02' -> '2024-02-03'" in entry.detail
    assert "edit" in audit.text() and "Coast Weekly Online" in unescape(audit.text()), "the audit shows what changed"


async def test_members_without_the_role_can_neither_show_nor_edit(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path / "a", embedder)
    citebot.ingest_bytes(ARTICLE.encode(), name="tide.md")
    before = (citebot.sources(), citebot.audit())
    guild, member = fake.guilds[0], fake.new_user("member_bo")
    async with running(citebot) as run:
        shown = await command(run, fake, guild, member, "show", {"source": "tide gauge"})
        edited = await command(run, fake, guild, member, "edit", {"source": "tide gauge", "title": "Hacked"})
        assert not run.log.errors
    for reply in (shown, edited):
        assert "only moderators" in reply.message["content"].lower()
    assert "4.2 metres" not in shown.text()
    assert (citebot.sources(), citebot.audit()) == before


async def test_a_bad_edit_is_one_line_saying_why(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path / "a", embedder)
    citebot.ingest_bytes(ARTICLE.encode(), name="tide.md")
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    async with running(citebot) as run:
        reply = await command(run, fake, guild, mod, "edit", {"source": "tide gauge", "published": "last week"},
                              roles=(guild.moderator_role_id,))
        nothing = await command(run, fake, guild, mod, "edit", {"source": "tide gauge"}, roles=(guild.moderator_role_id,))
    assert "not a date like 2024-03-25" in reply.message["content"] and "\n" not in reply.message["content"]
    assert "nothing to change" in nothing.message["content"].lower()
    assert citebot.sources()[0].published_at == "2024-02-02"

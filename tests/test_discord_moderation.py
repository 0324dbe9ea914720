"""End to end: moderators ingest, remove and audit; everyone else is refused; servers can be isolated."""

from __future__ import annotations

from tests.discord_fixtures import bot_for, fake, running  # noqa: F401
from tests.helpers import http_server, respond

ARTICLE = """---
title: Tide gauge shows record harbour level
outlet: Coast Weekly
published: 2024-02-02
url: https://coast.example.org/tide-gauge
---

The tide gauge at Port Ellery recorded a water level of 4.2 metres on Friday, the highest since records began in 1911.
Harbour master Ines Duarte said the gauge was recalibrated in January and the reading is reliable.
"""

ARTICLE_HTML = b"""<html><head><title>Lighthouse lamp replaced</title>
<meta property="og:site_name" content="Island Courier"></head><body><article><h1>Lighthouse lamp replaced</h1>
<p>The lamp of the Gull Island lighthouse was replaced on Tuesday after forty years of service, the island council said.</p>
<p>The new lamp uses light-emitting diodes and can be seen twenty nautical miles out to sea, according to the council.</p>
</article></body></html>"""


def followup_of(sent):
    return lambda r: r.method == "POST" and r.path.endswith(f"/{sent.token}")


async def command(run, fake, guild, user, name, options=None, **kwargs):
    """Deliver a slash command and return the bot's followup (after its deferral)."""
    sent = await fake.send_command(guild, user, name, options, **kwargs)
    return await run.wait(fake.recorder.wait_for(followup_of(sent), after=sent.mark))


def moderated_bot(fake, tmp_path, embedder, **overrides):
    return bot_for(fake, tmp_path / "home", embedder, discord_moderator_role="Moderator", **overrides)


async def test_moderator_ingests_an_attached_article_and_the_audit_records_who(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder)
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    attachment = fake.add_attachment("tide.md", ARTICLE.encode())
    async with running(citebot) as run:
        reply = await command(run, fake, guild, mod, "ingest", attachments={"file": attachment},
                              roles=(guild.moderator_role_id,))
        answer = await command(run, fake, guild, mod, "ask", {"question": "What level did the Port Ellery tide gauge record?"})
    content = reply.message["content"]
    assert "Added" in content and "Tide gauge shows record harbour level" in content and "Coast Weekly" in content
    [record] = citebot.sources()
    assert f"{record.chunk_count} chunks" in content
    [entry] = citebot.audit()
    assert entry.action == "ingest" and entry.actor == f"discord:mod_ana ({mod['id']})"
    assert entry.content_hash == record.content_hash
    assert "4.2 metres" in answer.text(), "the new source answers questions at once"


async def test_member_without_the_role_cannot_ingest_and_the_store_is_unchanged(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder)
    citebot.ingest_bytes(ARTICLE.encode(), name="tide.md")
    before = (citebot.sources(), citebot.audit())
    guild, member = fake.guilds[0], fake.new_user("member_bo")
    attachment = fake.add_attachment("lamp.html", ARTICLE_HTML)
    async with running(citebot) as run:
        refused = await command(run, fake, guild, member, "ingest", attachments={"file": attachment})
        removal = await command(run, fake, guild, member, "remove", {"source": "Tide gauge"})
        audit = await command(run, fake, guild, member, "audit")
        assert not run.log.errors
    for reply in (refused, removal, audit):
        assert "only moderators" in reply.message["content"].lower() and "Moderator" in reply.message["content"]
    assert (citebot.sources(), citebot.audit()) == before


async def test_member_with_manage_server_ingests_a_url(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder, allow_private_urls=True)
    guild, admin = fake.guilds[0], fake.new_user("admin_cy")
    with http_server({"/lamp": respond(200, ARTICLE_HTML)}) as base:
        async with running(citebot) as run:
            reply = await command(run, fake, guild, admin, "ingest", {"url": f"{base}/lamp"}, manage_guild=True)
    assert "Added" in reply.message["content"] and "Lighthouse lamp replaced" in reply.message["content"]
    assert [r.url for r in citebot.sources()] == [f"{base}/lamp"]


async def test_bad_attachments_get_a_clear_reason_and_nothing_is_stored(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder)
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    broken_pdf = fake.add_attachment("report.pdf", b"%PDF-1.4 this is not really a pdf")
    wrong_type = fake.add_attachment("notes.docx", b"PK\x03\x04 binary word file")
    async with running(citebot) as run:
        pdf_reply = await command(run, fake, guild, mod, "ingest", attachments={"file": broken_pdf}, roles=(guild.moderator_role_id,))
        docx_reply = await command(run, fake, guild, mod, "ingest", attachments={"file": wrong_type}, roles=(guild.moderator_role_id,))
        neither = await command(run, fake, guild, mod, "ingest", roles=(guild.moderator_role_id,))
        local = await command(run, fake, guild, mod, "ingest", {"url": "/etc/passwd"}, roles=(guild.moderator_role_id,))
        assert not run.log.errors, "bad input is not a bot error"
    assert "Not ingested" in pdf_reply.message["content"] and "report.pdf" in pdf_reply.message["content"]
    assert "unsupported" in docx_reply.message["content"] and ".docx" in docx_reply.message["content"]
    assert "either url: or file:" in neither.message["content"]
    assert "not an http(s) link" in local.message["content"]
    for reply in (pdf_reply, docx_reply, neither, local):
        assert "\n" not in reply.message["content"].strip(), "one line"
    assert citebot.sources() == [] and citebot.audit() == []


async def test_moderator_removes_a_source_and_audit_shows_ingest_and_removal(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder)
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    attachment = fake.add_attachment("tide.md", ARTICLE.encode())
    mod_role = (guild.moderator_role_id,)
    async with running(citebot) as run:
        await command(run, fake, guild, mod, "ingest", attachments={"file": attachment}, roles=mod_role)
        content_hash = citebot.sources()[0].content_hash
        unknown = await command(run, fake, guild, mod, "remove", {"source": "no such article"}, roles=mod_role)
        removed = await command(run, fake, guild, mod, "remove", {"source": "tide gauge"}, roles=mod_role)
        audit = await command(run, fake, guild, mod, "audit", roles=mod_role)
        listing = await command(run, fake, guild, mod, "sources")
    assert "no ingested source matches" in unknown.message["content"].lower() and "/sources" in unknown.message["content"]
    assert "Removed" in removed.message["content"] and "Tide gauge shows record harbour level" in removed.message["content"]
    assert citebot.sources() == []
    log = audit.text()
    assert "ingest" in log and "remove" in log and content_hash[:12] in log and "mod\\_ana" in log
    assert audit.message["flags"] & 64, "the audit log is shown only to the moderator who asked"
    assert "No sources have been ingested yet." in listing.text()


async def test_per_server_scope_keeps_each_servers_sources_apart(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder, discord_per_server_scope=True)
    alpha, beta = fake.guilds[0], fake.add_guild("Beta")
    mod = fake.new_user("mod_ana")
    attachment = fake.add_attachment("tide.md", ARTICLE.encode())
    question = {"question": "What level did the Port Ellery tide gauge record?"}
    async with running(citebot) as run:
        await command(run, fake, alpha, mod, "ingest", attachments={"file": attachment}, roles=(alpha.moderator_role_id,))
        in_alpha = await command(run, fake, alpha, mod, "ask", question)
        in_beta = await command(run, fake, beta, mod, "ask", question)
        beta_sources = await command(run, fake, beta, mod, "sources")
        beta_remove = await command(run, fake, beta, mod, "remove", {"source": "tide gauge"}, roles=(beta.moderator_role_id,))
    assert "4.2 metres" in in_alpha.text()
    assert "4.2 metres" not in in_beta.text() and "don't say" in in_beta.text()
    assert "No sources have been ingested yet." in beta_sources.text()
    assert "no ingested source matches" in beta_remove.message["content"].lower(), "Beta's moderators cannot touch Alpha's sources"
    assert [r.scope for r in citebot.sources(f"guild:{alpha.id}")] == [f"guild:{alpha.id}"]
    assert citebot.sources() == [], "nothing leaked into the global set"


async def test_an_attachment_that_cannot_be_downloaded_gets_a_clear_reason(fake, tmp_path, embedder):
    citebot = moderated_bot(fake, tmp_path, embedder)
    guild, mod = fake.guilds[0], fake.new_user("mod_ana")
    gone = {**fake.add_attachment("tide.md", ARTICLE.encode()), "url": f"{fake.base_url}/attachments/expired/tide.md"}
    async with running(citebot) as run:
        reply = await command(run, fake, guild, mod, "ingest", attachments={"file": gone}, roles=(guild.moderator_role_id,))
    assert "could not download 'tide.md'" in reply.message["content"].lower() and "attach it again" in reply.message["content"]
    assert citebot.sources() == []


async def test_a_store_failure_is_one_line_for_the_member_and_the_detail_goes_to_the_log(fake, tmp_path, embedder):
    home = tmp_path / "home"
    home.mkdir()
    (home / "store").write_text("not a directory")  # the store cannot be opened
    citebot = bot_for(fake, home, embedder)
    guild, member = fake.guilds[0], fake.new_user("maria")
    async with running(citebot) as run:
        sent = await fake.send_command(guild, member, "ask", {"question": "What level did the tide gauge record?"})
        reply = await run.wait(fake.recorder.wait_for(followup_of(sent), after=sent.mark), expect_errors=True)
        logged = [r for r in run.log.errors if r.name == "citebot.discord"]
    content = reply.message["content"]
    assert "store is unavailable" in content and "\n" not in content
    assert str(home) not in content, "server paths stay in the log"
    assert logged and logged[0].exc_info and "cannot open the store" in str(logged[0].exc_info[1])

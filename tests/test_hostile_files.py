"""Hostile and broken files: one clear message each, and nothing already stored changes.

A module-scoped store holds one good article; every hostile file is ingested into it and must
fail with its own readable reason while the registry and the chunks stay exactly as they were.
"""

from __future__ import annotations

import io
import json
import random
import zlib

import pytest

from bot.library import Citebot
from ingest.formats import parse_bytes
from tests.conftest import make_settings
from tests.helpers import make_pdf

GOOD = (
    "---\ntitle: Council approves library budget\noutlet: Lakeside Gazette\npublished: 2024-05-10\n"
    "url: https://lakeside.example/library\n---\n"
    "The city council approved the new library budget on Monday. The vote was seven to two.\n"
).encode()


def _pdf_writer_bytes(encrypt: bool) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flate_bomb_pdf() -> bytes:
    """A ~80 KB PDF whose content stream inflates to 80 MB, past pypdf's per-stream limit."""
    raw = make_pdf(["hello"])
    stream = zlib.compress(b"BT (" + b"A" * 80_000_000 + b") Tj ET", 9)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    start = raw.index(b"4 0 obj\n") + len(b"4 0 obj\n")
    return raw[:start] + body + b"\n" + raw[raw.index(b"endobj", start):]


def _noise(n: int, seed: int = 8) -> bytes:
    return random.Random(seed).randbytes(n)


HOSTILE = {
    # name: (bytes, phrase the one-line error must contain)
    "empty.md": (b"", "is empty"),
    "whitespace.txt": (b"  \n\t\n ", "is empty"),
    "picture.txt": (b"\x89PNG\r\n\x1a\n" + _noise(2000), "is a PNG image, not text"),
    "archive.md": (b"PK\x03\x04" + _noise(2000), "is a ZIP archive, not text"),
    "noise.txt": (_noise(4000), "looks like a binary file"),
    "controls.txt": (bytes(range(1, 9)) * 50 + b"some words", "looks like a binary file"),
    "utf16-no-bom.txt": ("Plain words".encode("utf-16-le"), "looks like a binary file"),
    "encrypted.pdf": (_pdf_writer_bytes(encrypt=True), "is encrypted; save an unprotected copy"),
    "image-only.pdf": (_pdf_writer_bytes(encrypt=False), "an image-only PDF needs OCR first"),
    "truncated.pdf": (make_pdf(["Some text here."])[:150], "is not a readable PDF"),
    "garbage.pdf": (b"%PDF-1.7\n" + _noise(3000), "is not a readable PDF"),
    "bomb.pdf": (flate_bomb_pdf(), "expands past the PDF decompression limit"),
    "script-only.html": (b"<html><head><script>steal()</script></head><body><img src=x></body></html>", "no article text"),
    "deeply-nested.html": (b"<b>" * 4000 + b"<p>Deep text in the page, as a sentence.</p>" + b"</b>" * 4000, "no article text"),
    "huge.html": (b"<html><body>" + b"<p>Words in a paragraph.</p>" * 3000 + b"</body></html>", "limit for HTML"),
    "oversize.txt": (b"Words. " * 40_000, "over the 0.2 MB limit"),
    "long-text.txt": (("A sentence of plain words here. " * 100).encode(), "over the 1,000 limit"),
    "js-link.md": (b"---\nurl: javascript:alert(1)\n---\nBody text that is long enough to keep.", "not an http(s) address"),
    "file-link.md": (b"---\nlink: file:///etc/passwd\n---\nBody text that is long enough to keep.", "not an http(s) address"),
    "bad-yaml.md": (b"---\ntitle: [unclosed\n---\nBody.", "invalid front matter"),
    "broken.jsonl": (b'{"title": "ok", "body": "Fine text."}\n{not json\n', "is not valid JSON"),
    "program.exe": (b"MZ\x90\x00" + _noise(100), "unsupported type '.exe'"),
}


def snapshot(bot: Citebot) -> tuple:
    """Everything a hostile file must not change: registry rows and stored chunks."""
    registry = sorted((r.document_id, r.content_hash, r.chunk_count, r.title) for r in bot.sources())
    chunks = sorted((chunk_id, text) for chunk_id, text, _ in bot.store.iter_chunks())
    return registry, chunks


@pytest.fixture(scope="module")
def guarded_bot(tmp_path_factory, embedder) -> Citebot:
    home = tmp_path_factory.mktemp("hostile-home")
    bot = Citebot(make_settings(home, max_file_mb=0.2, max_html_mb=0.05, max_document_chars=1000), embedder=embedder)
    good = home / "good.md"
    good.write_bytes(GOOD)
    assert bot.ingest([str(good)]).items[0].status == "added"
    return bot


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_fails_with_one_clear_line_and_changes_nothing(guarded_bot, tmp_path, name):
    data, phrase = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(guarded_bot)
    [item] = guarded_bot.ingest([str(path)]).items
    assert item.status == "failed"
    assert phrase in item.error
    assert item.error.startswith(str(path)) and "\n" not in item.error and "Traceback" not in item.error
    assert snapshot(guarded_bot) == before


@pytest.mark.parametrize("name", ["encrypted.pdf", "noise.txt", "huge.html", "js-link.md"])
def test_hostile_upload_is_refused_like_a_file(guarded_bot, name):
    """Discord attachments go through `ingest_bytes`: the same checks, the same messages."""
    data, phrase = HOSTILE[name]
    before = snapshot(guarded_bot)
    [item] = guarded_bot.ingest_bytes(data, name=name).items
    assert item.status == "failed" and phrase in item.error
    assert snapshot(guarded_bot) == before


@pytest.mark.parametrize(("data", "expected"), [
    ("Le café était fermé à cause de la grève générale.".encode("cp1252"), "Le café était fermé"),
    ("Überall in München wurden Straßen gesperrt.".encode("cp1252"), "Überall in München"),
    ("Le café était fermé à cause de la grève.".encode("utf-16"), "Le café était fermé"),
    ("東京の図書館は月曜日に新しい予算を承認しました。".encode("shift_jis"), "東京の図書館"),
    ("Москва объявила о новых мерах безопасности.".encode("utf-8-sig"), "Москва объявила"),
])
def test_legacy_encodings_are_detected_and_decoded(data, expected):
    [doc] = parse_bytes(data, name="legacy.txt", origin="legacy.txt")
    assert doc.text.startswith(expected)


def test_same_file_name_in_two_folders_is_two_documents(citebot, tmp_path):
    for folder, text in (("a", "The bridge reopened on Tuesday after repairs."), ("b", "The museum extended its hours for the summer.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(text)
    report = citebot.ingest([str(tmp_path / "a"), str(tmp_path / "b")])
    assert [i.status for i in report.items] == ["added", "added"]
    assert len({r.document_id for r in citebot.sources()}) == 2


def test_the_same_path_twice_in_one_run_is_stored_once(citebot, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("The bridge reopened on Tuesday after repairs.")
    report = citebot.ingest([str(path), str(path)])
    assert [i.status for i in report.items] == ["added", "duplicate"]
    assert len(citebot.sources()) == 1


def test_an_upload_with_a_known_name_replaces_it_and_is_audited(citebot):
    """Same name = same document: a corrected upload updates it, and the audit keeps the old hash."""
    first = citebot.ingest_bytes(b"The bridge reopened on Tuesday after repairs.", name="story.txt").items[0]
    second = citebot.ingest_bytes(b"The bridge reopened on Wednesday after repairs.", name="story.txt").items[0]
    assert (first.status, second.status) == ("added", "updated")
    [latest, *_] = citebot.audit()
    assert latest.action == "update" and latest.previous_hash == first.content_hash



@pytest.mark.slow
def test_cli_reports_each_bad_file_on_one_line_keeps_going_and_exits_non_zero(tmp_path):
    """A real `python -m bot ingest` run over good and hostile files (and a loopback URL)."""
    from tests.helpers import http_server, respond
    from tests.test_cli import run

    names = ["empty.md", "encrypted.pdf", "picture.txt", "bomb.pdf", "js-link.md"]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_bytes(GOOD)
    for name in names:
        (folder / name).write_bytes(HOSTILE[name][0])
    home = tmp_path / "home"
    with http_server({"/a": respond(200, b"<html><body><p>Loopback page text here.</p></body></html>")}) as base:
        result = run(home, "ingest", str(folder), f"{base}/a")
    assert result.returncode == 3
    failed = [line for line in result.stderr.splitlines() if line.strip().startswith("failed")]
    assert len(failed) == len(names) + 1
    for name in names:
        [line] = [f for f in failed if f"{name}:" in f]
        assert HOSTILE[name][1] in line
    assert any("private or local network address" in f for f in failed)
    assert "Traceback" not in result.stderr
    assert "1 added" in result.stdout and f"{len(names) + 1} failed" in result.stdout
    listed = run(home, "sources", "--json")
    assert [s["title"] for s in json.loads(listed.stdout)["sources"]] == ["Council approves library budget"]

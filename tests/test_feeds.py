"""RSS/Atom feeds: each entry becomes an article, from a file or a URL."""

from tests.conftest import make_settings
from tests.helpers import http_server, respond

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Loopback Gazette</title>
<item><title>Ferry service resumes</title><link>{base}/ferry</link><author>ed@example.org (Ed Park)</author>
<pubDate>Tue, 26 Mar 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The island ferry resumed service on Tuesday after storm repairs.&lt;/p&gt;</description></item>
<item><title>Harbour crane replaced</title><link>{base}/crane</link>
<pubDate>Wed, 27 Mar 2024 09:00:00 GMT</pubDate>
<description>The old harbour crane was replaced with an electric one.</description></item>
</channel></rss>"""

PAGE = (
    "<html><head><meta property='og:site_name' content='Loopback Gazette'></head><body><article>"
    "<h1>Ferry service resumes</h1>"
    + "<p>The island ferry resumed full service on Tuesday, the port authority said in a statement.</p>" * 3
    + "</article></body></html>"
).encode()


def test_feed_file_entries_become_articles_without_network(citebot, tmp_path):
    path = tmp_path / "news.rss"
    path.write_text(RSS.format(base="https://gazette.example.org"))
    report = citebot.ingest([str(path)])
    assert [i.status for i in report.items] == ["added", "added"]
    records = {r.title: r for r in citebot.sources()}
    ferry = records["Ferry service resumes"]
    assert ferry.outlet == "Loopback Gazette" and ferry.url == "https://gazette.example.org/ferry"
    assert ferry.published_at.startswith("2024-03-26")


def test_a_feed_entry_link_that_is_not_a_web_address_is_never_stored(citebot, tmp_path):
    path = tmp_path / "news.rss"
    path.write_text(RSS.format(base="https://gazette.example.org").replace("https://gazette.example.org/ferry", "javascript:alert(1)"))
    report = citebot.ingest([str(path)])
    assert [i.status for i in report.items] == ["added", "added"]
    urls = {r.title: r.url for r in citebot.sources()}
    assert urls == {"Ferry service resumes": "", "Harbour crane replaced": "https://gazette.example.org/crane"}


def test_feed_url_follows_links_and_falls_back_to_entry_text(tmp_path, embedder):
    from bot.library import Citebot

    bot = Citebot(make_settings(tmp_path, allow_private_urls=True), embedder=embedder)
    routes = {"/feed": None, "/ferry": respond(200, PAGE)}  # /crane is missing: 404
    with http_server(routes) as base:
        routes["/feed"] = respond(200, RSS.format(base=base).encode(), "application/rss+xml")
        report = bot.ingest([f"{base}/feed"])
    assert [i.status for i in report.items] == ["added", "added"]
    texts = {r.title: r for r in bot.sources()}
    assert "port authority said" in bot.retriever.search("ferry port authority statement", k=1)[0].text
    assert "Harbour crane replaced" in texts  # its page 404'd, so the feed's own text was used


def test_malformed_feed_is_one_clear_error(citebot, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<rss><channel><title>x</title>")
    report = citebot.ingest([str(path)])
    assert report.items[0].status == "failed"
    assert "broken.xml" in report.items[0].error

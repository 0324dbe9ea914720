"""URL ingestion against a real loopback HTTP server."""

from ingest.errors import FetchError
from tests.conftest import make_settings
from tests.helpers import http_server, respond

ARTICLE = (
    "<html><head><title>x</title><meta name='author' content='Rae Kim'>"
    "<meta property='article:published_time' content='2024-03-27'>"
    "<meta property='og:site_name' content='Loopback Times'></head><body><article>"
    "<h1>Suspects detained in Bryansk region</h1>"
    + "<p>Officials said the four men were detained in the Bryansk region of Russia on Saturday.</p>" * 4
    + "</article></body></html>"
).encode()


def test_url_article_is_ingested_with_its_metadata(tmp_path, embedder):
    from bot.library import Citebot

    bot = Citebot(make_settings(tmp_path, allow_private_urls=True), embedder=embedder)
    with http_server({"/story": respond(200, ARTICLE)}) as base:
        report = bot.ingest([f"{base}/story"])
    [item] = report.items
    assert item.status == "added", item.error
    [record] = bot.sources()
    assert record.title == "Suspects detained in Bryansk region"
    assert (record.outlet, record.author, record.published_at) == ("Loopback Times", "Rae Kim", "2024-03-27")
    assert record.url == f"{base}/story"


def test_loopback_urls_are_refused_by_default(tmp_path, embedder):
    from bot.library import Citebot

    bot = Citebot(make_settings(tmp_path), embedder=embedder)
    with http_server({"/story": respond(200, ARTICLE)}) as base:
        report = bot.ingest([f"{base}/story"])
    assert report.items[0].status == "failed"
    assert "private or local network address" in report.items[0].error
    assert bot.sources() == []


def test_http_errors_and_wrong_content_types_are_clear(tmp_path, embedder):
    from bot.library import Citebot

    bot = Citebot(make_settings(tmp_path, allow_private_urls=True), embedder=embedder)
    routes = {"/gone": respond(404, b"nope"), "/img": respond(200, b"\x89PNG....", "image/png")}
    with http_server(routes) as base:
        report = bot.ingest([f"{base}/gone", f"{base}/img", f"{base}/missing"])
    errors = [i.error for i in report.items]
    assert "HTTP 404" in errors[0]
    assert "'image/png', not an article" in errors[1]
    assert "HTTP 404" in errors[2]


def test_non_http_schemes_are_refused():
    from ingest.fetch import FetchPolicy, fetch

    try:
        fetch("file:///etc/passwd", FetchPolicy())
    except FetchError as err:
        assert "only http and https" in str(err)
    else:
        raise AssertionError("file:// URL was fetched")

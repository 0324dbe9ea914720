"""A news outlet on loopback: an RSS feed with conditional GET, article pages, and ways to misbehave.

`FeedServer` runs `http.server` on 127.0.0.1 in a thread. Its feed answers 304 when the client
sends back the current ETag (or a Last-Modified that is not older), 500 while `failing` is set,
and a redirect to `redirect_to` (e.g. a private address) while that is set. Every request is
recorded with its conditional headers, so tests can prove what a watcher sent and how often.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape


@dataclass
class Story:
    slug: str
    title: str
    body: str  # plain sentences; served as the article page and as the entry's description
    published: str = "Tue, 26 Mar 2024 10:00:00 GMT"
    link: str = ""  # absolute link for the entry; "" = this server's /articles/<slug>


@dataclass
class Request:
    path: str
    if_none_match: str | None
    if_modified_since: str | None


@dataclass
class FeedServer:
    outlet: str = "Loopback Gazette"
    stories: list[Story] = field(default_factory=list)
    failing: bool = False
    redirect_to: str = ""
    requests: list[Request] = field(default_factory=list)
    base: str = ""
    _version: int = 0
    _modified: str = field(default_factory=lambda: formatdate(usegmt=True))

    def publish(self, story: Story) -> None:
        self.stories.append(story)
        self._version += 1
        self._modified = formatdate(usegmt=True)

    def feed_requests(self, path: str = "/feed") -> list[Request]:
        return [r for r in self.requests if r.path == path]

    @property
    def url(self) -> str:
        return f"{self.base}/feed"

    def article_url(self, slug: str) -> str:
        return f"{self.base}/articles/{slug}"

    # -- what is served -----------------------------------------------------------------------
    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(s.title)}</title><link>{escape(s.link or self.article_url(s.slug))}</link>"
            f"<guid>{escape(s.link or self.article_url(s.slug))}</guid><pubDate>{s.published}</pubDate>"
            f"<description>{escape(s.body)}</description></item>"
            for s in self.stories
        )
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(self.outlet)}</title>'
                f"<link>{self.base}/</link>{items}</channel></rss>").encode()

    def etag(self) -> str:
        return '"' + hashlib.sha256(self.rss()).hexdigest()[:16] + '"'

    def page(self, story: Story) -> bytes:
        paragraphs = "".join(f"<p>{escape(s.strip())}.</p>" for s in story.body.split(".") if s.strip())
        return (f"<html><head><title>{escape(story.title)}</title>"
                f"<meta property='og:site_name' content='{escape(self.outlet)}'></head>"
                f"<body><article><h1>{escape(story.title)}</h1>{paragraphs}</article></body></html>").encode()

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        self.requests.append(Request(path, h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")))
        if path == "/feed":
            return self._feed(h)
        for story in self.stories:
            if path == f"/articles/{story.slug}":
                return _send(h, 200, self.page(story), "text/html; charset=utf-8")
        _send(h, 404, b"not found", "text/plain")

    def _feed(self, h: http.server.BaseHTTPRequestHandler) -> None:
        if self.redirect_to:
            return _send(h, 302, b"", "text/plain", {"Location": self.redirect_to})
        if self.failing:
            return _send(h, 500, b"internal error", "text/plain")
        etag = self.etag()
        if h.headers.get("If-None-Match") == etag:
            return _send(h, 304, b"", None, {"ETag": etag, "Last-Modified": self._modified})
        _send(h, 200, self.rss(), "application/rss+xml", {"ETag": etag, "Last-Modified": self._modified})

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> FeedServer:
        outlet = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                outlet.handle(self)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def _send(h, status: int, body: bytes, content_type: str | None, headers: dict | None = None) -> None:
    h.send_response(status)
    if content_type:
        h.send_header("Content-Type", content_type)
    if status != 304:
        h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    if status != 304:
        h.wfile.write(body)


STORIES = [
    Story("ferry", "Ferry service resumes after storm repairs",
          "The island ferry resumed full service on Tuesday after three weeks of storm repairs. "
          "The port authority said the new ramp can carry twelve lorries at once"),
    Story("crane", "Harbour crane replaced with an electric one",
          "The old diesel harbour crane was replaced on Wednesday with an electric crane. "
          "The harbour master said the new crane lifts forty tonnes and makes no exhaust"),
    Story("library", "Council approves new library budget",
          "The town council approved a budget of two million euros for the new library on Monday. "
          "Construction is expected to start in the autumn, the mayor said"),
]

"""SSRF-safe URL ingestion: each rule proven against a real loopback HTTP server, protection on.

A public host cannot be used here (no network), so the rules are tested in two layers:
the address policy is a pure function checked on many addresses, and the connection logic is
checked with a `Resolver` object that points made-up host names at 127.0.0.1 plus a policy that
trusts exactly 127.0.0.1/32 — so "first hop allowed, redirect target private" is a real request.
"""

from __future__ import annotations

import gzip
import time

import pytest

from ingest.addresses import blocked_reason, parse_networks
from ingest.errors import FetchError, SourceTooLarge
from ingest.fetch import BlockedAddress, FetchPolicy, SystemResolver, fetch
from tests.helpers import http_server, respond

PAGE = b"<html><body><article><p>The council approved the new library budget on Monday.</p></article></body></html>"
LOOPBACK_ONLY = parse_networks(["127.0.0.1/32"])


class MappedResolver:
    """Answers for made-up names, the system resolver for IP literals; counts lookups."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return self.names[host] if host in self.names else SystemResolver().resolve(host, port)


def policy(resolver=None, **overrides) -> FetchPolicy:
    """Protection ON, with only the loopback test server's address trusted."""
    defaults = dict(trusted_networks=LOOPBACK_ONLY, timeout_s=5, total_timeout_s=10)
    if resolver is not None:
        defaults["resolver"] = resolver
    return FetchPolicy(**{**defaults, **overrides})


def recording(route, seen: list):
    def handler(h):
        seen.append((h.path, h.headers.get("Host")))
        route(h)
    return handler


# -- the address policy (pure) ------------------------------------------------------------------
@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ("100.64.0.1", "not globally routable"), ("192.0.2.10", "private"), ("2001:db8::1", "private"),
    ("::ffff:127.0.0.1", "loopback (inside an IPv6 address)"),
    ("::ffff:169.254.169.254", "link-local (inside an IPv6 address)"),
    ("2002:7f00:1::", "loopback (inside an IPv6 address)"),  # 6to4 of 127.0.0.1
    ("2002:a00:1::", "private (inside an IPv6 address)"),  # 6to4 of 10.0.0.1
    ("64:ff9b::a9fe:a9fe", "link-local (inside an IPv6 address)"),  # NAT64 of 169.254.169.254
    ("64:ff9b:1::1", "NAT64 local-use"),
    ("not-an-ip", "not an IP address"),
])
def test_non_public_addresses_are_refused_with_their_reason(address, reason):
    assert blocked_reason(address) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    assert blocked_reason(address) is None


def test_trusted_networks_are_the_only_exception():
    trusted = parse_networks(["10.1.2.0/24"])
    assert blocked_reason("10.1.2.9", trusted_networks=trusted) is None
    assert blocked_reason("10.1.3.9", trusted_networks=trusted) == "private"
    with pytest.raises(ValueError, match="not an IP network"):
        parse_networks(["intranet"])


# -- the connection rules, on a real loopback server -------------------------------------------
def test_loopback_is_refused_before_any_request_is_sent():
    seen: list = []
    with http_server({"/a": recording(respond(200, PAGE), seen)}) as base:
        with pytest.raises(BlockedAddress, match=r"private or local network address \(127.0.0.1: loopback\)"):
            fetch(f"{base}/a", FetchPolicy())
    assert seen == []


def test_allow_private_setting_lets_tests_reach_loopback():
    with http_server({"/a": respond(200, PAGE)}) as base:
        assert fetch(f"{base}/a", FetchPolicy(allow_private=True)).body == PAGE


def test_connection_goes_to_the_checked_address_with_the_original_host_header():
    """Closes DNS rebinding: the name is resolved once, by our resolver, and that IP is dialled.

    'news.test' does not exist in real DNS, so the fetch can only succeed through the pinned address.
    """
    seen: list = []
    resolver = MappedResolver({"news.test": ["127.0.0.1"]})
    with http_server({"/a": recording(respond(200, PAGE), seen)}) as base:
        port = base.rsplit(":", 1)[1]
        fetched = fetch(f"http://news.test:{port}/a", policy(resolver))
    assert fetched.body == PAGE
    assert seen == [("/a", f"news.test:{port}")]
    assert resolver.calls == ["news.test"]


def test_a_name_with_any_private_address_is_refused():
    resolver = MappedResolver({"mixed.test": ["127.0.0.1", "10.0.0.7"]})
    with http_server({"/a": respond(200, PAGE)}) as base:
        port = base.rsplit(":", 1)[1]
        with pytest.raises(BlockedAddress, match=r"10\.0\.0\.7: private"):
            fetch(f"http://mixed.test:{port}/a", policy(resolver))


@pytest.mark.parametrize(("target", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://internal.test:{port}/secret", "private"),
    ("http://[::ffff:10.0.0.1]:{port}/secret", "private"),
    ("http://127.0.0.2:{port}/secret", "loopback"),
])
def test_redirect_to_a_private_address_is_refused_even_when_the_first_hop_is_allowed(target, reason):
    seen: list = []
    resolver = MappedResolver({"news.test": ["127.0.0.1"], "internal.test": ["10.20.30.40"]})
    routes = {"/secret": recording(respond(200, PAGE), seen)}
    with http_server(routes) as base:
        port = base.rsplit(":", 1)[1]
        routes["/story"] = recording(respond(302, b"", headers={"Location": target.format(port=port)}), seen)
        with pytest.raises(BlockedAddress, match=reason) as caught:
            fetch(f"http://news.test:{port}/story", policy(resolver))
    assert seen == [("/story", f"news.test:{port}")]  # the private target was never contacted
    assert str(caught.value).startswith(f"http://news.test:{port}/story: ")


def test_too_many_redirects_stop():
    seen: list = []
    with http_server({"/loop": recording(respond(302, b"", headers={"Location": "/loop"}), seen)}) as base:
        with pytest.raises(FetchError, match="redirected more than 3 times"):
            fetch(f"{base}/loop", policy(max_redirects=3))
    assert len(seen) == 4


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "application/x-sh"])
def test_only_article_content_types_are_accepted(content_type):
    with http_server({"/f": respond(200, b"\x00\x01binary", content_type)}) as base:
        with pytest.raises(FetchError, match=f"'{content_type}', not an article"):
            fetch(f"{base}/f", policy())


def test_a_declared_oversize_body_is_refused_before_reading():
    with http_server({"/big": respond(200, b"x" * 5000)}) as base:
        with pytest.raises(SourceTooLarge, match="larger than the 0.001 MB limit"):
            fetch(f"{base}/big", policy(max_bytes=1000))


def _undeclared(total: int, piece: bytes = b"<p>filler text</p>" * 64):
    """A body with no Content-Length (ends when the connection closes), so only streaming can cap it."""
    def handler(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        sent = 0
        try:
            while sent < total:
                h.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass  # the client hung up at the cap: that is the point
    return handler


def test_an_undeclared_oversize_body_is_aborted_while_streaming():
    with http_server({"/big": _undeclared(5_000_000)}) as base:
        with pytest.raises(SourceTooLarge, match="larger than the 0.1 MB limit"):
            fetch(f"{base}/big", policy(max_bytes=100_000))


def test_a_gzip_bomb_is_capped_by_its_decompressed_size():
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    with http_server({"/bomb": respond(200, bomb, headers={"Content-Encoding": "gzip"})}) as base:
        with pytest.raises(SourceTooLarge, match="limit after decompression"):
            fetch(f"{base}/bomb", policy(max_bytes=1_000_000))


def test_a_small_gzip_page_is_decoded():
    with http_server({"/z": respond(200, gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})}) as base:
        assert fetch(f"{base}/z", policy()).body == PAGE


def test_unknown_content_encodings_are_refused():
    with http_server({"/z": respond(200, b"xx", headers={"Content-Encoding": "br"})}) as base:
        with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
            fetch(f"{base}/z", policy())


def _drip(h):
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(40):
            h.wfile.write(b"<p>x</p>")
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def _silent(h):
    time.sleep(1.5)
    try:
        respond(200, PAGE)(h)
    except OSError:
        pass


def test_a_server_that_drips_bytes_hits_the_total_time_limit():
    with http_server({"/slow": _drip}) as base:
        with pytest.raises(FetchError, match="took longer than 0.5 s in total"):
            fetch(f"{base}/slow", policy(timeout_s=2, total_timeout_s=0.5))


def test_a_server_that_does_not_answer_times_out():
    with http_server({"/slow": _silent}) as base:
        with pytest.raises(FetchError, match="timed out after 0.3 s"):
            fetch(f"{base}/slow", policy(timeout_s=0.3))


@pytest.mark.parametrize(("url", "phrase"), [
    ("file:///etc/passwd", "only http and https URLs can be ingested, not 'file'"),
    ("ftp://example.com/a", "not 'ftp'"),
    ("gopher://127.0.0.1:70/", "not 'gopher'"),
    ("javascript:alert(1)", "not 'javascript'"),
    ("http:///nohost", "has no host name"),
    ("http://user:pw@127.0.0.1/", "user name or password"),
])
def test_only_plain_http_urls_are_tried(url, phrase):
    with pytest.raises(FetchError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        fetch(url, FetchPolicy())


def test_settings_reach_the_fetcher_and_bad_networks_are_refused(tmp_path, embedder):
    """`fetch_trusted_networks` and `fetch_max_redirects` from Settings govern a library ingest."""
    from pydantic import ValidationError

    from bot.library import Citebot
    from tests.conftest import make_settings

    with pytest.raises(ValidationError, match="'intranet' is not an IP network"):
        make_settings(tmp_path, fetch_trusted_networks=["intranet"])
    bot = Citebot(make_settings(tmp_path, fetch_trusted_networks=["127.0.0.1/32"], fetch_max_redirects=1), embedder=embedder)
    routes = {"/hop": respond(302, b"", headers={"Location": "http://127.0.0.2/x"}),
              "/twice": respond(302, b"", headers={"Location": "/hop"})}
    with http_server(routes) as base:
        report = bot.ingest([f"{base}/hop", f"{base}/twice"])
    first, second = (i.error for i in report.items)
    assert "127.0.0.2: loopback" in first
    assert "redirected more than 1 times" in second
    assert bot.sources() == []


@pytest.fixture
def news_test_cert(tmp_path):
    """A self-signed certificate for 'news.test', made with the openssl command line tool."""
    import subprocess

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=news.test", "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def test_tls_to_a_pinned_address_still_uses_the_host_name_for_sni_and_verification(news_test_cert):
    """The socket goes to 127.0.0.1, but TLS names 'news.test' (SNI) and verifies the certificate for it:
    a self-signed certificate is rejected, so pinning does not weaken TLS."""
    import http.server
    import ssl
    import threading

    server_names: list = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*news_test_cert)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        resolver = MappedResolver({"news.test": ["127.0.0.1"]})
        with pytest.raises(FetchError, match="TLS certificate that could not be verified"):
            fetch(f"https://news.test:{server.server_address[1]}/a", policy(resolver))
    finally:
        server.shutdown()
        server.server_close()
    assert server_names == ["news.test"]
    assert resolver.calls == ["news.test"]


@pytest.mark.parametrize("host", ["localhost", "[::1]", "0.0.0.0", "127.1", "2130706433", "0x7f.0.0.1", "[::ffff:127.0.0.1]", "LocalHost"])
def test_every_spelling_of_loopback_is_refused_without_a_request(host):
    seen: list = []
    with http_server({"/a": recording(respond(200, PAGE), seen)}) as base:
        port = base.rsplit(":", 1)[1]
        with pytest.raises(BlockedAddress, match="loopback|unspecified"):
            fetch(f"http://{host}:{port}/a", FetchPolicy())
    assert seen == []

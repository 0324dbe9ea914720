"""Download an article over http(s), refusing addresses a moderator should never reach (SSRF).

A bot that fetches URLs typed by people can be pointed at the machine it runs on (admin ports,
the cloud metadata service at 169.254.169.254, the Chroma server) unless every connection is
checked. How citebot does it:

* Only ``http``/``https`` URLs; redirects are followed by hand (at most `max_redirects`), and every
  hop goes through the same checks.
* **The check happens where the socket is opened.** httpx's transport is given a custom httpcore
  network backend (`_PinnedBackend`) whose ``connect_tcp`` resolves the host name once through a
  `Resolver`, asks `ingest.addresses.blocked_reason` about *every* address returned, and then
  connects to the exact IP it checked. There is no second DNS lookup for an attacker to answer
  differently (DNS rebinding). httpcore still sends the original ``Host`` header and does TLS with
  the host name as SNI and for certificate verification, because those come from the URL, not
  from the socket address.
* Bodies are streamed raw and decoded by us (gzip/deflate with ``max_length``), so both the bytes on
  the wire and the *decompressed* bytes stop at `max_bytes`: a gzip bomb costs at most the cap.
* A total deadline (`total_timeout_s`) covers all hops and a server that drips one byte a second;
  `timeout_s` bounds each connect/read. Only HTML, plain text and PDF content types are accepted.

The resolver is an object passed in, so tests can point a made-up host name at a loopback server
and prove the pinned connection without touching real DNS.
"""

from __future__ import annotations

import socket
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ingest.addresses import IPNetwork, blocked_reason
from ingest.errors import FetchError, SourceTooLarge
from ingest.feeds import FEED_CONTENT_TYPES

USER_AGENT = "citebot/0.1 (+https://github.com/citebot/citebot)"
ALLOWED_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/pdf") + FEED_CONTENT_TYPES


class Resolver(Protocol):
    """Turns a host name into IP address strings (tests pass their own)."""

    def resolve(self, host: str, port: int) -> list[str]: ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), used once per connection."""

    def resolve(self, host: str, port: int) -> list[str]:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one download; the defaults suit news articles."""

    max_bytes: int = 10 * 1024 * 1024
    timeout_s: float = 15.0  # each connect / read
    total_timeout_s: float = 60.0  # the whole download, all redirect hops included
    max_redirects: int = 5
    allow_private: bool = False  # only for tests against a loopback server: disables the address check
    trusted_networks: tuple[IPNetwork, ...] = ()  # explicit exceptions to the address check
    resolver: Resolver = field(default_factory=SystemResolver, compare=False)


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    content_type: str
    body: bytes
    status: int = 200  # 304 = not modified since the validators sent (`headers=` of `fetch`); body is empty
    etag: str = ""  # the response's validators, for the next conditional request (watched feeds)
    last_modified: str = ""


class BlockedAddress(FetchError):
    """The host resolved to an address citebot refuses to connect to."""


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def checked_addresses(host: str, port: int, policy: FetchPolicy) -> list[str]:
    """Resolve `host` once and return its addresses, refusing if *any* of them is non-public.

    Refusing on any (rather than picking a good one) stops a name that lists a public and a
    private address from sneaking through on a retry.
    """
    host = host.strip("[]")
    try:
        addresses = policy.resolver.resolve(host, port)
    except (OSError, UnicodeError):
        raise FetchError(f"host name '{host}' could not be resolved; check the URL or your network") from None
    if not addresses:
        raise FetchError(f"host name '{host}' has no addresses")
    if not policy.allow_private:
        for address in addresses:
            reason = blocked_reason(address, trusted_networks=policy.trusted_networks)
            if reason:
                raise BlockedAddress(
                    f"'{host}' points to a private or local network address ({address}: {reason}), "
                    "which citebot refuses to fetch"
                )
    return addresses


class _PinnedBackend(httpcore.NetworkBackend):
    """An httpcore backend that connects only to addresses it has just resolved and checked."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error: Exception | None = None
        for address in checked_addresses(host, port, self._policy):
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                last_error = err
        assert last_error is not None
        raise last_error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise FetchError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool built on `_PinnedBackend`.

    httpx has no public argument for a network backend, so the pool is rebuilt with the same
    settings httpx would use; everything else (request mapping, error mapping) is httpx's.
    """

    def __init__(self, policy: FetchPolicy) -> None:
        super().__init__(trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=4,
            max_keepalive_connections=2,
            network_backend=_PinnedBackend(policy),
        )


def check_url(url: str) -> tuple[str, str]:
    """Refuse anything but http(s) URLs with a host; returns (scheme, host)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be ingested, not '{parts.scheme or 'none'}'", source=url)
    if not parts.hostname:
        raise FetchError("has no host name", source=url)
    if parts.username or parts.password:
        raise FetchError("contains a user name or password; remove them from the URL", source=url)
    return parts.scheme, parts.hostname


def _decoder(encoding: str, source: str):
    """A zlib decompressor for the response's Content-Encoding (None = identity)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(wbits=47)  # 32 + 15: accept gzip or zlib headers
    raise FetchError(f"uses the unsupported content encoding '{encoding}'", source=source)


def _bounded_body(raw: Iterator[bytes], encoding: str, limit: int, deadline: float, policy: FetchPolicy, source: str) -> bytes:
    """Collect the (decompressed) body, aborting past `limit` bytes or the deadline."""
    decoder = _decoder(encoding, source)
    body = bytearray()

    def add(piece: bytes, compressed: bool) -> None:
        body.extend(piece)
        if len(body) > limit:
            extra = " after decompression" if compressed else ""
            raise SourceTooLarge(f"is larger than the {_mb(limit)} limit{extra}", source=source)

    try:
        for chunk in raw:
            if time.monotonic() > deadline:
                raise FetchError(f"took longer than {policy.total_timeout_s:g} s in total; try again later", source=source)
            if decoder is None:
                add(chunk, False)
                continue
            data = chunk
            while data:
                add(decoder.decompress(data, limit - len(body) + 1), True)
                data = decoder.unconsumed_tail
        if decoder is not None:
            add(decoder.flush(), True)
    except zlib.error:
        raise FetchError("sent a corrupt compressed body", source=source) from None
    return bytes(body)


def fetch(url: str, policy: FetchPolicy | None = None, *, headers: dict[str, str] | None = None) -> Fetched:
    """GET `url`, checking every redirect hop's address at connect time and capping the body.

    `headers` adds request headers: a watched feed sends its validators back (If-None-Match,
    If-Modified-Since) and gets a `Fetched` with status 304 and no body when nothing changed.
    """
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.total_timeout_s
    timeout = httpx.Timeout(min(policy.timeout_s, policy.total_timeout_s))
    current = url
    headers = {**(headers or {}), "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    with httpx.Client(transport=_PinnedTransport(policy), timeout=timeout, follow_redirects=False,
                      headers=headers, trust_env=False) as client:
        for _hop in range(policy.max_redirects + 1):
            check_url(current)
            if time.monotonic() > deadline:
                break
            try:
                with client.stream("GET", current) as response:
                    if response.has_redirect_location:  # a 304 is 3xx too, but not a redirect
                        current = urljoin(current, response.headers.get("location", ""))
                        continue
                    return _read_response(response, url, deadline, policy)
            except BlockedAddress as err:
                raise BlockedAddress(str(err), source=url) from None
            except FetchError as err:
                if err.source is None:
                    raise FetchError(str(err), source=url) from None
                raise
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {policy.timeout_s:g} s; try again later", source=url) from None
            except httpx.HTTPError as err:
                if "CERTIFICATE_VERIFY_FAILED" in str(err):
                    raise FetchError("has a TLS certificate that could not be verified for its host name", source=url) from None
                raise FetchError(f"could not be fetched ({type(err).__name__}); check the URL", source=url) from None
        else:
            raise FetchError(f"redirected more than {policy.max_redirects} times", source=url)
    raise FetchError(f"took longer than {policy.total_timeout_s:g} s in total; try again later", source=url)


def _read_response(response: httpx.Response, url: str, deadline: float, policy: FetchPolicy) -> Fetched:
    validators = {"etag": response.headers.get("etag", ""), "last_modified": response.headers.get("last-modified", "")}
    if response.status_code == 304:
        return Fetched(str(response.url), "", b"", status=304, **validators)
    if response.status_code >= 400:
        raise FetchError(f"the server answered HTTP {response.status_code}", source=url)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in ALLOWED_CONTENT_TYPES:
        raise FetchError(f"is '{content_type}', not an article (HTML, text or PDF)", source=url)
    try:
        declared = int(response.headers.get("content-length") or 0)
    except ValueError:
        declared = 0
    if declared > policy.max_bytes:
        raise SourceTooLarge(f"is larger than the {_mb(policy.max_bytes)} limit", source=url)
    body = _bounded_body(
        response.iter_raw(), response.headers.get("content-encoding", ""), policy.max_bytes, deadline, policy, url
    )
    return Fetched(str(response.url), content_type or "text/html", body, status=response.status_code, **validators)

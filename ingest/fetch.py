"""Download an article over http(s), refusing addresses a moderator should never reach.

A bot that fetches URLs typed by people is an SSRF risk: every hop's host is resolved and
must be a public address unless loopback is explicitly allowed (tests only). Redirects are
followed by hand so each hop is checked; bodies are streamed and cut at a size cap.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.errors import FetchError, SourceTooLarge

USER_AGENT = "citebot/0.1 (+https://github.com/citebot/citebot)"
ALLOWED_CONTENT_TYPES = (
    "text/html", "application/xhtml+xml", "text/plain", "application/pdf",
    "application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
)


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one download; the defaults suit news articles."""

    max_bytes: int = 10 * 1024 * 1024
    timeout_s: float = 15.0
    max_redirects: int = 5
    allow_private: bool = False  # only for tests against a loopback server


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    content_type: str
    body: bytes


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, policy: FetchPolicy) -> None:
    """Refuse non-http(s) URLs and hosts that resolve to non-public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be ingested, not '{parts.scheme or 'none'}'", source=url)
    if not parts.hostname:
        raise FetchError("has no host name", source=url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise FetchError("host name could not be resolved; check the URL or your network", source=url) from None
    if policy.allow_private:
        return
    for info in infos:
        if not _address_is_public(info[4][0]):
            raise FetchError(
                "points to a private or local network address, which citebot refuses to fetch",
                source=url,
            )


def fetch(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """GET `url`, checking every redirect hop and capping the body size."""
    policy = policy or FetchPolicy()
    current = url
    with httpx.Client(
        timeout=policy.timeout_s, follow_redirects=False, headers={"User-Agent": USER_AGENT}, trust_env=False
    ) as client:
        for _hop in range(policy.max_redirects + 1):
            check_url(current, policy)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"the server answered HTTP {response.status_code}", source=url)
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if content_type and content_type not in ALLOWED_CONTENT_TYPES:
                        raise FetchError(f"is '{content_type}', not an article (HTML, text or PDF)", source=url)
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > policy.max_bytes:
                        raise SourceTooLarge(f"is larger than the {policy.max_bytes // 1_000_000} MB limit", source=url)
                    body = bytearray()
                    for piece in response.iter_bytes():
                        body.extend(piece)
                        if len(body) > policy.max_bytes:
                            raise SourceTooLarge(
                                f"is larger than the {policy.max_bytes // 1_000_000} MB limit", source=url
                            )
                    return Fetched(str(response.url), content_type or "text/html", bytes(body))
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {policy.timeout_s:g} s; try again later", source=url) from None
            except httpx.HTTPError as err:
                raise FetchError(f"could not be fetched ({type(err).__name__}); check the URL", source=url) from None
    raise FetchError(f"redirected more than {policy.max_redirects} times", source=url)

"""The source registry: which domains moderators trust, and what ingestion may do with the rest.

"Verified" means a person vouched for the outlet. A domain is `verified` (a primary source the
moderators stand behind), `context` (useful background, shown but ranked after verified sources)
or `blocked` (never ingested, never quoted). A domain nobody has rated is `unknown`; whether its
articles may be ingested is the operator's choice (`unknown_domains` = allow | confirm | refuse).

An entry for `example.org` also covers `news.example.org`; the most specific entry wins, so a
moderator can block one subdomain of an otherwise verified outlet. Articles with no URL (a local
file without a front-matter `url`) have no domain to vouch for and are treated as unknown.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import BotError
from ingest.errors import IngestError
from vectorstore.records import TrustEntry

TIERS = ("verified", "context", "blocked")
UNKNOWN = "unknown"
# Lower ranks are shown first: a verified outlet's account before background reporting.
TIER_RANK = {"verified": 0, "context": 1, UNKNOWN: 2, "blocked": 3}

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class BadDomain(BotError):
    """The moderator typed something that is not a domain name or URL."""


class UntrustedSource(IngestError):
    """Ingestion refused by the source registry (blocked domain, or unknown domain by policy)."""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def normalise_domain(value: str) -> str:
    """'https://WWW.Example.org/x' -> 'example.org'; raise `BadDomain` for anything else.

    Moderators paste URLs as often as domains, so both are accepted. `www.` is dropped because
    outlets serve the same articles with and without it.
    """
    raw = (value or "").strip()
    host = urlsplit(raw if "://" in raw else f"//{raw}").hostname or ""
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if _is_ip(host):
        return host
    labels = host.split(".")
    if not host or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise BadDomain(f"'{value}' is not a domain name; give one like news.example.org (or a URL on it)")
    return host


def domain_of(url: str) -> str:
    """The domain of an article's URL, or "" when it has none (or it is not a web URL)."""
    if not url or "://" not in url:
        return ""
    try:
        return normalise_domain(url)
    except BadDomain:
        return ""


@dataclass(frozen=True)
class Registry:
    """A snapshot of one scope's trust entries, read once per ingest or question."""

    entries: dict[str, TrustEntry]

    @classmethod
    def of(cls, entries: list[TrustEntry]) -> Registry:
        return cls({e.domain: e for e in entries})

    def entry_for(self, domain: str) -> TrustEntry | None:
        """The most specific entry covering `domain` (itself, then each parent domain)."""
        if not domain:
            return None
        labels = [domain] if _is_ip(domain) else domain.split(".")
        for i in range(len(labels) - 1):
            found = self.entries.get(".".join(labels[i:]))
            if found is not None:
                return found
        return self.entries.get(domain)

    def tier_for_url(self, url: str) -> str:
        entry = self.entry_for(domain_of(url))
        return entry.tier if entry else UNKNOWN

    def refusal(self, url: str, *, policy: str, allow_unknown: bool) -> str:
        """Why an article at `url` may not be ingested, as one readable line ("" = it may)."""
        domain = domain_of(url)
        entry = self.entry_for(domain)
        if entry is not None:
            if entry.tier == "blocked":
                covered = "" if entry.domain == domain else f" (via {entry.domain})"
                return f"{domain}{covered} is blocked by the moderators' source registry; not ingested"
            return ""
        if allow_unknown or policy == "allow":
            return ""
        what = f"{domain} is not in the source registry" if domain else "has no URL, so its outlet cannot be checked against the source registry"
        fix = f"a moderator can vouch for it with 'citebot trust {domain or 'DOMAIN'} verified'"
        if policy == "confirm":
            return f"{what}; re-run with --allow-unknown to ingest it anyway, or {fix}"
        return f"{what} and unknown domains are refused (unknown_domains = refuse); {fix}"

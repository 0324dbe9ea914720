"""The source registry: which articles are stored, which domains are trusted, who changed what.

Moderators list, find and remove articles and set domains' trust tiers here; every change is
written to the audit log with who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.engine.trust import TIERS, UNKNOWN, Registry, normalise_domain
from bot.errors import BotError, SourceNotKnown
from bot.library.parts import Parts
from vectorstore.records import AuditEntry, DocumentRecord, TrustEntry


def now_iso() -> str:
    """The audit log's timestamp: real UTC time, to the microsecond."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


class Sources:
    """Stored articles, trust tiers and the audit log of one store."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    @property
    def settings(self):
        return self._parts.settings

    @property
    def store(self):
        return self._parts.store

    def _scope(self, scope: str | None) -> str:
        return scope if scope is not None else self.settings.scope

    def sources(self, scope: str | None = None) -> list[DocumentRecord]:
        return self.store.list_documents(self._scope(scope))

    def find_sources(self, needle: str, scope: str | None = None) -> list[DocumentRecord]:
        """Match a document id, URL, origin path, or (case-insensitive) title fragment."""
        needle = needle.strip()
        records = self.sources(scope)
        exact = [r for r in records if needle in (r.document_id, r.url, r.origin)]
        if exact:
            return exact
        lowered = needle.lower()
        return [r for r in records if lowered and lowered in r.title.lower()]

    def remove(
        self, needle: str, *, actor: str | None = None, scope: str | None = None, listing: str = "'citebot sources'"
    ) -> DocumentRecord:
        """Remove the one source `needle` names; `listing` is how this user lists sources (the CLI
        command, Discord's /sources), named when nothing matches."""
        scope = self._scope(scope)
        matches = self.find_sources(needle, scope)
        if not matches:
            raise SourceNotKnown(f"no ingested source matches '{needle}'; see {listing}")
        if len(matches) > 1:
            names = "; ".join(f"{m.document_id} ({m.title[:40]})" for m in matches[:5])
            raise SourceNotKnown(f"'{needle}' matches {len(matches)} sources; use a document id: {names}")
        record = matches[0]
        self.store.remove_document(scope, record.document_id)
        self.store.record_audit(AuditEntry(
            at=now_iso(), actor=actor or self.settings.ingested_by, action="remove", scope=scope,
            document_id=record.document_id, title=record.title, content_hash=record.content_hash,
        ))
        return record

    def audit(self, scope: str | None = None, limit: int = 20) -> list[AuditEntry]:
        return self.store.audit_log(self._scope(scope), limit)

    # -- trusted domains (bot/engine/trust.py) ----------------------------------------------
    def registry(self, scope: str | None = None) -> Registry:
        return Registry.of(self.store.list_trust(self._scope(scope)))

    def trust_entries(self, scope: str | None = None) -> list[TrustEntry]:
        return self.store.list_trust(self._scope(scope))

    def set_trust(
        self, domain: str, tier: str, *, outlet: str = "", actor: str | None = None, scope: str | None = None,
    ) -> tuple[TrustEntry | None, TrustEntry | None]:
        """Set (or with tier 'unknown', forget) a domain's tier; logged in the audit trail.

        Returns (previous entry, new entry). A change applies at once: blocking a domain hides
        its already-ingested articles from answers, and later ingests follow the new tier.
        """
        scope, actor = self._scope(scope), actor or self.settings.ingested_by
        domain = normalise_domain(domain)
        if tier not in TIERS + (UNKNOWN,):
            raise BotError(f"'{tier}' is not a trust tier; use one of {', '.join(TIERS)} (or {UNKNOWN} to forget the domain)")
        at = now_iso()  # real time, like every audit entry (the injectable clock is for freshness notes)
        if tier == UNKNOWN:
            previous, entry = self.store.remove_trust(scope, domain), None
        else:
            entry = TrustEntry(scope=scope, domain=domain, tier=tier, outlet=outlet, set_by=actor, set_at=at)
            previous = self.store.set_trust(entry)
        self.store.record_audit(AuditEntry(
            at=at, actor=actor, action="trust", scope=scope, document_id=f"domain:{domain}", title=domain,
            detail=f"{previous.tier if previous else UNKNOWN} -> {tier}" + (f" ({outlet})" if outlet else ""),
        ))
        return previous, entry

    def source_tiers(self, records: Iterable[DocumentRecord], scope: str | None = None) -> dict[str, str]:
        """Each listed article's current tier (looked up live, so a moderator's change shows at once)."""
        registry = self.registry(scope)
        return {r.document_id: registry.tier_for_url(r.url) for r in records}

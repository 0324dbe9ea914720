"""The source registry: which articles are stored, which domains are trusted, who changed what.

Moderators list, find, show, correct and remove articles and set domains' trust tiers here;
every change is written to the audit log with who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from bot.engine.trust import TIERS, UNKNOWN, Registry, normalise_domain
from bot.errors import BotError, SourceNotKnown
from bot.library.parts import OnParts
from bot.library.records_view import EDITABLE, Edit, SourceView, assemble
from vectorstore.records import CITATION_FIELDS, AuditEntry, DocumentRecord, TrustEntry


def now_iso() -> str:
    """The audit log's timestamp: real UTC time, to the microsecond."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def checked_field(name: str, value: str) -> str:
    """An `edit` value as stored: one line; a real date for published, an http(s) URL for url."""
    value = " ".join(str(value).split())
    if name == "title" and not value:
        raise BotError("a source needs a title; give the corrected one")
    if name == "published" and value:
        try:
            has_time = "T" in value or " " in value
            parsed = dt.datetime.fromisoformat(value) if has_time else dt.date.fromisoformat(value)
        except ValueError:
            raise BotError(f"'{value}' is not a date like 2024-03-25 (or an ISO date and time)") from None
        value = parsed.isoformat()
    if name == "url" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BotError(f"'{value}' is not an http(s) address; give the article's web address")
    return value


class Sources(OnParts):
    """Stored articles, trust tiers and the audit log of one store."""

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

    def resolve(self, needle: str, scope: str | None = None, listing: str = "'citebot sources'") -> DocumentRecord:
        """The one source `needle` names (document id, URL, path, title fragment); `listing` is how
        this user lists sources (the CLI command, Discord's /sources), named when nothing matches."""
        matches = self.find_sources(needle, scope)
        if not matches:
            raise SourceNotKnown(f"no ingested source matches '{needle}'; see {listing}")
        if len(matches) > 1:
            names = "; ".join(f"{m.document_id} ({m.title[:40]})" for m in matches[:5])
            raise SourceNotKnown(f"'{needle}' matches {len(matches)} sources; use a document id: {names}")
        return matches[0]

    def remove(
        self, needle: str, *, actor: str | None = None, scope: str | None = None, listing: str = "'citebot sources'"
    ) -> DocumentRecord:
        """Remove the one source `needle` names."""
        scope = self._scope(scope)
        record = self.resolve(needle, scope, listing)
        self.store.remove_document(scope, record.document_id)
        self.store.record_audit(AuditEntry(
            at=now_iso(), actor=actor or self.settings.ingested_by, action="remove", scope=scope,
            document_id=record.document_id, title=record.title, content_hash=record.content_hash,
        ))
        return record

    # -- seeing and correcting what is stored (bot/library/records_view.py) -------------------
    def show(self, needle: str, *, scope: str | None = None, listing: str = "'citebot sources'") -> SourceView:
        """The stored article `needle` names: metadata, tier, cleaned text and its sentences."""
        scope = self._scope(scope)
        record = self.resolve(needle, scope, listing)
        chunks = [
            (text, meta) for _, text, meta in self.store.iter_chunks(scope, document_ids=[record.document_id])
            if meta.get("content_hash") == record.content_hash
        ]
        text, sentences, roles_stored = assemble(chunks)
        tier = self.registry(scope).tier_for_url(record.url)
        return SourceView(record, tier, text, sentences, roles_stored)

    def edit(
        self, needle: str, *, actor: str | None = None, scope: str | None = None, listing: str = "'citebot sources'",
        **fields: str | None,
    ) -> Edit:
        """Correct the citation metadata (`EDITABLE`: title, outlet, author, published, url) of the
        source `needle` names, without re-embedding it; audited as "edit" with each old -> new.

        A field left None stays; "" clears it (not the title). Setting fields to what they are
        already changes and audits nothing (`Edit.changes` is empty).
        """
        scope, actor = self._scope(scope), actor or self.settings.ingested_by
        unknown = sorted(set(fields) - set(EDITABLE))
        if unknown:
            raise TypeError(f"edit() got fields it cannot change: {', '.join(unknown)}")
        wanted = {EDITABLE[name]: checked_field(name, value) for name, value in fields.items() if value is not None}
        if not wanted:
            raise BotError("nothing to change: give a new title, outlet, author, published date or URL")
        record = self.resolve(needle, scope, listing)
        if all(getattr(record, f) == v for f, v in wanted.items()):
            return Edit(record, record, [])
        result = self.store.update_metadata(scope, record.document_id, **wanted)
        if result is None:  # removed by someone else since it was found
            raise SourceNotKnown(f"'{needle}' was removed meanwhile; see {listing}")
        before, after = result  # as the store had it under its write lock, not as it was found
        changes = [(f, getattr(before, f), getattr(after, f)) for f in CITATION_FIELDS if getattr(before, f) != getattr(after, f)]
        edit = Edit(before, after, changes)
        if changes:
            # no content hash: the text did not change, and the log line then shows `detail`
            self.store.record_audit(AuditEntry(
                at=now_iso(), actor=actor, action="edit", scope=scope, document_id=record.document_id,
                title=after.title, detail=edit.detail(),
            ))
        return edit

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

"""`citebot trust`: moderators rate outlets' domains (verified / context / blocked).

Registered at the bottom of bot/cli.py. Parsing and printing only; the rules live in bot/trust.py
and the library (`Citebot.set_trust`, `Citebot.trust_entries`).
"""

from __future__ import annotations

import click

from bot.engine.trust import TIERS, UNKNOWN


@click.command("trust")
@click.argument("domain", required=False)
@click.argument("tier", required=False, type=click.Choice(TIERS + (UNKNOWN,)))
@click.option("--outlet", default="", help="The outlet's name, recorded with the entry (e.g. 'Harbor Wire').")
@click.option("--scope", default=None, help="Source set whose registry to read or change (default: the configured scope).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the entries (listing) or the change made.")
@click.pass_context
def trust_command(ctx: click.Context, domain: str | None, tier: str | None, outlet: str, scope: str | None, as_json: bool) -> None:
    """Show or set the trust tier of an outlet's DOMAIN (a domain or any URL on it).

    \b
    citebot trust                          list the source registry
    citebot trust news.example.org         show the tier that applies to a domain
    citebot trust news.example.org verified
    citebot trust spam.example.net blocked
    citebot trust news.example.org unknown  forget the entry

    Tiers: verified (ranked first), context (background), blocked (never ingested or quoted).
    A domain entry covers its subdomains; the most specific entry wins. Changes are audited.
    Unknown domains follow the `unknown_domains` setting (allow | confirm | refuse).
    """
    from bot.cli.common import emit_json, library
    from bot.engine.trust import normalise_domain

    bot = library(ctx)
    if domain is None:
        entries = bot.trust_entries(scope)
        if as_json:
            emit_json({"unknown_domains": bot.settings.unknown_domains, "entries": [e.to_dict() for e in entries]})
            return
        for e in entries:
            click.echo(f"{e.domain:<40} {e.tier:<9} {e.outlet or '-':<24} set by {e.set_by} {e.set_at[:19]}")
        click.echo(f"{len(entries)} domains; unknown domains: {bot.settings.unknown_domains}.")
        return
    if tier is None:
        name = normalise_domain(domain)
        entry = bot.registry(scope).entry_for(name)
        if as_json:
            emit_json({"domain": name, "tier": entry.tier if entry else UNKNOWN, "entry": entry.to_dict() if entry else None})
        else:
            via = f" (entry for {entry.domain})" if entry and entry.domain != name else ""
            click.echo(f"{name}: {entry.tier if entry else UNKNOWN}{via}")
        return
    previous, entry = bot.set_trust(domain, tier, outlet=outlet, scope=scope)
    name = normalise_domain(domain)
    before = previous.tier if previous else UNKNOWN
    if as_json:
        emit_json({"domain": name, "previous": before, "tier": tier, "entry": entry.to_dict() if entry else None})
    else:
        click.echo(f"{name}: {before} -> {tier}.")

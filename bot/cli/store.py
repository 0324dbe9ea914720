"""`citebot export` / `citebot import`: move a store between embedded Chroma and a server.

Parsing and rendering only; the work is in `vectorstore.transfer`. Neither command loads the
embedding model: vectors travel in the file.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.pass_context
def export_command(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Write the whole store (chunks with vectors, sources, audit log) to FILE as JSONL.

    Import it elsewhere with 'citebot import FILE' (e.g. from the embedded store into a Chroma
    server) without re-embedding anything. Run it while no ingest is running.
    """
    from bot.cli.common import emit_json, library
    from vectorstore.transfer import export_store

    bot = library(ctx)
    partial = file.with_name(file.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            counts = export_store(bot.store, out, embedding_model=bot.settings.embedding_model)
        partial.replace(file)  # never leave a torn file under the requested name
    except OSError as err:
        raise click.ClickException(f"cannot write {file}: {err.strerror or err}") from None
    finally:
        partial.unlink(missing_ok=True)
    if as_json:
        emit_json({"file": str(file), **counts.to_dict()})
    else:
        click.echo(f"Exported {counts.documents} sources, {counts.chunks} chunks, {counts.audit} audit entries to {file}"
                   + (f" (skipped {counts.skipped_orphans} orphaned chunks)." if counts.skipped_orphans else "."))


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.pass_context
def import_command(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Load FILE (from 'citebot export') into the configured store, keeping ids and vectors.

    Sources already present with the same id are replaced by the imported version; importing
    the same file twice changes nothing.
    """
    from bot.cli.common import emit_json, library
    from vectorstore.transfer import import_store

    bot = library(ctx)
    try:
        with file.open(encoding="utf-8") as lines:
            counts = import_store(bot.store, lines, embedding_model=bot.settings.embedding_model, source=str(file))
    except OSError as err:
        raise click.ClickException(f"cannot read {file}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not a text file; is this a 'citebot export' file?") from None
    if as_json:
        emit_json({"file": str(file), **counts.to_dict()})
    else:
        click.echo(f"Imported {counts.documents} sources, {counts.chunks} chunks, {counts.audit} audit entries from {file}.")

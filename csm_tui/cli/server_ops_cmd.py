"""`csm-tui server list-users` and `csm-tui server backup`: the admin's view and the backup.

Data goes to stdout (the table, the JSON, the pg_dump line); messages go to stderr.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from csm_tui.cli.server_cmd import _engine, _shown, database_option
from csm_tui.cli.terminal import echo, printable
from csm_tui.errors import CsmError


@click.command("list-users")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table to read, or JSON for a script.",
)
@database_option
def list_users(output_format: str, database: str | None) -> None:
    """List the server's users: admin or not, whether their token works, their devices and
    when one of them last synced."""
    from csm_tui.i18n import _
    from csm_tui.server.backup import list_users as users_of

    found = users_of(_engine(database))
    if output_format == "json":
        echo(json.dumps([asdict(user) for user in found], ensure_ascii=False, indent=2))
        return
    if not found:
        echo(_("No users yet: add one with `csm-tui server add-user EMAIL --name NAME`."), err=True)
        return
    header = (_("E-MAIL"), _("NAME"), _("ADMIN"), _("TOKEN"), _("DEVICES"), _("LAST SYNC"))
    rows = [
        (
            printable(user.email),
            printable(user.name),
            _("yes") if user.is_admin else "",
            _("active") if user.has_token else _("revoked"),
            str(user.devices),
            (user.last_seen_at or "")[:16].replace("T", " "),
        )
        for user in found
    ]
    from csm_tui.cli.cells import fit, width

    widths = [max(width(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        echo("  ".join(fit(cell, cells) for cell, cells in zip(row, widths, strict=True)).rstrip())


@click.command("backup")
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The backup file to write (replaced whole once the copy is checked).",
)
@database_option
def backup(target: Path, database: str | None) -> None:
    """Back up the server database while the server runs.

    SQLite: a consistent copy made with SQLite's online backup, checked, then renamed into
    place. PostgreSQL: prints the pg_dump line to run instead (see docs/server.md).
    """
    from csm_tui.i18n import _
    from csm_tui.server.backup import backup_sqlite, pg_dump_command
    from csm_tui.server.db import is_postgres

    engine = _engine(database)
    if is_postgres(engine):
        echo(pg_dump_command(engine, target))
        raise CsmError(
            _(
                "{database} is PostgreSQL: back it up with pg_dump, as printed above (the "
                "password from PGPASSWORD or ~/.pgpass). Nothing was written."
            ).format(database=_shown(engine))
        )
    result = backup_sqlite(engine, target)
    echo(
        _("Backed up {database} to {path} ({size:,} bytes).").format(
            database=_shown(engine), path=result.path, size=result.size
        ),
        err=True,
    )

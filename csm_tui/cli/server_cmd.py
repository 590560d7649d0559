"""`csm-tui server …`: run the team sync server and manage its users and accounts.

Tokens go to stdout alone (so `TOKEN=$(csm-tui server add-user …)` works); every message goes to
stderr. The database URL is never printed with its password.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from csm_tui.cli.lazy import LazyGroup
from csm_tui.cli.terminal import echo, show_data
from csm_tui.errors import CsmError

if TYPE_CHECKING:
    from sqlalchemy import Engine

F = TypeVar("F", bound=Callable[..., Any])
DATABASE_HELP = (
    "The server database: postgresql://USER:PASSWORD@HOST/NAME, or an SQLite file "
    "(default: $CSM_TUI_SERVER_DATABASE, else server.db in the user data folder)."
)


def database_option(func: F) -> F:
    return click.option("--database", "database", metavar="URL", default=None, help=DATABASE_HELP)(
        func
    )


def _engine(database: str | None) -> Engine:
    """The database, made if empty; refused when its schema is older (`server migrate`)."""
    require_server_extra()
    from sqlalchemy.exc import SQLAlchemyError

    from csm_tui.i18n import _
    from csm_tui.server.db import init_database, open_engine
    from csm_tui.server.migrate import OldSchema

    engine = open_engine(database)
    try:
        init_database(engine)
    except OldSchema as exc:
        message = _(
            "The server database {database} has an older schema ({current}; this csm-tui "
            "needs {head}). Back it up, then run: csm-tui server migrate --database {database}"
        )
        raise CsmError(
            message.format(database=_shown(engine), current=exc.current, head=exc.head)
        ) from None
    except SQLAlchemyError as exc:
        raise CsmError(f"Cannot use the database {_shown(engine)}: {_first_line(exc)}") from None
    return engine


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _now() -> str:
    from csm_tui.clock import SystemClock, iso_now

    return iso_now(SystemClock())


def require_server_extra() -> None:
    """Say which extra to install when the server's packages are missing (not a bare
    "No module named 'uvicorn'")."""
    from csm_tui.server.extra import missing_server_packages

    missing = missing_server_packages()
    if missing:
        raise _extra_missing(missing)


def _extra_missing(missing: list[str]) -> CsmError:
    from csm_tui.i18n import _

    message = _(
        "The server needs the `server` extra ({missing} not installed): "
        "pip install 'csm-tui[server]' (pipx: pipx install 'csm-tui[server]'; uv: uv tool "
        "install 'csm-tui[server]')."
    )
    return CsmError(message.format(missing=", ".join(missing)))


class ServerGroup(LazyGroup):
    """Any subcommand that needs a module of the `server` extra that is not installed says
    which extra to install (its --help works without it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as exc:
            from csm_tui.server.extra import EXTRA_MODULES

            top = (exc.name or "").split(".")[0]
            if top in EXTRA_MODULES:
                raise _extra_missing([top]) from None
            raise


@click.group(
    "server",
    cls=ServerGroup,
    lazy={
        "list-users": "csm_tui.cli.server_ops_cmd:list_users",
        "backup": "csm_tui.cli.server_ops_cmd:backup",
        "crm": "csm_tui.cli.server_crm_cmd:server_crm_group",
    },
)
def server_group() -> None:
    """Run the team sync server and manage its users (needs the `server` extra)."""


@server_group.command("run")
@database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8750,
    show_default=True,
    help="The port (0: any free one, shown in the log).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes serving requests (use PostgreSQL for more than one).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="CSM_TUI_SERVER_LOG_FORMAT",
    help="Log lines as text, or as JSON objects (one per line) for a log collector "
    "(default: $CSM_TUI_SERVER_LOG_FORMAT, else text).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    envvar="CSM_TUI_SERVER_LOG_LEVEL",
    help="The least important lines logged (info: one line per request).",
)
@click.option(
    "--crm-every",
    default=None,
    metavar="10m",
    help="Also run the CRM pass (`server crm sync`) now and then every so often (90s, 10m, 1h).",
)
def run(
    database: str | None,
    host: str,
    port: int,
    workers: int,
    log_format: str,
    log_level: str,
    crm_every: str | None,
) -> None:
    """Serve the sync API under /v1 (OpenAPI document at /v1/openapi.json; liveness at
    /v1/health, readiness at /v1/ready)."""
    engine = _engine(database)
    import uvicorn

    from csm_tui.server.db import DATABASE_ENV, normalise_url
    from csm_tui.server.logs import LogFormat, log_config, startup_line

    form: LogFormat = "json" if log_format == "json" else "text"
    where = f"http://{host}:{port}/v1" if port else f"a free port of {host} (see below)"
    echo(startup_line(f"csm-tui server on {where}, database {_shown(engine)}", form), err=True)
    logging: dict[str, Any] = {
        "log_config": log_config(form, log_level),
        "log_level": log_level,
        "access_log": False,  # the server's own access lines replace uvicorn's
    }
    if crm_every is not None:  # one schedule, in this process, whatever the workers
        _crm_schedule(database, crm_every, logging["log_config"])
    if workers == 1:
        from csm_tui.server.app import create_app

        uvicorn.run(create_app(engine=engine), host=host, port=port, **logging)
        return
    engine.dispose()
    os.environ[DATABASE_ENV] = normalise_url(database)
    uvicorn.run(
        "csm_tui.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **logging,
    )


def _crm_schedule(database: str | None, every: str, config: dict[str, Any]) -> None:
    import logging.config

    from csm_tui.cli.server_crm_cmd import parse_every
    from csm_tui.server.crm_pass import start_schedule
    from csm_tui.server.db import open_engine

    seconds = parse_every(every)
    logging.config.dictConfig(config)  # the passes' lines share the server's form from the first
    start_schedule(open_engine(database), seconds)
    echo(f"CRM pass every {every.strip()} (one at a time across the server's processes)", err=True)


@server_group.command("migrate")
@database_option
@click.option(
    "--sql",
    "as_sql",
    is_flag=True,
    help="Print the SQL of the upgrade instead of running it (nothing is changed).",
)
def migrate(database: str | None, as_sql: bool) -> None:
    """Upgrade the server database's schema to this csm-tui's (back it up first).

    One transaction: it is upgraded wholly or not at all. Stop the server (every process)
    before, and start the new version after.
    """
    require_server_extra()
    from sqlalchemy.exc import SQLAlchemyError

    from csm_tui.i18n import _
    from csm_tui.server.db import open_engine
    from csm_tui.server.migrate import migrate as upgrade
    from csm_tui.server.migrate import migration_sql

    engine = open_engine(database)
    try:
        if as_sql:
            show_data(migration_sql(engine))  # SQL as it is, for psql or sqlite3
            return
        before, after = upgrade(engine)
    except SQLAlchemyError as exc:
        raise CsmError(f"Cannot use the database {_shown(engine)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()
    if before == after:
        message = _("The server database {database} is up to date (schema {head}).")
    elif before is None:
        message = _("Created the server database {database} (schema {head}).")
    else:
        message = _("Upgraded the server database {database} from schema {current} to {head}.")
    echo(message.format(database=_shown(engine), current=before, head=after), err=True)


@server_group.command("add-user")
@click.argument("email")
@click.option("--name", required=True, help="The user's name as colleagues see it.")
@click.option("--admin", is_flag=True, help="May change the owners of the accounts they own.")
@database_option
def add_user(email: str, name: str, admin: bool, database: str | None) -> None:
    """Add a user and print their new API token (shown once; the server keeps only a hash)."""
    from csm_tui.server.users import add_user as add

    token = add(_engine(database), email, name, admin=admin, now=_now())
    echo(token)
    echo(f"Added {email.strip().lower()}; give them the token above.", err=True)


@server_group.command("new-token")
@click.argument("email")
@database_option
def new_token(email: str, database: str | None) -> None:
    """Give a user a new API token (the old one stops working)."""
    from csm_tui.server.users import new_user_token

    echo(new_user_token(_engine(database), email, now=_now()))
    echo(f"New token for {email.strip().lower()}; the old one no longer works.", err=True)


@server_group.command("revoke-token")
@click.argument("email")
@database_option
def revoke_token(email: str, database: str | None) -> None:
    """Stop a user's token from working (their devices keep their unsent changes)."""
    from csm_tui.server.users import revoke_token as revoke

    revoke(_engine(database), email)
    echo(f"Revoked the token of {email.strip().lower()}.", err=True)


@server_group.command("import-accounts")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--language",
    type=click.Choice(["en", "ja"]),
    default="en",
    show_default=True,
    help="The language of new accounts' roadmap items.",
)
@database_option
def import_accounts(file: Path, language: str, database: str | None) -> None:
    """Import accounts with their owners from a CSV file.

    The columns of `csm-tui import accounts`, plus primary_owner (an e-mail) and
    secondary_owners (e-mails separated by ";"). Nothing is imported if any row is invalid.
    """
    from datetime import date

    from csm_tui.server.importer import import_accounts as run_import

    result = run_import(_engine(database), file, now=_now(), today=date.today(), language=language)
    for problem in result.problems[:100]:
        echo(problem, err=True)
    if result.problems:
        echo(f"Nothing was imported: {len(result.problems)} problems.", err=True)
        raise SystemExit(1)
    echo(result.describe(), err=True)


@server_group.command("mark-restored")
@database_option
def mark_restored(database: str | None) -> None:
    """After restoring the database from a backup: devices send again what it lost."""
    import uuid

    from sqlalchemy import update

    from csm_tui.server.db import writing
    from csm_tui.server.schema import meta

    engine = _engine(database)
    with writing(engine) as conn:
        conn.execute(update(meta).where(meta.c.key == "epoch").values(value=uuid.uuid4().hex))
    echo(
        "Marked as restored: each device sends its changes again and reloads at its next sync.",
        err=True,
    )

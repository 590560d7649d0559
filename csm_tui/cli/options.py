"""Options shared by every command, and opening the store the way every command does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from csm_tui.paths import resolve_db_path

F = TypeVar("F", bound=Callable[..., Any])

DB_HELP = "The database file (default: $CSM_TUI_DB, else the user data folder)."


def db_option(func: F) -> F:
    """`--db PATH` on a subcommand; it wins over the one given before the subcommand."""
    return db_option_saying(DB_HELP)(func)


def db_option_saying(help_text: str) -> Callable[[F], F]:
    """`--db PATH` with a help text of its own (the demo has another default)."""

    def decorate(func: F) -> F:
        return click.option(
            "--db",
            "db",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=help_text,
        )(func)

    return decorate


def chosen_db(ctx: click.Context, db: Path | None) -> Path:
    if db is None:
        root = ctx.find_root()
        db = root.params.get("db")
    return resolve_db_path(db)


def open_for_command(ctx: click.Context, db: Path | None, *, create: bool = False) -> Any:
    """Open the store for a command; errors become one sentence on stderr (see main).

    Only the commands that start a book (`create`: `import`, `me set`, `account add`, `login`;
    the app and `demo` open theirs themselves) create a missing one, so a mistyped `--db` never
    leaves an empty book behind; and none of them creates a missing folder named by `--db` or
    $CSM_TUI_DB (the default folder is created).
    """
    from csm_tui.store.connection import open_store

    path = chosen_db(ctx, db)
    if not path.exists():
        refuse_missing_book(path, create=create)
    return open_store(path)


def refuse_missing_book(path: Path, *, create: bool) -> None:
    """A book that is not there: refused with how to start one, unless `create` (and then only
    in a folder that exists, or the default one)."""
    from csm_tui.config import load_config
    from csm_tui.errors import CsmError
    from csm_tui.i18n import _, set_language
    from csm_tui.paths import default_db_path

    set_language(load_config().language)  # said in Japanese under [ui] language or a locale
    if not create:
        raise CsmError(
            _(
                "There is no book at {path}. Check --db (or $CSM_TUI_DB); to start one, run "
                "csm-tui (it asks your name), csm-tui me set --name NAME --email EMAIL, "
                "csm-tui import accounts FILE or csm-tui login."
            ).format(path=path)
        )
    if not path.parent.is_dir() and path != default_db_path():
        raise CsmError(
            _(
                "There is no folder {folder} for the book {path}; check --db (or $CSM_TUI_DB), "
                "or create the folder first."
            ).format(folder=path.parent, path=path)
        )


# -o and --lang read the same on every command that writes a report, an export or a brief
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    default=None,
    help="Write to this file (replaced in one step) instead of stdout (- is stdout).",
)


def lang_option(what: str) -> Callable[[F], F]:
    """--lang: the language of `what`, for a mail or a colleague who reads the other one."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "ja"]),
        default=None,
        help=f"Language of the {what} (default: the app's).",
    )


def salesforce_oauth_options(func: F) -> F:
    """`--client-id` and `--grant` of `crm connect` and `server crm connect` (Salesforce OAuth)."""
    func = click.option(
        "--grant",
        type=click.Choice(["refresh-token", "client-credentials"]),
        default="refresh-token",
        show_default=True,
        help="With --client-id: a refresh token, or the Client Credentials Flow (secret only).",
    )(func)
    return click.option(
        "--client-id",
        "client_id",
        default=None,
        metavar="ID",
        help="Salesforce: the connected app's consumer key; the credential is then a refresh "
        "token (CSM_TUI_CRM_TOKEN) and its client secret (CSM_TUI_CRM_CLIENT_SECRET).",
    )(func)

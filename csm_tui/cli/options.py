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


def open_for_command(ctx: click.Context, db: Path | None) -> Any:
    """Open the store for a command; errors become one sentence on stderr (see main)."""
    from csm_tui.store.connection import open_store

    return open_store(chosen_db(ctx, db))


# -o and --lang read the same on every command that writes a report, an export or a brief
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced in one step) instead of stdout.",
)


def lang_option(what: str) -> Callable[[F], F]:
    """--lang: the language of `what`, for a mail or a colleague who reads the other one."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "ja"]),
        default=None,
        help=f"Language of the {what} (default: the app's).",
    )

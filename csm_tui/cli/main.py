"""Entry point: `csm-tui` opens the app; subcommands work on the same database from the shell."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from csm_tui import __version__
from csm_tui.cli.lazy import LazyGroup
from csm_tui.cli.options import DB_HELP
from csm_tui.cli.terminal import echo
from csm_tui.errors import CsmError

SUBCOMMANDS = {
    "demo": "csm_tui.cli.demo_cmd:demo",
    "import": "csm_tui.cli.import_cmd:import_group",
    "log": "csm_tui.cli.log_cmd:log",
    "export": "csm_tui.cli.export_cmd:export_group",
    "checklist": "csm_tui.cli.checklist_cmd:checklist",
    "server": "csm_tui.cli.server_cmd:server_group",
    "crm": "csm_tui.cli.crm_cmd:crm_group",
    "calendar": "csm_tui.cli.calendar_cmd:calendar_group",
    "login": "csm_tui.cli.sync_cmd:login",
    "logout": "csm_tui.cli.sync_cmd:logout",
    "sync": "csm_tui.cli.sync_cmd:sync",
    "status": "csm_tui.cli.sync_cmd:status",
    "handoff": "csm_tui.cli.handoff_cmd:handoff_group",
    "report": "csm_tui.cli.report_cmd:report_group",
    "today": "csm_tui.cli.today_group:today_group",
    "tasks": "csm_tui.cli.tasks_cmd:tasks_group",
    "completion": "csm_tui.cli.completion_cmd:completion",
    "me": "csm_tui.cli.records_cmd:me_group",
    "account": "csm_tui.cli.records_cmd:account_group",
    "contact": "csm_tui.cli.records_cmd:contact_group",
    "renewal": "csm_tui.cli.renewal_cmd:renewal_group",
}


@click.group(
    cls=LazyGroup,
    lazy=SUBCOMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP
)
@click.version_option(__version__, prog_name="csm-tui")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """A keyboard-first terminal app for a Customer Success Manager.

    Without a subcommand, opens the app on your book of business.
    """
    if ctx.invoked_subcommand is None:
        from csm_tui.cli.run_app import run_app
        from csm_tui.paths import resolve_db_path

        run_app(resolve_db_path(db))  # the app shows a settings problem itself
    elif ctx.invoked_subcommand not in ("server", "completion"):
        apply_settings(warn=ctx.invoked_subcommand != "import")  # import refuses instead


def apply_settings(*, warn: bool = True) -> None:
    """Every command speaks the language of `[ui] language` (else the locale), its errors
    included; a config.toml that cannot be read, or holds a wrong value, is named on stderr
    with the line at fault (the command goes on with the defaults, the file left as it is)."""
    from csm_tui.config import load_config
    from csm_tui.i18n import _, set_language

    config = load_config()
    set_language(config.language)
    problem = config.problem
    if problem and warn:
        message = _("Warning: settings not used ({problem}); the defaults apply until it is fixed.")
        echo(message.format(problem=problem), err=True)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors are one sentence on stderr, exit 1 (2 for usage), never a traceback."""
    try:
        code = cli.main(args=argv, prog_name="csm-tui", standalone_mode=False)
        # without standalone mode, ctx.exit(n) comes back as a return value
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        echo("Aborted.", err=True)
        sys.exit(1)
    except CsmError as exc:
        echo(f"csm-tui: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        echo("Interrupted.", err=True)
        sys.exit(130)
    except OSError as exc:
        echo(f"csm-tui: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    except Exception as exc:
        log = _log_crash()
        echo(f"csm-tui: unexpected error: {exc} (details in {log})", err=True)
        sys.exit(1)


def _log_crash() -> str:
    import traceback

    from csm_tui.paths import data_dir

    try:
        path = data_dir() / "crash.log"
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # it may hold user data
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            traceback.print_exc(file=handle)
        return str(path)
    except OSError:
        return "the traceback could not be written"

"""`csm-tui me set`, `account add|edit` and `contact add|edit|remove|list`: the records a CSM keeps
up to date, from the shell or a set-up script (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo, show_data
from csm_tui.i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])


def _language() -> None:
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(load_config().language)  # Japanese under [ui] language or a locale


# -- me ------------------------------------------------------------------------------------------


@click.group("me")
def me_group() -> None:
    """Who uses this book."""
    _language()


@me_group.command("set")
@click.option("--name", required=True, help="Your name as colleagues see it.")
@click.option("--email", required=True, help="Your e-mail address (your id on the team server).")
@db_option
@click.pass_context
def me_set(ctx: click.Context, name: str, email: str, db: Path | None) -> None:
    """Set who uses the book (what the app asks on its first start), so a scripted set-up
    needs no app. Creates the book if there is none."""
    from csm_tui.services.identity import set_me

    store = open_for_command(ctx, db, create=True)
    try:
        name, email = set_me(store, name, email)
    finally:
        store.close()
    echo(_("This book is {name}'s <{email}>.").format(name=name, email=email), err=True)


# -- accounts ------------------------------------------------------------------------------------


def account_options(func: F) -> F:
    """The fields of `account add` and `account edit` (not given: left as it is)."""
    options = [
        click.option("--external-id", help="The CRM's id of the account."),
        click.option("--segment", help="Enterprise, SMB…"),
        click.option("--contract-value", help="12,000, $12,000 or ¥1,200,000."),
        click.option("--currency", help="USD, JPY… (default USD, or the amount's symbol)."),
        click.option("--renewal-date", help="2027-03-31, 2027/3/31, 令和9年3月31日, R9.3.31."),
        click.option("--health", help="Health score, 0 to 100."),
        click.option(
            "--stage", help="onboarding, adoption or renewal (導入期, 活用期, 契約更新期)."
        ),
        click.option("--tags", help='Tags separated by ";" ("" removes them).'),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _fields(given: dict[str, str | None], today: Any) -> dict[str, Any]:
    """The account fields of the options given, read as the import reads a cell (the app's
    account form reads them the same way: services/records.py)."""
    from csm_tui.services.records import first_error, read_account_input

    conflict = N_("--contract-value is in {a} but --currency is {b}.")
    values, errors = read_account_input(given, today, conflict=conflict)
    first_error(errors)
    return values


def _warn_crm(store: Any, account: Any, fields: set[str]) -> None:
    from csm_tui.services.records import crm_note

    note = crm_note(store, account, fields)
    if note:
        echo(note, err=True)


@click.group("account")
def account_group() -> None:
    """Add and change accounts."""
    _language()


@account_group.command("add")
@click.argument("name")
@account_options
@db_option
@click.pass_context
def account_add(ctx: click.Context, /, name: str, db: Path | None, **given: str | None) -> None:
    """Add the account NAME (you are its primary owner); prints its id. Creates the book if
    there is none."""
    from csm_tui.clock import SystemClock
    from csm_tui.services.records import account_from, new_account

    values = _fields(given, SystemClock().today())
    account = account_from({"name": name.strip(), **values})  # before the book is touched
    store = open_for_command(ctx, db, create=True)
    try:
        new_account(store, account)
    finally:
        store.close()
    echo(_("Added {name}.").format(name=account.name), err=True)
    echo(account.id)


@account_group.command("edit")
@click.argument("account")
@click.option("--name", help="A new name.")
@account_options
@db_option
@click.pass_context
def account_edit(
    ctx: click.Context, /, account: str, name: str | None, db: Path | None, **given: str | None
) -> None:
    """Change fields of ACCOUNT (its id, external id or name); the others stay as they are."""
    from csm_tui.services.accounts import update_account
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        values = _fields(given, store.clock.today())
        if name is not None:
            values["name"] = name.strip()
        if not values:
            raise click.UsageError(_("Give at least one field to change, like --health 70."))
        target = resolve_account(store, account)
        updated = update_account(store, target.id, **values)
        changed = {key for key in values if getattr(target, key) != getattr(updated, key)}
        _warn_crm(store, target, changed)
    finally:
        store.close()
    if changed:
        echo(
            _("Changed {fields} of {name}.").format(
                fields=", ".join(sorted(changed)), name=updated.name
            ),
            err=True,
        )
    else:
        echo(_("{name} already had these values.").format(name=updated.name), err=True)


@account_group.command("archive")
@click.argument("account")
@db_option
@click.pass_context
def account_archive(ctx: click.Context, account: str, db: Path | None) -> None:
    """Archive ACCOUNT: kept with its history, hidden from the book and Today (account restore
    brings it back)."""
    _archive_or_restore(ctx, account, db, restore=False)


@account_group.command("restore")
@click.argument("account")
@db_option
@click.pass_context
def account_restore(ctx: click.Context, account: str, db: Path | None) -> None:
    """Bring an archived ACCOUNT back into the book."""
    _archive_or_restore(ctx, account, db, restore=True)


def _archive_or_restore(
    ctx: click.Context, account: str, db: Path | None, *, restore: bool
) -> None:
    from csm_tui.services import archive
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        target = resolve_account(store, account)
        changed = archive.restore(store, target) if restore else archive.archive(store, target)
    finally:
        store.close()
    if restore:
        done = _("{name} is back in the book.") if changed else _("{name} was not archived.")
    else:
        done = (
            _("Archived {name}; csm-tui account restore brings it back.")
            if changed
            else _("{name} was already archived.")
        )
    echo(done.format(name=target.name), err=True)


# -- contacts ------------------------------------------------------------------------------------

_ROLE = click.Choice(["champion", "decision_maker", "key"])


@click.group("contact")
def contact_group() -> None:
    """The people at a customer."""
    _language()


@contact_group.command("add")
@click.argument("account")
@click.option("--name", required=True)
@click.option("--email", default=None)
@click.option("--title", default="", help="Their job title.")
@click.option("--phone", default="")
@click.option("--role", "roles", type=_ROLE, multiple=True, help="champion, decision_maker, key.")
@db_option
@click.pass_context
def contact_add(
    ctx: click.Context,
    account: str,
    name: str,
    email: str | None,
    title: str,
    phone: str,
    roles: tuple[str, ...],
    db: Path | None,
) -> None:
    """Add a contact to ACCOUNT; prints its id. A new champion takes the mark from the old."""
    from csm_tui.services import contacts
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        target = resolve_account(store, account)
        contact = contacts.add(
            store, target, name=name, email=email, title=title, phone=phone, roles=roles
        )
        _warn_crm(store, target, {"contacts"})
        if contact.is_champion:  # a change of champion opens its playbook
            from csm_tui.cli.import_cmd import run_playbooks_and_say

            run_playbooks_and_say(store)
    finally:
        store.close()
    echo(_("Added {name} to {account}.").format(name=contact.name, account=target.name), err=True)
    echo(contact.id)


@contact_group.command("edit")
@click.argument("account")
@click.argument("contact")
@click.option("--name", default=None)
@click.option("--email", default=None)
@click.option("--title", default=None)
@click.option("--phone", default=None)
@click.option("--role", "roles", type=_ROLE, multiple=True, help="Replaces the marks.")
@click.option("--no-role", is_flag=True, help="Removes every mark.")
@db_option
@click.pass_context
def contact_edit(
    ctx: click.Context,
    account: str,
    contact: str,
    name: str | None,
    email: str | None,
    title: str | None,
    phone: str | None,
    roles: tuple[str, ...],
    no_role: bool,
    db: Path | None,
) -> None:
    """Change CONTACT (its id, e-mail or name) of ACCOUNT."""
    from csm_tui.services import contacts
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        found = contacts.resolve(store, account, contact)
        _warn_crm(store, resolve_account(store, account), {"contacts"})
        marks = () if no_role else (roles or None)
        updated = contacts.edit(
            store, found, name=name, email=email, title=title, phone=phone, roles=marks
        )
        if updated.is_champion != found.is_champion:  # a change of champion opens its playbook
            from csm_tui.cli.import_cmd import run_playbooks_and_say

            run_playbooks_and_say(store)
    finally:
        store.close()
    echo(_("Saved {name}.").format(name=updated.name), err=True)


@contact_group.command("remove")
@click.argument("account")
@click.argument("contact")
@db_option
@click.pass_context
def contact_remove(ctx: click.Context, account: str, contact: str, db: Path | None) -> None:
    """Remove CONTACT (its id, e-mail or name) from ACCOUNT."""
    from csm_tui.services import contacts
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        found = contacts.resolve(store, account, contact)
        _warn_crm(store, resolve_account(store, account), {"contacts"})
        contacts.remove(store, found)
    finally:
        store.close()
    echo(_("Removed {name}.").format(name=found.name), err=True)


@contact_group.command("list")
@click.argument("account")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@db_option
@click.pass_context
def contact_list(ctx: click.Context, account: str, fmt: str, db: Path | None) -> None:
    """The contacts of ACCOUNT: champion, decision makers, then by name."""
    from csm_tui.services import contacts
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        rows = contacts.records(store, resolve_account(store, account))
    finally:
        store.close()
    if fmt == "json":
        show_data(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        echo(_("No contacts."))
    labels = {"champion": _("champion"), "decision_maker": _("decision maker"), "key": _("key")}
    for row in rows:
        marks = ", ".join(labels[role] for role in row["roles"])
        parts = [row["name"], row["title"], row["email"] or "", row["phone"]]
        parts.append(f"[{marks}]" if marks else "")
        echo("  ".join(part for part in parts if part))

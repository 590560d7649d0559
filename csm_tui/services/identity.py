"""Who "me" is in this database: the demo sets it, sync will set it, a new database asks once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csm_tui.errors import ValidationError
from csm_tui.i18n import N_
from csm_tui.store.connection import Store

if TYPE_CHECKING:
    from csm_tui.store.journal import Transaction

ME_EMAIL = "me.email"
ME_NAME = "me.name"


def me_identity(store: Store) -> tuple[str, str] | None:
    """(name, e-mail) of the current user, or None if the database does not know yet."""
    email = store.get_setting(ME_EMAIL)
    name = store.get_setting(ME_NAME)
    if not email or not name:
        return None
    return name, email


def set_me(store: Store, name: str, email: str) -> tuple[str, str]:
    """Record the current user (validated) and make them a known user of the book."""
    from pydantic import ValidationError as PydanticError

    from csm_tui.models.user import User

    try:
        user = User(name=name, email=email)
    except PydanticError as exc:
        fields = {str(err["loc"][0]) for err in exc.errors()}
        if fields >= {"name", "email"}:
            message = N_("Please give your name and a valid e-mail address.")
        elif "name" in fields:
            message = N_("Please give your name.")
        else:
            message = N_("Please give a valid e-mail address.")
        raise ValidationError(message) from exc
    with store.transaction() as tx:
        upsert_user(tx, user.email, user.name)
    store.set_setting(ME_EMAIL, user.email)
    store.set_setting(ME_NAME, user.name)
    return user.name, user.email


def upsert_user(tx: Transaction, email: str, name: str) -> None:
    """Insert a colleague, or rename them if the name changed."""
    row = tx.store.query_one("SELECT name FROM users WHERE email = ?", (email,))
    if row is None:
        tx.insert("users", {"email": email, "name": name})
    elif row[0] != name and name:
        tx.update("users", email, {"name": name})

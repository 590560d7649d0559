"""Users and their API tokens. The server keeps only a SHA-256 of each token.

Tokens are 256 random bits, so a plain hash is enough (no password stretching needed): nothing
shorter than the token itself finds it.
"""

from __future__ import annotations

import hashlib
import secrets

from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, Engine, select, update

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.server import changes
from csm_tui.server import records as rec
from csm_tui.server.db import writing
from csm_tui.server.records import User
from csm_tui.server.schema import users
from csm_tui.sync.rows import UserRow

TOKEN_PREFIX = "csm_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: object) -> User:
    return User(
        id=row.id,  # type: ignore[attr-defined]
        email=row.email,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        is_admin=bool(row.is_admin),  # type: ignore[attr-defined]
    )


def authenticate(conn: Connection, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    row = conn.execute(select(users).where(users.c.token_hash == token_hash(token))).first()
    return None if row is None else _user(row)


def find_user(conn: Connection, email: str) -> User | None:
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    return None if row is None else _user(row)


def add_user(engine: Engine, email: str, name: str, *, admin: bool, now: str) -> str:
    """Create a user and return their token (shown once). Their accounts reach them at once."""
    try:
        row = UserRow(email=email.strip().lower(), name=name.strip())
    except PydanticError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise ValidationError(
            "Please give a valid e-mail address." if field == "email" else "Please give a name."
        ) from None
    token = new_token()
    with writing(engine) as conn:
        if find_user(conn, row.email) is not None:
            raise ValidationError(
                f"{row.email} is a user already; `csm-tui server new-token {row.email}` "
                "gives them a new token."
            )
        user_id = conn.execute(
            users.insert()
            .values(
                email=row.email,
                name=row.name,
                is_admin=admin,
                token_hash=token_hash(token),
                created_at=now,
                token_created_at=now,
            )
            .returning(users.c.id)
        ).scalar_one()
        changes.grant_directory(conn, user_id)
        current = rec.get_record(conn, "users", row.email)
        changes.write_record(conn, "users", row.model_dump(), user_id=None, current=current)
        for account_id in changes.accounts_of_email(conn, row.email):
            changes.grant(conn, user_id, account_id)
    return token


def new_user_token(engine: Engine, email: str, *, now: str) -> str:
    """Replace a user's token (the old one stops working)."""
    token = new_token()
    with writing(engine) as conn:
        _require(conn, email)
        conn.execute(
            update(users)
            .where(users.c.email == email.strip().lower())
            .values(token_hash=token_hash(token), token_created_at=now)
        )
    return token


def revoke_token(engine: Engine, email: str) -> None:
    with writing(engine) as conn:
        _require(conn, email)
        conn.execute(
            update(users)
            .where(users.c.email == email.strip().lower())
            .values(token_hash=None, token_created_at=None)
        )


def _require(conn: Connection, email: str) -> User:
    user = find_user(conn, email)
    if user is None:
        raise NotFoundError(f"There is no user {email.strip().lower()} on this server.")
    return user

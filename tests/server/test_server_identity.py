"""The server database's identity: a UUID made with it, named on every reply (`CSM-Server-Id`)."""

from __future__ import annotations

import uuid

from server_fixtures import engine_for
from server_kit import Team

from csm_tui.server.db import read_meta, reading
from csm_tui.sync.protocol import SERVER_ID_HEADER


def test_every_reply_names_the_server_database(team: Team) -> None:
    with reading(team.engine) as conn:
        server_id = read_meta(conn, "server_id")
    assert str(uuid.UUID(server_id)) == server_id
    replies = [
        team.http.get("/v1/health"),
        team.http.get("/v1/ready"),
        team.http.get("/v1/me"),  # no token: 401
        team.alice.http.get("/v1/me", headers=team.alice.headers),
        team.http.get("/v1/nowhere"),
    ]
    assert [reply.headers.get(SERVER_ID_HEADER) for reply in replies] == [server_id] * 5
    assert replies[2].status_code == 401 and replies[3].status_code == 200


def test_two_databases_have_two_identities(tmp_path: object) -> None:
    ids = []
    for name in ("a", "b"):
        engine = engine_for(f"sqlite:///{tmp_path}/{name}.db")
        with reading(engine) as conn:
            ids.append(read_meta(conn, "server_id"))
        engine.dispose()
    assert ids[0] != ids[1]

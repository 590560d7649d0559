"""Protocol 3: the server names the next page's cursor (`CSM-Next-Cursor`); a client or a server
of another protocol is told, in the user's language, who must upgrade."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sync_kit import AOI, Team, book_state

from csm_tui.i18n import set_language
from csm_tui.server import app as server_app
from csm_tui.services.activities import log_activity
from csm_tui.store import remote
from csm_tui.sync import client, http
from csm_tui.sync.http import Refused
from csm_tui.sync.protocol import NEXT_CURSOR_HEADER, PROTOCOL_VERSION

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def language() -> Iterator[None]:
    yield
    set_language("en")


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "too old for the server"), ("ja", "アップグレード")]
)
def test_an_older_client_is_told_to_upgrade(
    team: Team, monkeypatch: pytest.MonkeyPatch, language: None, lang: str, said: str
) -> None:
    monkeypatch.setattr(http, "PROTOCOL_VERSION", PROTOCOL_VERSION - 1)  # a protocol 2 client
    set_language(lang)
    aoi = team.book("aoi")
    with pytest.raises(Refused) as refused:
        team.sync(aoi, AOI)
    assert refused.value.status == 426 and refused.value.code == "client_too_old"
    assert said in str(refused.value)
    assert "upgrade csm-tui" in refused.value.body["message"]  # what a script reading it sees
    assert remote.read_sync_state(aoi) == {}  # nothing was sent or received


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "runs an older csm-tui"), ("ja", "古い csm-tui")]
)
def test_a_client_newer_than_its_server_says_the_server_must_be_upgraded(
    team: Team, monkeypatch: pytest.MonkeyPatch, language: None, lang: str, said: str
) -> None:
    monkeypatch.setattr(server_app, "PROTOCOL_VERSION", PROTOCOL_VERSION - 1)  # a server of 2
    monkeypatch.setattr(server_app, "MIN_PROTOCOL_VERSION", 1)
    set_language(lang)
    aoi = team.book("aoi")
    with pytest.raises(Refused) as refused:
        team.sync(aoi, AOI)
    assert refused.value.status == 400 and refused.value.code == "server_too_old"
    assert said in str(refused.value) and team.url in str(refused.value)
    assert remote.read_sync_state(aoi) == {}


class Recording(httpx.BaseTransport):
    """Passes requests through, noting for each page the position asked for (`cursor=` of the
    feed, `snapshot=` of a first download's snapshot) and the one the server named next."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.pages: list[tuple[str, str | None, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path == "/v1/sync/rows":
            body = response.read()
            params = request.url.params
            asked = params.get("cursor") or f"snapshot {params['snapshot']}"
            self.pages.append((asked, response.headers.get(NEXT_CURSOR_HEADER), body))
            return httpx.Response(
                response.status_code, headers=response.headers, content=body, request=request
            )
        return response


def test_each_next_page_is_asked_for_with_the_cursor_the_server_named(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next page is asked for where the header says, and no page twice; a note holding
    what a protocol 2 client looked for in a reply's last bytes changes nothing."""
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 3)
    ken = team.book("ken")
    team.sync(ken, "ken.sato@example.com")
    acme = team.accounts["Acme Analytics"]
    trap = '"cursor":1,"has_more":true,'
    for n in range(4):
        log_activity(ken, acme, 5 + n, AT, note=f"{trap} {n}")
    team.sync(ken, "ken.sato@example.com")
    aoi = team.book("aoi")
    recording = Recording()
    team.sync(aoi, AOI, transport=recording)
    escaped = json.dumps(trap)[1:-1].encode()  # as the note travels, inside a string
    snapshot = [page for page in recording.pages if page[0].startswith("snapshot ")]
    feed = [page for page in recording.pages if not page[0].startswith("snapshot ")]
    assert len(snapshot) > 3 and any(escaped in body for _, _, body in snapshot)
    for (_asked, named, body), (asked_next, _, _) in itertools.pairwise(snapshot):
        assert json.loads(body)["has_more"] and f"snapshot {named}" == asked_next
    assert snapshot[-1][1] is None and feed  # then the feed, from the snapshot's sequence
    assert feed[0][0] == str(json.loads(snapshot[-1][2])["cursor"])
    for (_asked, named, body), (asked_next, _, _) in itertools.pairwise(feed):
        page = json.loads(body)
        assert page["has_more"] and named == str(page["cursor"]) == asked_next
    assert feed[-1][1] is None and not json.loads(feed[-1][2])["has_more"]
    asked = [page[0] for page in recording.pages]
    assert len(set(asked)) == len(asked)  # nothing asked for in vain
    fresh = team.book("fresh")
    team.sync(fresh, AOI)
    assert book_state(aoi) == book_state(fresh)
    notes = {row[0] for row in aoi.query("SELECT note FROM activities")}
    assert {f"{trap} {n}" for n in range(4)} <= notes


def test_a_named_cursor_that_is_not_the_pages_own_is_refused(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 2)

    class Misnaming(Recording):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            if request.url.path == "/v1/sync/rows" and NEXT_CURSOR_HEADER in response.headers:
                headers = dict(response.headers)
                headers[NEXT_CURSOR_HEADER.lower()] = "1"
                return httpx.Response(
                    response.status_code,
                    headers=headers,
                    content=response.content,
                    request=request,
                )
            return response

    aoi = team.book("aoi")
    with pytest.raises(http.BadReply):  # a snapshot's page
        team.sync(aoi, AOI, transport=Misnaming())
    assert remote.read_sync_state(aoi)["cursor"] == "0"  # nothing of it was applied
    team.sync(aoi, AOI)
    ken = team.book("ken")
    team.sync(ken, "ken.sato@example.com")
    for n in range(5):
        log_activity(ken, team.accounts["Acme Analytics"], 5 + n, AT)
    team.sync(ken, "ken.sato@example.com")
    cursor = remote.read_sync_state(aoi)["cursor"]
    with pytest.raises(http.BadReply):  # a page of the feed
        team.sync(aoi, AOI, transport=Misnaming())
    assert remote.read_sync_state(aoi)["cursor"] == cursor

"""A server that trickles its reply a byte at a time cannot hold a sync past its deadline.

httpx's read timeout applies to each read: a byte every 0.1 s never trips it. The policy's
deadline covers the whole call, reading included.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from csm_tui.sync.http import RetryPolicy, Server, Transient

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"


def _trickle(listener: socket.socket, stop: threading.Event, headers_first: bool) -> None:
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        with conn:
            conn.recv(65536)
            if headers_first:
                conn.sendall(HEADERS)
            payload = b"{" + b" " * 398 + b"}" if headers_first else HEADERS
            for byte in payload:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    break
                time.sleep(0.1)


@pytest.fixture(params=["body", "headers"])
def trickling(request: pytest.FixtureRequest) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(
        target=_trickle, args=(listener, stop, request.param == "body"), daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_trickling_server_cannot_outlast_the_deadline(trickling: str) -> None:
    policy = RetryPolicy(attempts=3, base=0.01, cap=0.05, deadline=1.5)
    started = time.monotonic()
    with Server(trickling, "token", policy=policy) as server, pytest.raises(Transient):
        server.me()
    assert time.monotonic() - started < 3.0


def test_a_fast_reply_still_arrives_whole(sqlite_team: object) -> None:
    from sync_kit import AOI, Team

    assert isinstance(sqlite_team, Team)
    with sqlite_team.server(AOI) as server:
        assert server.me().email == AOI

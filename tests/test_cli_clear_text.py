"""`login` and `sync` warn before a token goes over plain http:// to another machine (issue 19,
item 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csm_tui.cli.main import cli
from csm_tui.errors import CsmError
from csm_tui.store.connection import open_store
from csm_tui.sync import http

WARNING = "is not encrypted (http://)"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: http.Server) -> http.Server:
        raise CsmError("no network in this test")

    monkeypatch.setattr(http.Server, "__enter__", refuse)
    monkeypatch.setenv("CSM_TUI_TOKEN", "secret-token")


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://csm.example.com", True),
        ("http://10.0.0.5:8765/", True),
        ("http://Example.COM", True),
        ("https://csm.example.com", False),
        ("http://127.0.0.1:8765", False),
        ("http://localhost:8765", False),
        ("http://[::1]:8765", False),
    ],
)
@pytest.mark.parametrize("command", ["login", "sync"])
def test_clear_text_warning(tmp_path: Path, url: str, warned: bool, command: str) -> None:
    open_store(tmp_path / "b.db").close()  # an empty book, as a user would have
    argv = [command, "--server", url, "--db", str(tmp_path / "b.db")]
    result = CliRunner().invoke(cli, argv, input="secret-token\n")
    assert "no network in this test" in str(result.exception)
    assert (WARNING in result.stderr) is warned, result.stderr
    if warned:
        host = url.split("//")[1].split(":")[0].split("/")[0].lower()
        assert f"in clear text to {host}," in result.stderr

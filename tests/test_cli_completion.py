"""`csm-tui completion bash|zsh|fish`: Click's scripts, and the completions they ask for."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_run import run


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _csm_tui_completion csm-tui"),
        ("zsh", "#compdef csm-tui"),
        ("fish", "complete --no-files --command csm-tui"),
    ],
)
def test_completion_prints_the_shells_script(
    shell: str, marker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["completion", shell], capsys)
    assert (code, err) == (0, "")
    assert marker in out and f"_CSM_TUI_COMPLETE={shell}_complete" in out


def test_completion_refuses_another_shell(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["completion", "powershell"], capsys)
    assert code == 2 and out == "" and "bash" in err


def _complete(words: str, cword: int) -> list[str]:
    env = {**os.environ, "_CSM_TUI_COMPLETE": "bash_complete"}
    env |= {"COMP_WORDS": words, "COMP_CWORD": str(cword)}
    found = subprocess.run(
        [sys.executable, "-c", "from csm_tui.cli.main import main; main()", *words.split()[1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return found.stdout.splitlines()


def test_tab_completes_subcommands_and_their_options() -> None:
    assert "plain,completion" in _complete("csm-tui c", 1)
    server = _complete("csm-tui server ", 2)
    assert {"plain,list-users", "plain,backup", "plain,run"} <= set(server)
    assert "plain,--log-format" in _complete("csm-tui server run --log", 3)

"""`csm-tui completion bash|zsh|fish`: the shell's completion script (Click's own).

    eval "$(csm-tui completion bash)"       # in ~/.bashrc
    eval "$(csm-tui completion zsh)"        # in ~/.zshrc
    csm-tui completion fish > ~/.config/fish/completions/csm-tui.fish

The script calls `csm-tui` with `_CSM_TUI_COMPLETE` set at each Tab; Click answers with the
subcommands and options, so the completions follow the installed version.
"""

from __future__ import annotations

import click

from csm_tui.cli.terminal import echo

PROG_NAME = "csm-tui"
COMPLETE_VAR = "_CSM_TUI_COMPLETE"


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the Tab completion script for SHELL (bash, zsh or fish).

    \b
    bash:  eval "$(csm-tui completion bash)"      (in ~/.bashrc)
    zsh:   eval "$(csm-tui completion zsh)"       (in ~/.zshrc)
    fish:  csm-tui completion fish > ~/.config/fish/completions/csm-tui.fish
    """
    from click.shell_completion import get_completion_class

    from csm_tui.cli.main import cli

    completer = get_completion_class(shell)
    assert completer is not None  # the choice above lists only the shells Click knows
    echo(completer(cli, {}, PROG_NAME, COMPLETE_VAR).source())

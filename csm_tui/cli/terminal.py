"""Every line the CLI prints goes through here, so that text from a book (an account's name, a
note from a colleague, a server's message) cannot drive the terminal.

A name holding `ESC ] 0 ; … BEL` would retitle the window, `ESC [ 2 J` clear it, a carriage
return overwrite the line before, a right-to-left override turn `txt.exe` around. Those characters
(C0 controls but tab and newline, DEL, the C1 controls, the bidirectional overrides and isolates)
are shown as `\\u001b`-style escapes instead. Human-readable output is always cleaned (it may reach
a terminal later: `less -R`, `cat` of a saved report); data (a CSV or JSON export) only when it goes
straight to a terminal, so a file or a pipe gets the exact text. JSON keeps its meaning: `\\u009b`
is a valid JSON escape of the same character.
"""

from __future__ import annotations

import re
import sys

import click

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every character that could drive a terminal written as `\\uXXXX`."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def echo(message: str, *, err: bool = False) -> None:
    """One message and a newline, on stdout or (`err`) stderr."""
    click.echo(printable(message), err=err)


def show(text: str) -> None:
    """A page of text on stdout as UTF-8, whatever the terminal's locale; no newline added."""
    click.echo(printable(text).encode("utf-8"), nl=False)


def show_data(text: str) -> None:
    """An export (CSV, JSON) on stdout as UTF-8: exact, unless stdout is a terminal."""
    if sys.stdout.isatty():
        text = printable(text)
    click.echo(text.encode("utf-8"), nl=False)

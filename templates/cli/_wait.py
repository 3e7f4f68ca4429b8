"""A wait command (the spec's `x-poll`) as it goes: takes each poll's body as the server sent it and gives
its status to stderr, one line per status that does not end the wait, or on a terminal one progress
line rewritten in place (and cleared at the end, so the final JSON on stdout stands alone)."""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from .._runtime._polling import MISSING, field_value, listed
from ._output import LastBody
from ._table import Command


class Progress:
    """The `on_poll` of a wait command: reads the compared field from the body of the poll just made."""

    def __init__(self, field: tuple[str, ...], final: tuple[Any, ...], last: LastBody, stderr: TextIO) -> None:
        self.field, self.final, self.last, self.stderr = field, final, last, stderr
        self.live = stderr.isatty()
        self.polls = 0
        self.started = time.monotonic()
        self.shown = False  # a progress line is on the terminal

    @classmethod
    def of(cls, command: Command, last: LastBody, stderr: TextIO) -> Progress | None:
        """The progress of `command` when it is a wait, else None."""
        return None if command.wait_field is None else cls(command.wait_field, command.wait_final, last, stderr)

    def __call__(self, _value: object) -> None:
        self.polls += 1
        found = field_value(self.last.body, self.field)
        if listed(found, self.final):
            return
        shown = "missing" if found is MISSING else json.dumps(found, ensure_ascii=False)
        text = f"{'.'.join(self.field)}: {shown}"
        if self.live:
            elapsed = time.monotonic() - self.started
            self.stderr.write(f"\r\x1b[K{text} (poll {self.polls}, {elapsed:.0f} s)")
            self.shown = True
        else:
            self.stderr.write(text + "\n")
        self.stderr.flush()

    def close(self) -> None:
        """Clears the progress line, if one is shown."""
        if self.shown:
            self.stderr.write("\r\x1b[K")
            self.stderr.flush()
            self.shown = False


__all__ = ["Progress"]

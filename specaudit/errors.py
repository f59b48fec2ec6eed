"""Exit statuses and the one error type a user mistake raises.

Fail closed: an input that cannot be read raises InputError naming the file (and the line or
cell); the command line turns it into one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    CLEAN = 0          # no finding at or above the fail level
    FINDINGS = 1       # findings at or above the fail level
    INPUT_ERROR = 2    # the run could not be completed: bad arguments, unreadable input


class InputError(Exception):
    """A user-facing error about an input: which file, where in it, and what is wrong."""

    def __init__(self, message: str, path: str | None = None, where: str | None = None):
        self.message = message
        self.path = path
        self.where = where  # "line 3", "cell C5", "key fuzzy_threshold"
        super().__init__(str(self))

    def __str__(self) -> str:
        place = ""
        if self.path:
            place = str(self.path) + (f":{self.where}" if self.where else "")
        elif self.where:
            place = self.where
        return f"{place}: {self.message}" if place else self.message

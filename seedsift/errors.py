"""Errors the app layer reports to users as one line naming the file."""

from __future__ import annotations


class InputError(Exception):
    """A single input (file, record, path) that cannot be processed.

    ``str(err)`` is the one line shown to the user: ``path: what is wrong``.
    Other inputs are still processed; the command exits non-zero at the end.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class UsageProblem(Exception):
    """The command was called in a way that cannot work (exit code 2)."""

"""Refusals of the write and read operations, as catalog codes with parameters.

Storage never words a message: the chat and the command line render `code` and `params` from
their i18n catalogs, in the user's language.
"""

from __future__ import annotations


class OperationError(Exception):
    """An operation refused; nothing was changed."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}")

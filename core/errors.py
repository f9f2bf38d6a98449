"""Refusals that core raises and views turn into a status and a message.

Core knows no language: it names what went wrong with a `code`; the views
map each code to a translated sentence.
"""


class Refused(Exception):
    status = 400

    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


class NotFound(Refused):
    """The row does not exist or does not belong to the asker (never say which)."""

    status = 404


class Invalid(Refused):
    """The input breaks a rule; nothing was written."""

    status = 400


class Conflict(Refused):
    """The row is no longer in a state that allows this (expired lease, skipped task)."""

    status = 409

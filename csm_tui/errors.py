"""Errors a user can act on. Each carries one clear sentence for the screen or stderr."""


class CsmError(Exception):
    """Base class: the message is shown to the user as it is."""


class StoreError(CsmError):
    """The database cannot be opened, read or written."""


class NotFoundError(CsmError):
    """A record that was asked for does not exist."""


class ValidationError(CsmError):
    """Input that does not fit the rules (a form field, a CSV row, a CLI argument)."""


class FieldError(ValidationError):
    """Input refused because of one field (`field`: the record's field name), so that a form
    shows the sentence beside that field; elsewhere it is a ValidationError like any other."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field

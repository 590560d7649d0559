"""What can go wrong talking to a CRM, one class per reaction of the caller."""

from __future__ import annotations

from csm_tui.errors import CsmError


class CrmError(CsmError):
    """A CRM step failed; the message is one sentence for the user."""


class CrmAuthError(CrmError):
    """401 (or a refused scope): nothing more can be done until the credential is replaced."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail  # what the CRM said, for a caller that words it anew


class CrmBadReply(CrmError):
    """A reply that is not what the vendor documents: nothing of it is applied."""


class CrmLimitReached(CrmError):
    """A daily or org-wide API limit: the pass ends instead of looping until the reset."""


class CrmUnavailable(CrmError):
    """The CRM kept failing (5xx, timeouts, 429) until the retries ran out."""


class OutcomeUnknown(CrmError):
    """A create request was sent but no answer came: the record may exist. Never retried
    blindly; the next pass looks it up by its marker first."""


class CrmRefused(CrmError):
    """The CRM refused this one request (validation, missing object): retrying cannot help."""

    def __init__(self, message: str, status: int, code: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.detail = detail


class MappingError(CrmError):
    """A field mapping names a CRM field that does not exist or has the wrong type."""

"""How a pushed activity reads in the CRM: a subject line and a body ending with the marker.

English on purpose: managers and sales read these in the CRM, whatever language the CSM's app is
in. The marker is the last line, so an edited note never moves it out of the body.
"""

from __future__ import annotations

from csm_tui.crm.records import OutActivity

_TYPES = {
    "call": "Call",
    "meeting": "Meeting",
    "email": "E-mail",
    "chat": "Chat",
    "inquiry": "Inquiry",
    "training": "Training",
    "internal": "Internal work",
    "other": "Work",
}


def subject(activity: OutActivity) -> str:
    """`Call, 30 min, proactive, outcome: resolved`."""
    parts = [_TYPES.get(activity.type, activity.type.title()), f"{activity.minutes} min"]
    parts.append("proactive" if activity.proactive else "reactive")
    if activity.recurring:
        parts.append("recurring")
    if activity.outcome != "none":
        parts.append("outcome: " + activity.outcome.replace("_", " "))
    return ", ".join(parts)


def body(activity: OutActivity) -> str:
    """The note, then the marker line."""
    note = activity.note.strip()
    head = f"{subject(activity)}\n\n{note}" if note else subject(activity)
    return f"{head}\n\n[logged in csm-tui: {activity.marker}]"

"""The calendar, headless: read events (a file, an ICS address, CalDAV), match them to accounts.

Nothing here writes the book or knows about the UI: `csm_tui.services.calendar` turns what this
package reads into proposals, and logs them through the activity service. Kept apart so that the
heavy parsing libraries (icalendar, recurring-ical-events, caldav) load only when a calendar
command or the proposals screen needs them.
"""

"""Calendar benchmark (issue 15): a calendar of 5,000 events over 2 years, matched against the
5,000-account demo book, from sync to proposals. Target: at most 1 s.

    .venv/bin/python bench/calendar_sync.py [--accounts 5000] [--events 5000] [--runs 5]

The calendar is written the way Google exports one (UTC one-offs, weekly series with TZID,
EXDATE and moved occurrences, declined and all-day events); most events have a contact of the
book as attendee, some only someone at a contact's domain, some only colleagues with an account
named in the title, some nobody the book knows. Each run is `calendar.sync` (read the file,
expand, match, keep) followed by `calendar.proposals`: what `csm-tui calendar sync` and the M
screen do.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# this file is named like the standard library's `calendar` (which dateutil imports): running it
# puts bench/ first on the path, so take it off before anything imports `calendar`
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

BIN = Path(sys.executable).parent
ME = "aoi.tanaka@example.com"


def build_book(path: Path, accounts: int) -> None:
    if path.exists():
        return
    subprocess.run(
        [str(BIN / "csm-tui"), "demo", "--accounts", str(accounts), "--activities", "0",
         "--no-open", "--db", str(path)],
        check=True,
    )  # fmt: skip


def write_calendar(path: Path, events: int, contacts: list[tuple[str, str]], names: list[str],
                   me: str) -> None:  # fmt: skip
    """`events` events over the last two years, Google's way."""
    rng = random.Random(15)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    first = now - timedelta(days=730)
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    series = events // 50  # 2% are weekly series running over the whole two years
    for n in range(events):
        start = first + timedelta(hours=rng.randrange(730 * 24))
        minutes = rng.choice([15, 30, 30, 45, 60, 60, 90])
        kind = rng.random()
        if kind < 0.7:
            who = rng.choice(contacts)[1]
            title = f"Call {n}"
        elif kind < 0.8:
            who = "someone.new@" + rng.choice(contacts)[1].rpartition("@")[2]
            title = f"Intro {n}"
        elif kind < 0.9:
            who = "colleague@example.com"
            title = f"{rng.choice(names)} prep"
        else:
            who = f"stranger{n}@unknown-{n}.example"
            title = f"Other {n}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{n}@google.com",
            "DTSTAMP:20261101T000000Z",
            f"ORGANIZER;CN={me}:mailto:{me}",
            f"ATTENDEE;PARTSTAT=ACCEPTED;CN={who}:mailto:{who}",
            f"ATTENDEE;PARTSTAT={'DECLINED' if n % 40 == 0 else 'ACCEPTED'}:mailto:{me}",
            f"SUMMARY:{title}",
            "DESCRIPTION:Agenda: adoption\\, renewal\\, next steps",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
        ]
        if n < series:
            local = start + timedelta(hours=9)
            lines += [
                f"DTSTART;TZID=Asia/Tokyo:{local:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Asia/Tokyo:{local + timedelta(minutes=minutes):%Y%m%dT%H%M%S}",
                "RRULE:FREQ=WEEKLY",
                f"EXDATE;TZID=Asia/Tokyo:{local + timedelta(weeks=3):%Y%m%dT%H%M%S}",
            ]
        elif n % 97 == 0:
            lines += [f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}"]  # fmt: skip
        else:
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                      f"DTEND:{start + timedelta(minutes=minutes):%Y%m%dT%H%M%SZ}"]  # fmt: skip
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8", newline="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--book", type=Path, default=None, help="A demo book to reuse (built if absent)."
    )
    args = parser.parse_args()

    from csm_tui.services import calendar
    from csm_tui.services.identity import me_identity
    from csm_tui.store import calendar as queries
    from csm_tui.store.connection import open_store

    folder = Path(tempfile.mkdtemp(prefix="csm-calendar-bench-"))
    book = args.book or folder / "book.db"
    build_book(book, args.accounts)
    ics = folder / "calendar.ics"
    with open_store(book) as store:
        me = me_identity(store)
        me_email = me[1] if me else ME
        contacts = queries.contact_emails(store)
        names = [name for _id, name in queries.account_names(store)]
        write_calendar(ics, args.events, contacts, names, me_email)
        calendar.import_file(store, ics)  # adds the file as a source (and warms the imports)
        times = []
        for _run in range(args.runs):
            started = time.perf_counter()
            report = calendar.sync(store)
            found = calendar.proposals(store)
            times.append(time.perf_counter() - started)
    size = ics.stat().st_size / 1e6
    print(
        f"calendar: {args.events} events over 2 years ({size:.1f} MB), "
        f"{args.accounts} accounts, {len(contacts)} contacts"
    )
    print(f"  matched in the last 60 days: {sum(report.events.values())}; proposals: {len(found)}")
    print(
        f"  sync to proposals: median {statistics.median(times):.3f} s "
        f"(min {min(times):.3f}, max {max(times):.3f}; target <= 1 s)"
    )


if __name__ == "__main__":
    main()

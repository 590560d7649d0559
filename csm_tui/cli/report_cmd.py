"""`csm-tui report week`: the weekly review (services/week_report.py) as Markdown to paste into
notes, or as plain text for the terminal, its columns lined up in terminal cells."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from pathlib import Path

import click

from csm_tui import formatting
from csm_tui.cli.options import db_option, lang_option, open_for_command, output_option
from csm_tui.cli.renewal_cmd import report_renewals
from csm_tui.formatting import duration
from csm_tui.i18n import _, ngettext
from csm_tui.models.book import RENEWAL_SOON_DAYS
from csm_tui.services.week_report import MOVE_POINTS, WeekReport, summary_line, type_label


@click.group("report")
def report_group() -> None:
    """Reports to read or to paste into your notes."""


report_group.add_command(report_renewals)  # renewal outcomes and retention (renewal_cmd.py)


@report_group.command("week")
@click.option(
    "--week",
    "week",
    default=None,
    metavar="YYYY-Www",
    help="The ISO week, like 2026-W48, or a date in it (default: this week).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "text"]),
    default="md",
    show_default=True,
    help="Markdown to paste into notes, or plain text for the terminal.",
)
@output_option
@lang_option("report")
@db_option
@click.pass_context
def week(
    ctx: click.Context,
    week: str | None,
    fmt: str,
    output: Path | None,
    lang: str | None,
    db: Path | None,
) -> None:
    """The page to bring to a one-to-one: my effort by account and type, the proactive share,
    activities logged, checklist items and tasks done, overdue tasks, the health movers among
    my accounts and their renewals in the next 120 days.
    """
    from csm_tui.cli.export_cmd import deliver
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language
    from csm_tui.services.effort import local_today
    from csm_tui.services.week_report import parse_week, week_report

    config = load_config()
    set_language(lang or config.language)
    store = open_for_command(ctx, db)
    try:
        today = local_today(store.clock)
        monday = parse_week(week, today) if week else today - timedelta(days=today.weekday())
        report = week_report(store, monday, store.clock, config.raw)
    finally:
        store.close()
    text = render(report, markdown=fmt == "md")
    deliver(text, output, f"Wrote the review of week {report.label} to {{output}}.")


@report_group.command("trends")
@click.option(
    "--months",
    type=click.IntRange(1, 60),
    default=12,
    show_default=True,
    help="How many months, this one included.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "csv"]),
    default="md",
    show_default=True,
    help="Markdown to paste into notes; JSON or CSV with the counts behind each rate.",
)
@click.option("--everyone", is_flag=True, help="Everyone's work on the book, not only mine.")
@output_option
@lang_option("report")
@db_option
@click.pass_context
def trends(
    ctx: click.Context,
    months: int,
    fmt: str,
    everyone: bool,
    output: Path | None,
    lang: str | None,
    db: Path | None,
) -> None:
    """Rates over time, month by month: the proactive and one-to-many shares of my minutes,
    tasks done on time, late or still open (by playbook rule), the share of activities with
    each outcome and the minutes per account in each segment, with the change against the
    month before.
    """
    from csm_tui.cli import trends_text
    from csm_tui.cli.export_cmd import deliver
    from csm_tui.config import load_config
    from csm_tui.i18n import current_language, set_language
    from csm_tui.services.identity import me_identity
    from csm_tui.services.trends import playbook_rule_names, trends_report

    config = load_config()
    set_language(lang or config.language)
    store = open_for_command(ctx, db)
    try:
        report = trends_report(
            store,
            store.clock,
            months=months,
            mine_only=not everyone,
            rule_name=playbook_rule_names(current_language()),
        )
        me = me_identity(store)
    finally:
        store.close()
    if fmt == "md":
        text = trends_text.render_markdown(report, me[0] if me else None)
    elif fmt == "json":
        text = trends_text.render_json(report)
    else:
        text = trends_text.render_csv(report)
    deliver(text, output, "Wrote the trends to {output}.", data=fmt != "md")


# -- the page as text ----------------------------------------------------------------------------


def _cells(text: str) -> int:
    """Terminal cells: a Japanese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(width - _cells(text), 0)
    return space + text if right else text + space


def _table(headers: list[str], rows: list[list[str]], right: set[int], markdown: bool) -> str:
    if markdown:
        cell = [h.replace("|", "\\|") for h in headers]
        lines = ["| " + " | ".join(cell) + " |"]
        lines.append(
            "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"
        )
        for row in rows:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        return "\n".join(lines)
    widths = [max(_cells(text) for text in column) for column in zip(headers, *rows, strict=True)]
    return "\n".join(
        "  ".join(
            _pad(text, width, i in right)
            for i, (text, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in [headers, *rows]
    )


def render(report: WeekReport, *, markdown: bool) -> str:
    """The page as Markdown (to paste into notes) or plain text (to read in a terminal)."""
    out: list[str] = []

    def heading(text: str, level: int = 2) -> None:
        if markdown:
            out.extend(["#" * level + " " + text, ""])
        else:
            out.extend([text, ("=" if level == 1 else "-") * _cells(text), ""])

    who = f" · {report.me[0]}" if report.me else ""
    heading(
        _("Week {label} ({start} – {end})").format(
            label=report.label, start=report.start.isoformat(), end=report.end.isoformat()
        )
        + who,
        1,
    )
    effort = report.effort
    heading(_("Effort"))
    out.extend([summary_line(report), ""])
    if not effort.empty:
        total = effort.total.minutes
        rows = [
            [
                a.name,
                duration(a.effort.minutes),
                str(a.effort.count),
                formatting.share(a.effort.minutes, total),
            ]
            for a in effort.accounts
        ]
        if effort.rest_accounts:
            rows.append(
                [
                    ngettext(
                        "The other {n} account", "The other {n} accounts", effort.rest_accounts
                    ).format(n=f"{effort.rest_accounts:,}"),
                    duration(effort.rest.minutes),
                    str(effort.rest.count),
                    formatting.share(effort.rest.minutes, total),
                ]
            )
        headers = [_("Account"), _("Time"), _("Activities"), _("Share")]
        out.extend([_table(headers, rows, {1, 2, 3}, markdown), ""])
        rows = [
            [
                type_label(t.type),
                duration(t.effort.minutes),
                str(t.effort.count),
                formatting.share(t.effort.minutes, total),
            ]
            for t in effort.types
        ]
        headers = [_("Type"), _("Time"), _("Activities"), _("Share")]
        out.extend([_table(headers, rows, {1, 2, 3}, markdown), ""])
        split = _("Reactive {reactive} · proactive {proactive} · recurring {recurring}").format(
            reactive=duration(effort.reactive.minutes),
            proactive=duration(effort.proactive.minutes),
            recurring=duration(effort.recurring.minutes),
        )
        audience = _("One-to-one {one} · one-to-many {many}").format(
            one=duration(effort.one_to_one.minutes), many=duration(effort.one_to_many.minutes)
        )
        out.extend([split, audience, ""])
    bullet = "- " if markdown else "  "
    heading(_("Checklist items done ({n})").format(n=len(report.items_done)))
    if report.items_done:
        out.extend(f"{bullet}{i.done_on} · {i.account} — {i.title}" for i in report.items_done)
    else:
        out.append(_("None this week."))
    out.append("")
    heading(_("Tasks"))
    out.append(_("Done this week: {n}").format(n=len(report.tasks_done)))
    out.extend(f"{bullet}{t.done_on} · {t.account} — {t.title}" for t in report.tasks_done)
    out.append(_("Overdue: {n}").format(n=len(report.tasks_overdue)))
    for task in report.tasks_overdue:
        late = (report.on - task.due).days if task.due else 0
        days = ngettext("{n} day late", "{n} days late", late).format(n=late)
        out.append(f"{bullet}{task.due} ({days}) · {task.account} — {task.title}")
    out.append("")
    heading(_("Health movers in 30 days"))
    moves = [*report.drops, *report.rises]
    if moves:
        rows = [[m.account, str(m.score), formatting.change(m.change)] for m in moves]
        out.extend([_table([_("Account"), _("Health"), _("Change")], rows, {1, 2}, markdown), ""])
    else:
        out.extend([_("No account moved {n} points or more.").format(n=MOVE_POINTS), ""])
    heading(
        _("Renewals overdue or within {days} days ({n})").format(
            days=RENEWAL_SOON_DAYS, n=len(report.renewals)
        )
    )
    if report.renewals:
        rows = [
            [
                r.renewal.isoformat(),
                formatting.days(r.days),
                r.account,
                formatting.money(r.value, r.currency),
                "—" if r.health is None else str(r.health),
                r.last_contact.isoformat() if r.last_contact else "—",
            ]
            for r in report.renewals
        ]
        headers = [
            _("Renewal"),
            _("Days"),
            _("Account"),
            _("Value"),
            _("Health"),
            _("My last activity"),
        ]
        out.extend([_table(headers, rows, {1, 3, 4}, markdown), ""])
    else:
        out.extend([_("None."), ""])
    if report.outcomes:  # renewal outcomes recorded in the week (issue 14)
        from csm_tui.services.renewal_outcome import outcome_text

        heading(_("Outcomes recorded: {n}").format(n=len(report.outcomes)))
        out.extend(f"{bullet}{o.account_name}: {outcome_text(o)}" for o in report.outcomes)
        out.append("")
    return "\n".join(out).rstrip() + "\n"

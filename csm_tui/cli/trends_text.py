"""`csm-tui report trends` as Markdown (a table per part, a column per month and the change
against the month before), JSON or CSV (one row per rate and month, with the counts behind it)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from csm_tui import formatting
from csm_tui.i18n import _
from csm_tui.services.trends import Point, RuleTasks, Series, TrendsReport, Unit


def month_label(report: TrendsReport, index: int) -> str:
    return report.months[index].strftime("%Y-%m")


def label(series: Series) -> str:
    return series.label if series.literal else _(series.label)


def value_text(unit: Unit, point: Point) -> str:
    """A share in whole percent, or minutes per account; `—` when there is nothing to measure."""
    rate = point.rate
    if rate is None:
        return formatting.EMPTY
    if unit is Unit.SHARE:
        return formatting.share(point.part, point.whole)
    return formatting.duration(round(rate))


def change_text(unit: Unit, change: float | None) -> str:
    """Month over month: `+5 pt` for a share (percentage points), `-12 min` per account."""
    if change is None:
        return formatting.EMPTY
    if unit is Unit.SHARE:
        return _("{n} pt").format(n=formatting.signed(round(change * 100)))
    minutes = round(change)
    return ("+" if minutes > 0 else "") + formatting.duration(minutes)


def rule_series(rule: RuleTasks) -> tuple[Series, ...]:
    """A rule's tasks as three series, named after the rule."""
    name = rule.name or _("Tasks made by hand")
    return (
        Series(
            f"rule.{rule.rule_id}.on_time",
            f"{name}: " + _("on time"),
            Unit.SHARE,
            rule.on_time,
            True,
        ),
        Series(f"rule.{rule.rule_id}.late", f"{name}: " + _("late"), Unit.SHARE, rule.late, True),
        Series(f"rule.{rule.rule_id}.open", f"{name}: " + _("open"), Unit.SHARE, rule.open, True),
    )


def sections(report: TrendsReport) -> list[tuple[str, tuple[Series, ...]]]:
    by_rule = tuple(s for rule in report.rules for s in rule_series(rule))
    return [
        (_("Work"), report.work),
        (_("Tasks due each month"), report.tasks),
        (_("Tasks by playbook rule"), by_rule),
        (_("Outcomes (share of activities)"), report.outcomes),
        (_("Minutes per account, by segment"), report.segments),
    ]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def render_markdown(report: TrendsReport, who: str | None = None) -> str:
    months = [month_label(report, i) for i in range(len(report.months))]
    title = _("Trends {start} – {end}").format(start=months[0], end=months[-1])
    out = ["# " + title + (f" · {who}" if who else ""), ""]
    out.append(
        _("My work; each rate month by month, and its change against the month before.")
        if report.mine_only
        else _(
            "Everyone's work; each rate month by month, and its change against the month before."
        )
    )
    out.append("")
    header = [_("Rate"), *months, _("Change")]
    rule = "|---|" + "---:|" * (len(months) + 1)
    totals = [
        [_("Activities"), *(formatting.count(n) for n in report.activities), ""],
        [_("Time"), *(formatting.duration(n) for n in report.minutes), ""],
    ]
    for heading, series in sections(report):
        if not series:
            continue
        out.extend([f"## {heading}", "", _row(header), rule])
        if heading == _("Work"):
            out.extend(_row(cells) for cells in totals)
        for s in series:
            cells = [value_text(s.unit, p) for p in s.points]
            out.append(_row([label(s), *cells, change_text(s.unit, s.change)]))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def records(report: TrendsReport) -> list[dict[str, Any]]:
    """One record per rate and month: the counts, the rate and its change from the month before."""
    found: list[dict[str, Any]] = []
    for _heading, series in sections(report):
        for s in series:
            before: float | None = None
            for index, point in enumerate(s.points):
                rate = point.rate
                change = None if rate is None or before is None else rate - before
                found.append(
                    {
                        "rate": s.key,
                        "label": label(s),
                        "unit": s.unit.value,
                        "month": month_label(report, index),
                        "part": point.part,
                        "whole": point.whole,
                        "value": None if rate is None else round(rate, 6),
                        "change": None if change is None else round(change, 6),
                    }
                )
                before = rate
    return found


def render_json(report: TrendsReport) -> str:
    document = {
        "months": [month_label(report, i) for i in range(len(report.months))],
        "mine_only": report.mine_only,
        "activities": list(report.activities),
        "minutes": list(report.minutes),
        "rates": records(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_csv(report: TrendsReport) -> str:
    rows = records(report)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        ["rate", "label", "unit", "month", "part", "whole", "value", "change"],
        lineterminator="\n",
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()

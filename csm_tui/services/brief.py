"""The coverage brief: what a covering colleague must know, composed from the record.

`build_brief` gathers it as a structured object (the Handoff tab renders that); `brief_markdown`
writes the same content as Markdown for the clipboard, a file and `csm-tui handoff export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from csm_tui import formatting as fmt
from csm_tui.formatting import TYPE_LABELS as TYPE_LABELS
from csm_tui.i18n import N_, _, current_language, ngettext, pgettext
from csm_tui.models.book import HEALTH_DROP_POINTS
from csm_tui.services.handoff import FIELD_LABELS, NoteView, notes_of

if TYPE_CHECKING:
    from csm_tui.clock import Clock
    from csm_tui.models.account import Account
    from csm_tui.models.contact import Contact
    from csm_tui.models.handoff import HandoffNote
    from csm_tui.models.health import HealthSnapshot
    from csm_tui.services.accounts import OwnerView
    from csm_tui.services.renewal_outcome import LastOutcome
    from csm_tui.services.roadmap_templates import Template
    from csm_tui.store.connection import Store

RECENT = 10  # activities in the brief
SPARK = "▁▂▃▄▅▆▇█"

OUTCOME_LABELS = {
    "none": N_("No outcome"),
    "resolved": N_("Resolved"),
    "follow_up": N_("Follow-up needed"),
    "risk_found": N_("Risk found"),
    "expansion": N_("Expansion opportunity"),
}


@dataclass(frozen=True)
class BriefItem:
    title: str
    stage_title: str
    due_date: date | None
    overdue: bool
    moment_of_truth: bool


@dataclass(frozen=True)
class BriefActivity:
    occurred_at: datetime
    type: str
    minutes: int
    outcome: str
    note: str
    author_name: str


@dataclass(frozen=True)
class BriefCommitment:
    text: str
    due: date | None
    overdue: bool
    author_name: str


@dataclass(frozen=True)
class BriefContact:
    contact: Contact
    key: bool  # named as a key contact in a handoff note


@dataclass(frozen=True)
class Brief:
    """Everything the brief says, in the order it says it, for one day."""

    today: date
    account: Account
    owners: list[OwnerView]
    health_change_30d: int | None
    health_months: list[int]  # the last score of each of the last 12 months, oldest first
    days_to_renewal: int | None
    stage_title: str
    stage_started_on: date | None
    stage_done: int
    stage_total: int
    items: list[BriefItem]  # open items of the current stage, and overdue ones of any stage
    overdue: int
    activities: list[BriefActivity]  # the most recent, newest first
    activity_total: int
    minutes_total: int
    commitments: list[BriefCommitment]  # open ones, earliest due first
    contacts: list[BriefContact]
    notes: list[NoteView]  # latest versions, most recently changed first
    last_renewal: LastOutcome | None = None  # the last recorded renewal outcome (issue 14)
    relationship: str = ""  # issue 16: decision maker and champion met (services/participation)


def build_brief(
    store: Store,
    account_id: str,
    clock: Clock,
    reader: str | None = None,
    template: Template | None = None,
) -> Brief:
    """The brief for an account as of the clock's today; notes unread by `reader` are marked.

    `template` names the stages and items (default: the one for the account's segment).
    """
    from csm_tui.services.accounts import account_overview
    from csm_tui.services.participation import relationship_text
    from csm_tui.services.renewal_outcome import last_outcome
    from csm_tui.services.roadmap_templates import load_templates, template_for_segment
    from csm_tui.services.roadmap_view import account_roadmap, display_title
    from csm_tui.store.accounts import user_names
    from csm_tui.store.activities import activities_of, minutes_between

    today = clock.today()
    overview = account_overview(store, account_id, clock)
    account = overview.account
    if template is None:
        templates, _problems = load_templates()
        template = template_for_segment(templates, account.segment)
    roadmap = account_roadmap(store, account_id, today, template)
    language = current_language()
    items: list[BriefItem] = []
    current = next(stage for stage in roadmap.stages if stage.current)
    for stage in roadmap.stages:
        for item in stage.items:
            overdue = not item.done and item.due_date is not None and item.due_date < today
            if item.done or not (stage.current or overdue):
                continue
            items.append(
                BriefItem(
                    title=display_title(item, template, language),
                    stage_title=stage.title,
                    due_date=item.due_date,
                    overdue=overdue,
                    moment_of_truth=item.moment_of_truth,
                )
            )
    items.sort(key=lambda item: (not item.overdue, item.due_date or date.max))
    names = user_names(store)
    activities = [
        BriefActivity(
            occurred_at=activity.occurred_at,
            type=activity.type.value,
            minutes=activity.minutes,
            outcome=activity.outcome.value,
            note=activity.note,
            author_name=names.get(activity.author_email, activity.author_email),
        )
        for activity in activities_of(store, account_id, RECENT)
    ]
    count, minutes = minutes_between(store, account_id, None, None)
    notes = notes_of(store, account_id, reader)
    commitments = [
        BriefCommitment(
            text=promise.text,
            due=promise.due,
            overdue=promise.due is not None and promise.due < today,
            author_name=view.author_name,
        )
        for view in notes
        for promise in view.note.commitments
        if not promise.done
    ]
    commitments.sort(key=lambda item: (item.due or date.max, item.text))
    key_ids = {contact for view in notes for contact in view.note.key_contact_ids}
    return Brief(
        today=today,
        account=account,
        owners=overview.owners,
        health_change_30d=overview.health_change_30d,
        health_months=_monthly(overview.health, today),
        days_to_renewal=overview.days_to_renewal,
        stage_title=current.title,
        stage_started_on=roadmap.stage_started_on,
        stage_done=current.done,
        stage_total=current.total,
        items=items,
        overdue=roadmap.overdue,
        activities=activities,
        activity_total=count,
        minutes_total=minutes,
        commitments=commitments,
        contacts=[BriefContact(c, c.id in key_ids) for c in overview.contacts],
        notes=notes,
        last_renewal=last_outcome(store, account_id),
        relationship=relationship_text(store, account_id, today),
    )


def _monthly(history: list[HealthSnapshot], today: date) -> list[int]:
    """The last score of each of the last 12 months, oldest first, from the first known one."""
    by_month = {
        snapshot.date.year * 12 + snapshot.date.month - 1: snapshot.score for snapshot in history
    }
    this_month = today.year * 12 + today.month - 1
    values: list[int] = []
    last: int | None = None
    for month in range(this_month - 11, this_month + 1):
        last = by_month.get(month, last)
        if last is not None:
            values.append(last)
    return values


# -- words shared by the Markdown and the Handoff tab ----------------------------------------------


def sparkline(values: list[int]) -> str:
    """Block characters scaled between the lowest and highest value."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARK[3] * len(values)
    return "".join(SPARK[round((value - low) * 7 / (high - low))] for value in values)


def renewal_text(days: int | None) -> str:
    if days is None:
        return _("no renewal date")
    if days < 0:
        return ngettext("{n} day overdue", "{n} days overdue", -days).format(n=-days)
    if days == 0:
        return _("today")
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


def health_text(brief: Brief) -> str:
    score = brief.account.health_score
    if score is None:
        return _("No health score yet.")
    text = f"{score} / 100"
    change = brief.health_change_30d
    if change is not None:
        if change <= -HEALTH_DROP_POINTS:
            trend = _("down {n} in 30 days (falling)").format(n=-change)
        elif change >= HEALTH_DROP_POINTS:
            trend = _("up {n} in 30 days (rising)").format(n=change)
        else:
            trend = _("{change} in 30 days (steady)").format(change=fmt.signed(change))
        text += " · " + trend
    return text


def months_text(brief: Brief) -> str:
    values = brief.health_months
    if len(values) < 2:
        return _("Not enough history for a trend yet.")
    return _("Last 12 months: {spark} (low {low}, high {high})").format(
        spark=sparkline(values), low=min(values), high=max(values)
    )


def owner_text(owner: OwnerView) -> str:
    role = _("primary") if owner.role.value == "primary" else _("secondary")
    text = f"{owner.name} ({role}"
    if owner.coverage_from or owner.coverage_to:
        text += ", " + _("covers {period}").format(
            period=period_text(owner.coverage_from, owner.coverage_to)
        )
    if owner.coverage_reason:
        text += f": {owner.coverage_reason}"
    return text + ")"


def period_text(start: date | None, end: date | None) -> str:
    return f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"


def money_text(account: Account) -> str:
    return fmt.money(account.contract_value, account.currency)


def contact_text(item: BriefContact) -> str:
    contact = item.contact
    parts = [contact.name]
    if contact.role:
        parts.append(contact.role)
    if contact.email:
        parts.append(contact.email)
    marks = []
    if contact.is_champion:
        marks.append(_("champion"))
    if contact.is_decision_maker:
        marks.append(_("decision maker"))
    if item.key:
        marks.append(_("key contact"))
    return ", ".join(parts) + (f" — {', '.join(marks)}" if marks else "")


def local_time(moment: datetime) -> str:
    return fmt.moment(moment)


def one_line(text: str) -> str:
    return " / ".join(line.strip() for line in text.splitlines() if line.strip())


def activity_text(activity: BriefActivity) -> str:
    parts = [
        local_time(activity.occurred_at),
        _(TYPE_LABELS.get(activity.type, activity.type)),
        fmt.duration(activity.minutes),
        _(OUTCOME_LABELS.get(activity.outcome, activity.outcome)),
        activity.author_name,
    ]
    note = one_line(activity.note)
    return " · ".join(parts) + (f" — {note}" if note else "")


def hours_text(minutes: int) -> str:
    return fmt.duration(minutes)


# -- Markdown ----------------------------------------------------------------------------------


def brief_markdown(brief: Brief, contacts_by_id: dict[str, str] | None = None) -> str:
    """The brief as Markdown, in the current language."""
    account = brief.account
    names = contacts_by_id or {item.contact.id: item.contact.name for item in brief.contacts}
    title = _("Coverage brief")
    out = [f"# {title}: {account.name}", ""]
    out.append("_" + _("As of {date}").format(date=brief.today.isoformat()) + "_")
    out += ["", "## " + _("Summary"), ""]
    out.append(_fact(_("Segment"), account.segment or "—"))
    out.append(_fact(pgettext("panel", "Contract"), money_text(account)))
    renewal = account.renewal_date.isoformat() if account.renewal_date else "—"
    out.append(
        _fact(pgettext("date", "Renewal"), f"{renewal} ({renewal_text(brief.days_to_renewal)})")
    )
    if brief.last_renewal is not None:
        from csm_tui.services.renewal_outcome import outcome_text

        out.append(_fact(_("Last renewal"), outcome_text(brief.last_renewal)))
    owners = "; ".join(owner_text(owner) for owner in brief.owners) or "—"
    out.append(_fact(_("Owners"), owners))
    if account.tags:
        out.append(_fact(_("Tags"), ", ".join(account.tags)))
    out += ["", "## " + _("Health"), "", health_text(brief), "", months_text(brief)]
    out += ["", f"## {stage_heading(brief)}", ""]
    if brief.stage_started_on:
        out += [_("In this stage since {date}.").format(date=brief.stage_started_on), ""]
    out += [f"- [ ] {item_text(item)}" for item in brief.items] or [_("No open items.")]
    out += ["", f"## {activities_heading(brief)}", ""]
    out += [f"- {activity_text(a)}" for a in brief.activities] or [_("No activities yet.")]
    out += ["", "## " + _(FIELD_LABELS["commitments"]), ""]
    out += [f"- {commitment_text(c)}" for c in brief.commitments] or [_("No open commitments.")]
    out += ["", "## " + _("Contacts"), ""]
    out += [brief.relationship, ""] if brief.relationship else []
    out += [f"- {contact_text(c)}" for c in brief.contacts] or [_("No contacts yet.")]
    out += ["", "## " + _("Handoff notes"), ""]
    if not brief.notes:
        out += [_("No handoff notes yet."), ""]
    for view in brief.notes:
        out += [f"### {note_heading(view)}", "", *note_markdown(view.note, names)]
    return "\n".join(out).rstrip() + "\n"


def _fact(label: str, value: str) -> str:
    return f"- **{label}**: {value}"


def _bold(label: str) -> str:
    return f"**{label}**"


def stage_heading(brief: Brief) -> str:
    return _("Stage: {stage} ({done} of {total} done)").format(
        stage=brief.stage_title, done=brief.stage_done, total=brief.stage_total
    )


def activities_heading(brief: Brief) -> str:
    return _("Recent activities ({shown} of {total}; {time} in all)").format(
        shown=len(brief.activities),
        total=brief.activity_total,
        time=hours_text(brief.minutes_total),
    )


def item_text(item: BriefItem) -> str:
    text = item.title + (" ★" if item.moment_of_truth else "")
    if item.due_date:
        text += " · " + _("due {date}").format(date=item.due_date.isoformat())
    if item.overdue:
        text += " · **" + _("overdue") + "**" + f" ({item.stage_title})"
    return text


def commitment_text(item: BriefCommitment) -> str:
    due = item.due.isoformat() if item.due else "—"
    late = " · **" + _("overdue") + "**" if item.overdue else ""
    return f"{due} · {item.text} ({item.author_name}){late}"


def note_heading(view: NoteView) -> str:
    created = local_time(view.note.created_at) if view.note.created_at else ""
    text = f"{created} · {view.author_name} · " + _("version {n}").format(n=view.note.version)
    if view.unread:
        text += " · " + _("unread")
    if view.conflict:
        text += " · " + _("conflicting edit")
    return text


def note_markdown(note: HandoffNote, contact_names: dict[str, str]) -> list[str]:
    """One version's content as Markdown lines (the headings are the caller's)."""
    out: list[str] = []
    for name in ("situation", "goals", "risks"):
        text = getattr(note, name)
        if text:
            out += [_bold(_(FIELD_LABELS[name])), "", text, ""]
    if note.commitments:
        out += [_bold(_("Commitments")), ""]
        for item in note.commitments:
            box = "[x]" if item.done else "[ ]"
            out.append(f"- {box} {item.due.isoformat() if item.due else '—'} {item.text}")
        out.append("")
    if note.key_contact_ids:
        people = ", ".join(contact_names.get(cid, "?") for cid in note.key_contact_ids)
        out += [_bold(_(FIELD_LABELS["key_contacts"])) + f": {people}", ""]
    if note.coverage_from or note.coverage_to:
        period = period_text(note.coverage_from, note.coverage_to)
        out += [_bold(_(FIELD_LABELS["coverage"])) + f": {period}", ""]
    if note.body:
        out += [_bold(_(FIELD_LABELS["body"])), "", note.body, ""]
    return out

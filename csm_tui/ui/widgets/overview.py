"""The Overview tab: contract and renewal, health with its 12-month trend, owners, contacts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from csm_tui.i18n import _, pgettext
from csm_tui.models.book import HEALTH_DROP_POINTS, RENEWAL_SOON_DAYS
from csm_tui.ui import format as fmt
from csm_tui.ui.widgets.relationship_line import RelationshipLine
from csm_tui.ui.widgets.signals_line import SignalsLine

if TYPE_CHECKING:
    from csm_tui.models.contact import Contact
    from csm_tui.services.accounts import AccountOverview
    from csm_tui.services.session import Session


def monthly_scores(overview: AccountOverview, today: date) -> list[float]:
    """One value per month for the last 12 months (the month's last snapshot), oldest first."""
    by_month: dict[tuple[int, int], int] = {}
    for snapshot in overview.health:
        by_month[(snapshot.date.year, snapshot.date.month)] = snapshot.score
    values: list[float] = []
    year, month = today.year, today.month
    months = []
    for _i in range(12):
        months.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    last: float | None = None
    for key in reversed(months):
        if key in by_month:
            last = float(by_month[key])
        if last is not None:
            values.append(last)
    return values


class Panel(Vertical):
    """A bordered box with a title."""

    DEFAULT_CSS = """
    Panel {
        border: round $primary 40%;
        border-title-color: $primary;
        border-title-style: bold;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, title: str, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.border_title = title


class Overview(Vertical):
    """Everything a CSM wants on one screen before a call."""

    # wide, the Health box shows the components beside the score and its trend, not under them
    # (under them, the box grew twice as tall as the Contract box and its right side stayed empty)
    WIDE = 140

    DEFAULT_CSS = """
    Overview { height: auto; }
    Overview Grid { grid-size: 2; grid-gutter: 0 1; height: auto; grid-rows: auto; }
    Overview Sparkline { height: 3; margin: 1 0 0 0; }
    Overview .muted { color: $foreground-muted; }
    Overview #health-row { height: auto; layout: vertical; }
    Overview #health-trend { height: auto; }
    Overview #components { height: auto; }
    Overview.-wide #health-row { layout: horizontal; }
    Overview.-wide #health-trend { width: 1fr; }
    Overview.-wide #components { width: auto; margin: 0 0 0 3; }
    Overview #contacts-empty { color: $foreground-muted; }
    Overview #contacts-legend { color: $foreground-muted; }
    """

    def __init__(
        self,
        overview: AccountOverview,
        today: date,
        session: Session,
        removed_contacts: list[Contact],
    ) -> None:
        super().__init__()
        self.data = overview
        self.today = today
        self.session = session
        self.removed_contacts = removed_contacts  # the screen's: undo outlives a redraw

    def compose(self) -> ComposeResult:
        with Grid():
            yield Panel(pgettext("panel", "Contract"), Static(self._contract()), id="contract")
            scores = monthly_scores(self.data, self.today)
            trend: list[Static | Sparkline] = [Static(self._health(scores))]
            trend.append(RelationshipLine(self.session, self.data.account.id, self.today))
            trend.append(SignalsLine(self.session, self.data.account.id, self.today))
            if len(scores) >= 2:
                trend.append(Sparkline(scores, summary_function=max))
            with Panel(_("Health"), id="health"), Horizontal(id="health-row"):
                yield Vertical(*trend, id="health-trend")
                yield Static(self._components(), classes="muted", id="components")
            yield Panel(_("Owners"), Static(self._owners()), id="owners")
        yield Panel(_("Contacts"), *self._contacts(), id="contacts")  # the whole width

    def on_resize(self) -> None:
        self.set_class(self.size.width >= self.WIDE, "-wide")

    def _grid(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        return table

    def _contract(self) -> Table:
        account = self.data.account
        table = self._grid()
        table.add_row(_("Value"), fmt.money(account.contract_value, account.currency))
        renewal = Text(account.renewal_date.isoformat() if account.renewal_date else "—")
        days = self.data.days_to_renewal
        if days is not None:
            if days < 0:
                label, style = _("{n} days ago").format(n=-days), "bold red"
            else:
                label = _("in {n} days").format(n=days)
                style = "bold yellow" if days <= RENEWAL_SOON_DAYS else ""
            renewal.append(f"  ({label})", style=style)
        table.add_row(pgettext("date", "Renewal"), renewal)
        table.add_row(_("Segment"), account.segment or "—")
        table.add_row(_("Stage"), fmt.stage(account.stage))
        table.add_row(_("Tags"), ", ".join(account.tags) or "—")
        table.add_row(_("External ID"), account.external_id or "—")
        table.add_row(_("Last activity"), (self.data.last_activity or "—")[:10])
        return table

    def _health(self, scores: list[float]) -> Text:
        score = self.data.account.health_score
        if score is None:
            return Text(_("No health score yet."), style="italic")
        text = Text(f"{score}", style="bold")
        text.append(" / 100   ")
        change = self.data.health_change_30d
        if change is not None:
            style = ""
            if change <= -HEALTH_DROP_POINTS:
                style = "bold red"
            elif change >= HEALTH_DROP_POINTS:
                style = "bold green"
            text.append(_("{change} in 30 days").format(change=fmt.change(change)), style=style)
        if len(scores) >= 2:
            low, high = int(min(scores)), int(max(scores))
            text.append(
                "\n" + _("Last 12 months: low {low}, high {high}").format(low=low, high=high)
            )
        else:
            text.append("\n" + _("Not enough history for a trend yet."), style="italic")
        return text

    def _components(self) -> Table | Text:
        """Each component now, its change in 30 days and its weight (`[health]` in config)."""
        from csm_tui.services.health import component_changes, component_label, weights_from_config

        config = getattr(self.app, "config", None)
        weights = weights_from_config(config.raw if config is not None else {})
        changes = component_changes(self.data.health, self.today, weights)
        if not changes:
            return Text("")
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for item in changes:
            change = Text(fmt.change(item.change))
            if item.change is not None and abs(item.change) >= HEALTH_DROP_POINTS:
                change.stylize("bold red" if item.change < 0 else "bold green")
            weight = _("weight {share}%").format(share=round(item.share * 100))
            table.add_row(component_label(item.name), str(item.value), change, weight)
        return table

    def _owners(self) -> Table:
        table = self._grid()
        if not self.data.owners:
            table.add_row(_("No owner yet."), "")
        for owner in self.data.owners:
            who = Text(owner.name)
            if owner.is_me:
                who.append(" " + _("(you)"), style="bold")
            who.append(f"  <{owner.email}>", style="dim")
            if owner.coverage_from or owner.coverage_to:
                start = owner.coverage_from.isoformat() if owner.coverage_from else "…"
                end = owner.coverage_to.isoformat() if owner.coverage_to else "…"
                who.append("\n" + _("Covers {start} → {end}").format(start=start, end=end))
                if owner.coverage_reason:
                    who.append(f" ({owner.coverage_reason})")
            table.add_row(fmt.role(owner.role), who)
        return table

    def _contacts(self) -> list[Widget]:
        """The contacts table (its keys add, edit, remove and mark them) and what its marks
        mean; with no contact yet, how to add one."""
        from csm_tui.ui.widgets.contact_table import ContactTable, legend

        table = ContactTable(
            self.session, self.data.account.id, self.data.contacts, self.removed_contacts
        )
        parts: list[Widget] = [table, Static(legend(), id="contacts-legend")]
        if not self.data.contacts:
            parts = [Static(_("No contacts yet. n adds one."), id="contacts-empty"), table]
        change = self.session.records.last_champion_change(self.data.account.id)
        if change is not None:  # a moment of truth: when the champion last changed
            day, before, after = change
            said = (
                _("Champion since {day}: {new} (before: {old})")
                if after
                else _("No champion since {day} (before: {old})")
            )
            text = said.format(day=day, new=after, old=before or "—")
            parts.insert(0, Static(text, id="champion-change", classes="muted"))
        return parts

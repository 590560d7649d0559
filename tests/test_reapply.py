"""Re-applying changed roadmap templates across the book: the plan, then the new items only."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_checklist_services import RENEWAL, by_key, journal

from csm_tui.models.account import Account
from csm_tui.services import checklist as cl
from csm_tui.services.accounts import create_account
from csm_tui.services.roadmap_reapply import plan_reapply, reapply
from csm_tui.services.roadmap_templates import ItemTemplate, Template, built_in_templates
from csm_tui.store import checklist as queries
from csm_tui.store.connection import Store


@pytest.fixture
def templates() -> dict[str, Template]:
    return built_in_templates()


@pytest.fixture
def book(store: Store, me: tuple[str, str], templates: dict[str, Template]) -> list[Account]:
    """Two default-roadmap accounts and one tech-touch account, each with its roadmap."""
    accounts = [
        create_account(store, Account(name="Acme", segment="SMB", renewal_date=RENEWAL)),
        create_account(store, Account(name="Globex", segment="Enterprise", renewal_date=RENEWAL)),
        create_account(store, Account(name="Tiny", segment="Tech Touch", renewal_date=RENEWAL)),
    ]
    cl.add_missing_roadmaps(store, templates)
    return accounts


def with_item(template: Template, key: str, title: str) -> Template:
    """The template with one more item, in the stage of its first item."""
    first = template.items[0]
    extra: ItemTemplate = replace(first, key=key, title_en=title, title_ja=title + "（日本語）")
    return replace(template, items=(*template.items, extra))


@pytest.fixture
def changed(templates: dict[str, Template]) -> dict[str, Template]:
    """The templates after the user added an "nps" item to the default one."""
    return {**templates, "default": with_item(templates["default"], "nps", "Ask for an NPS")}


def test_an_unchanged_template_plans_nothing(
    store: Store, book: list[Account], templates: dict[str, Template]
) -> None:
    plan = plan_reapply(store, templates)
    assert (plan.accounts, plan.items) == (0, 0)
    assert reapply(store, plan) == 0


def test_a_new_item_reaches_the_accounts_of_that_template_only(
    store: Store, book: list[Account], changed: dict[str, Template]
) -> None:
    acme, globex, tiny = book
    plan = plan_reapply(store, changed)
    assert set(plan.missing) == {acme.id, globex.id}
    assert (plan.accounts, plan.items) == (2, 2)
    before = len(journal(store))
    assert reapply(store, plan, language="en") == 2
    assert by_key(store, acme.id, "nps").title == "Ask for an NPS"
    assert by_key(store, globex.id, "nps").stage == changed["default"].items[0].stage
    assert all(item.item_key != "nps" for item in queries.items_of(store, tiny.id))
    inserts = [e for e in journal(store)[before:] if e[1] == "insert"]
    assert sorted(e[2]["account_id"] for e in inserts) == sorted([acme.id, globex.id])
    assert plan_reapply(store, changed).accounts == 0  # done: a second run adds nothing


def test_ticks_custom_items_and_dropped_items_are_kept(
    store: Store, book: list[Account], templates: dict[str, Template]
) -> None:
    acme = book[0]
    handoff = by_key(store, acme.id, "handoff")
    cl.tick(store, handoff.id, True, "read twice")
    custom = cl.add_custom_item(store, acme.id, handoff.stage, "Call the CFO")
    default = templates["default"]
    # the handoff item leaves the template, and a new item comes in
    trimmed = replace(default, items=tuple(i for i in default.items if i.key != "handoff"))
    changed = {**templates, "default": with_item(trimmed, "nps", "Ask for an NPS")}
    reapply(store, plan_reapply(store, changed, [acme.id]))
    kept = by_key(store, acme.id, "handoff")
    assert kept.done and kept.done_note == "read twice"
    assert any(item.id == custom.id for item in queries.items_of(store, acme.id))
    assert by_key(store, acme.id, "nps")


def test_only_the_accounts_asked_for(
    store: Store, book: list[Account], changed: dict[str, Template]
) -> None:
    acme, globex, _tiny = book
    plan = plan_reapply(store, changed, [globex.id])
    assert list(plan.missing) == [globex.id]
    reapply(store, plan)
    assert all(item.item_key != "nps" for item in queries.items_of(store, acme.id))


def test_an_account_deleted_after_the_plan_is_skipped(
    store: Store, book: list[Account], changed: dict[str, Template]
) -> None:
    acme, globex, _tiny = book
    plan = plan_reapply(store, changed)
    with store.transaction() as tx:  # as a sync applies a colleague's deletion
        tx.delete("accounts", acme.id)
    seen: list[tuple[int, int]] = []
    assert reapply(store, plan, progress=lambda done, total: seen.append((done, total))) == 1
    assert by_key(store, globex.id, "nps")
    assert seen == [(2, 2)]


def test_an_account_without_a_roadmap_gets_all_of_it(
    store: Store, me: tuple[str, str], templates: dict[str, Template]
) -> None:
    bare = create_account(store, Account(name="Bare", segment="SMB", renewal_date=RENEWAL))
    plan = plan_reapply(store, templates)
    assert plan.items == len(templates["default"].items)
    reapply(store, plan)
    assert len(queries.items_of(store, bare.id)) == len(templates["default"].items)

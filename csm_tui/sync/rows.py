"""The synced tables' rows as they travel: SQLite column values (JSON lists as text, flags as
0/1), so a journal entry is sent as written and a pulled row is stored as it arrives.

`ROW_MODELS` validates a whole row per table (the server, on every write); `wire_tuples` checks
a page of rows fast (the client). Columns and defaults must match the client's schema: a test
compares them with a freshly migrated database.
"""

from __future__ import annotations

import json
import operator
from datetime import date, datetime
from functools import cache, lru_cache, reduce
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    model_validator,
)
from typing_extensions import TypedDict

from csm_tui.models.limits import (
    EMAIL_PATTERN,
    MAX_COMMITMENTS,
    MAX_CONTRACT_VALUE,
    MAX_EMAIL,
    MAX_ID,
    MAX_KEY_CONTACTS,
    MAX_LONG,
    MAX_NAME,
    MAX_POSITION,
    MAX_SHORT,
    MAX_VERSION,
    Components,
    Count,
    Minutes,
    Nps,
    Percent,
    Score,
    Skills,
    Tags,
    has_nul,
    pair_problem,
)

# -- field types (validate, never transform: the stored text must stay byte for byte) -------------

Id = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_ID, pattern=r"^[A-Za-z0-9_.:-]+$")
]
ClientId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
MutationId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Email = Annotated[str, StringConstraints(min_length=3, max_length=MAX_EMAIL, pattern=EMAIL_PATTERN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
Short = Annotated[str, StringConstraints(max_length=MAX_SHORT)]
Long = Annotated[str, StringConstraints(max_length=MAX_LONG)]
Flag = Annotated[int, Field(ge=0, le=1)]
Stage = Literal["onboarding", "adoption", "renewal"]


def _iso_date(value: str) -> str:
    date.fromisoformat(value)
    return value


def _iso_time(value: str) -> str:
    datetime.fromisoformat(value)
    return value


IsoDate = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_iso_date)
]
IsoTime = Annotated[
    str,
    StringConstraints(
        max_length=40,
        pattern=r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$",
    ),
    AfterValidator(_iso_time),
]


def _json_of(shape: Any) -> AfterValidator:
    """Checks that a text column holds JSON of `shape`; the text itself is kept."""
    adapter: TypeAdapter[Any] = TypeAdapter(shape)

    def check(value: str) -> str:
        adapter.validate_python(json.loads(value))
        return value

    return AfterValidator(check)


class _Commitment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Short
    due: IsoDate | None = None
    done: bool = False


_JsonText = StringConstraints(max_length=100_000)
TagsText = Annotated[str, _JsonText, _json_of(Tags)]
ComponentsText = Annotated[str, _JsonText, _json_of(Components)]
CommitmentsText = Annotated[
    str, _JsonText, _json_of(Annotated[list[_Commitment], Field(max_length=MAX_COMMITMENTS)])
]
SkillsText = Annotated[str, _JsonText, _json_of(Skills)]
IdsText = Annotated[
    str, _JsonText, _json_of(Annotated[list[Id], Field(max_length=MAX_KEY_CONTACTS)])
]


# -- rows --------------------------------------------------------------------------------------


class Row(BaseModel):
    """A whole row of a synced table; unknown columns are refused, and so is a NUL character
    in any text (PostgreSQL cannot store one; nobody types one)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(has_nul(value) for value in data.values()):
            raise ValueError("text may not contain a NUL character")
        return data


class UserRow(Row):
    email: Email
    name: Name


class AccountRow(Row):
    id: Id
    external_id: Short | None = None
    name: Name
    segment: Short = ""
    contract_value: Annotated[float, Field(ge=0, le=MAX_CONTRACT_VALUE)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    renewal_date: IsoDate | None = None
    health_score: Score | None = None
    stage: Stage = "onboarding"
    tags: TagsText = "[]"
    created_at: IsoTime
    updated_at: IsoTime
    stage_started_on: IsoDate | None = None
    archived_on: IsoDate | None = None  # issue 14: kept, hidden, restorable


class OwnerRow(Row):
    id: Id
    account_id: Id
    user_email: Email
    role: Literal["primary", "secondary"]
    coverage_from: IsoDate | None = None
    coverage_to: IsoDate | None = None
    coverage_reason: Short = ""
    created_at: IsoTime


class ContactRow(Row):
    id: Id
    account_id: Id
    name: Name
    role: Short = ""
    email: Email | None = None
    is_champion: Flag = 0
    is_decision_maker: Flag = 0
    created_at: IsoTime
    phone: Short = ""
    is_key: Flag = 0


class HealthRow(Row):
    id: Id
    account_id: Id
    date: IsoDate
    score: Score
    components: ComponentsText = "{}"


class ChecklistRow(Row):
    id: Id
    account_id: Id
    stage: Stage
    item_key: Short = ""
    title: Name
    description: Long = ""
    moment_of_truth: Flag = 0
    due_date: IsoDate | None = None
    due_rule: Short = ""
    position: Annotated[int, Field(ge=-MAX_POSITION, le=MAX_POSITION)] = 0
    custom: Flag = 0
    done: Flag = 0
    done_by: Email | None = None
    done_at: IsoTime | None = None
    done_note: Long = ""
    created_at: IsoTime
    updated_at: IsoTime


class ActivityRow(Row):
    id: Id
    account_id: Id | None = None
    author_email: Email
    type: Literal["call", "meeting", "email", "chat", "inquiry", "training", "internal", "other"]
    minutes: Minutes
    occurred_at: IsoTime
    proactive: Flag = 0
    recurring: Flag = 0
    outcome: Literal["resolved", "follow_up", "risk_found", "expansion", "none"] = "none"
    note: Long = ""
    checklist_item_id: Id | None = None
    created_at: IsoTime
    updated_at: IsoTime
    # who it was for (issue 16): one account (account_id), a segment, several accounts, none
    audience: Literal["account", "segment", "accounts", "none"] = "account"
    audience_segment: Short = ""
    audience_accounts: IdsText = "[]"
    skills: SkillsText = "[]"  # the skills the work needed (issue 16)
    participants: IdsText = "[]"  # the account's contacts who took part (issue 16)

    @model_validator(mode="after")
    def _one_account_or_many(self) -> ActivityRow:
        if (self.audience == "account") != (self.account_id is not None):
            raise ValueError("an activity has an account exactly when it is for one account")
        return self


class HandoffRow(Row):
    id: Id
    note_id: Id
    version: Annotated[int, Field(ge=1, le=MAX_VERSION)]
    parent_id: Id | None = None
    account_id: Id
    author_email: Email
    situation: Long = ""
    goals: Long = ""
    risks: Long = ""
    commitments: CommitmentsText = "[]"
    key_contact_ids: IdsText = "[]"
    coverage_from: IsoDate | None = None
    coverage_to: IsoDate | None = None
    body: Long = ""
    created_at: IsoTime
    conflict: Flag = 0


class HandoffReadRow(Row):
    id: Id
    note_id: Id
    account_id: Id
    reader_email: Email
    read_version: Annotated[int, Field(ge=0, le=MAX_VERSION)] = 0
    read_at: IsoTime | None = None


class UsageMetricRow(Row):
    id: Id
    account_id: Id
    period: Literal["day", "week"]
    period_start: IsoDate
    logins: Count | None = None
    active_users: Count | None = None
    key_feature_uses: Count | None = None
    inquiries: Count | None = None
    new_users: Count | None = None
    created_at: IsoTime
    surveys_sent: Count | None = None
    surveys_answered: Count | None = None
    nps: Nps | None = None
    csat: Percent | None = None
    feedback_items: Count | None = None
    events_invited: Count | None = None
    events_attended: Count | None = None

    @model_validator(mode="after")
    def _answered_within_sent(self) -> UsageMetricRow:
        problem = pair_problem(self.__dict__)
        if problem is not None:
            raise ValueError(problem)
        return self


class TaskRow(Row):
    id: Id
    account_id: Id
    title: Name
    title_ja: Short = ""
    due_date: IsoDate | None = None
    remind_on: IsoDate | None = None
    checklist_item_id: Id | None = None
    source: Literal["manual", "playbook"] = "manual"
    rule_id: Short = ""
    occurrence: Short = ""
    assignee_email: Email
    done: Flag = 0
    done_at: IsoTime | None = None
    done_by: Email | None = None
    created_at: IsoTime
    updated_at: IsoTime


class PlaybookFiringRow(Row):
    id: Id
    rule_id: Short
    account_id: Id
    occurrence: Short
    fired_at: IsoTime
    tasks: Count = 0


class CalendarMarkRow(Row):
    id: Id
    account_id: Id
    user_email: Email
    key: Short
    state: Literal["logged", "dismissed"]
    starts_at: Short = ""
    minutes: Count = 0
    activity_id: Id | None = None
    marked_at: IsoTime


class RenewalRow(Row):
    id: Id
    account_id: Id
    outcome: Literal["renewed", "churned", "downgraded", "expanded"]
    recorded_on: IsoDate
    renewal_date: IsoDate | None = None
    new_renewal_date: IsoDate | None = None
    previous_value: Annotated[float, Field(ge=0, le=MAX_CONTRACT_VALUE)] | None = None
    new_value: Annotated[float, Field(ge=0, le=MAX_CONTRACT_VALUE)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    note: Long = ""
    recorded_by: Short = ""
    created_at: IsoTime


class AccountSnoozeRow(Row):
    id: Id
    account_id: Id
    user_email: Email
    until: IsoDate
    reason: Short = ""
    snoozed_on: IsoDate
    updated_at: IsoTime


class ChampionChangeRow(Row):
    id: Id
    account_id: Id
    contact_id: Id | None = None
    contact_name: Short = ""
    previous_contact_id: Id | None = None
    previous_name: Short = ""
    changed_on: IsoDate
    changed_by: Short = ""
    created_at: IsoTime


ROW_MODELS: dict[str, type[Row]] = {
    "users": UserRow,
    "accounts": AccountRow,
    "owners": OwnerRow,
    "contacts": ContactRow,
    "health_snapshots": HealthRow,
    "checklist_items": ChecklistRow,
    "activities": ActivityRow,
    "handoff_notes": HandoffRow,
    "handoff_reads": HandoffReadRow,
    "usage_metrics": UsageMetricRow,
    "tasks": TaskRow,
    "playbook_firings": PlaybookFiringRow,
    "calendar_marks": CalendarMarkRow,
    "renewals": RenewalRow,
    "account_snoozes": AccountSnoozeRow,
    "champion_changes": ChampionChangeRow,
}
"""Synced tables, parents before children (the order a whole account is sent in)."""

ADDED_LATER: dict[str, dict[str, Any]] = {
    "accounts": {"archived_on": None},
    "contacts": {"phone": "", "is_key": 0},
    "activities": {
        "audience": "account",
        "audience_segment": "",
        "audience_accounts": "[]",
        "skills": "[]",
        "participants": "[]",
    },
    "usage_metrics": {
        "surveys_sent": None,
        "surveys_answered": None,
        "nps": None,
        "csat": None,
        "feedback_items": None,
        "events_invited": None,
        "events_attended": None,
    },
}
"""Columns added to a table after servers had stored rows of it: a row stored before lacks
them, and the feed sends it with these values (the models' defaults; a test checks they agree).
A column added to a synced table goes here too."""

PRIVATE = {
    "handoff_reads": "reader_email",
    "calendar_marks": "user_email",
    "account_snoozes": "user_email",
}
"""Rows that only the user named in this column sees and writes (a read receipt, what the user
did with a meeting of their calendar, an account set aside on their Today), though they belong
to an account."""

KEY_COLUMN = {"users": "email"}
"""The primary key column of each table, when it is not `id`."""


def key_column(table: str) -> str:
    return KEY_COLUMN.get(table, "id")


# -- checking a pulled page fast ---------------------------------------------------------------
# A first sync brings hundreds of thousands of rows: the client checks them as tuples (validated
# in pydantic-core, no model objects, no dicts) built from the row models, keeping every type,
# length, pattern and bound (and so every CHECK of the book's schema) but not the Python-level
# checks (a real calendar date, JSON inside text); the server ran those on every write.


class TableRowsDict(TypedDict):
    table: str
    columns: list[str]
    seqs: list[int]
    rows: Any  # lists, checked with their table's columns (see `wire_tuples`): no copy on the way


class TombstoneDict(TypedDict):
    seq: int
    table: str
    id: Annotated[str, StringConstraints(min_length=1, max_length=254)]


class RowsPageDict(TypedDict):
    tables: list[TableRowsDict]
    deleted: list[TombstoneDict]
    cursor: int
    has_more: bool
    high_water: int
    epoch: str


ROWS_PAGE: TypeAdapter[RowsPageDict] = TypeAdapter(RowsPageDict)


def _without_python_checks(annotation: Any) -> Any:
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        kept = [item for item in extra if not isinstance(item, AfterValidator)]
        base = _without_python_checks(base)
        return Annotated[(base, *kept)] if kept else base
    if get_origin(annotation) in (Union, UnionType):
        return reduce(operator.or_, [_without_python_checks(arg) for arg in get_args(annotation)])
    return annotation


@lru_cache(maxsize=64)
def wire_tuples(table: str, columns: tuple[str, ...]) -> TypeAdapter[list[tuple[Any, ...]]]:
    """Checks a table's rows as lists of values in the order of `columns`, which must be the
    table's columns (every one, once); gives tuples, ready to be written."""
    model = ROW_MODELS[table]
    if len(set(columns)) != len(columns) or set(columns) != set(model.model_fields):
        raise ValueError(f"the columns of {table} are not the client's")
    adapter: TypeAdapter[list[tuple[Any, ...]]] = TypeAdapter(_rows_of(table, columns))
    return adapter


def _rows_of(table: str, columns: tuple[str, ...]) -> Any:
    model = ROW_MODELS[table]
    kinds = []
    for name in columns:
        info = model.model_fields[name]
        annotation = _without_python_checks(info.annotation)
        kept = [item for item in info.metadata if not isinstance(item, AfterValidator)]
        kinds.append(Annotated[(annotation, *kept)] if kept else annotation)
    return list[tuple[tuple(kinds)]]  # type: ignore[misc]


COLUMNS = {table: tuple(model.model_fields) for table, model in ROW_MODELS.items()}
"""The order of the columns the server sends (each table's model's)."""


@cache
def whole_page() -> TypeAdapter[RowsPageDict]:
    """A page whose tables come with their columns in the order of `COLUMNS`, checked in one
    pass (parsing and checking in pydantic-core): a third faster than `ROWS_PAGE` and then
    `wire_tuples` per table, which remain for any other order."""
    make: Any = TypedDict  # made at run time: mypy cannot follow, pydantic can
    variants = tuple(
        make(
            f"{ROW_MODELS[table].__name__}Rows",
            {
                "table": Literal[table],
                "columns": list[str],
                "seqs": list[int],
                "rows": _rows_of(table, columns),
            },
        )
        for table, columns in COLUMNS.items()
    )
    tables: Any = list[Annotated[Union[variants], Field(discriminator="table")]]  # type: ignore[valid-type]  # noqa: UP007
    page = make("RowsPageWhole", {**RowsPageDict.__annotations__, "tables": tables})
    adapter: TypeAdapter[RowsPageDict] = TypeAdapter(page)
    return adapter

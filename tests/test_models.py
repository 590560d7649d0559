"""Validation rules of the domain records (pydantic models)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from csm_tui.models.account import Account, Stage
from csm_tui.models.activity import Activity, ActivityType, Outcome
from csm_tui.models.checklist import ChecklistItem
from csm_tui.models.contact import Contact
from csm_tui.models.handoff import Commitment, HandoffNote
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.models.user import User

WHEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    """The fields a pydantic error complains about."""
    return {str(err["loc"][0]) for err in exc.value.errors()}


# -- Account ---------------------------------------------------------------------------------


class TestAccount:
    def test_defaults(self) -> None:
        account = Account(name="Acme")
        assert account.currency == "USD"
        assert account.stage is Stage.ONBOARDING
        assert account.tags == []
        assert account.segment == ""
        assert account.contract_value is None
        assert account.health_score is None
        assert account.renewal_date is None
        assert account.external_id is None
        assert len(account.id) == 32  # uuid4 hex
        assert Account(name="Acme").id != account.id

    def test_name_is_required(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Account()  # type: ignore[call-arg]
        assert _errors(exc) == {"name"}

    @pytest.mark.parametrize("name", ["", "   ", "\t\n"])
    def test_blank_name_is_rejected(self, name: str) -> None:
        with pytest.raises(ValidationError) as exc:
            Account(name=name)
        assert _errors(exc) == {"name"}

    def test_name_is_trimmed(self) -> None:
        assert Account(name="  Acme Corp \t").name == "Acme Corp"

    def test_name_length_limit(self) -> None:
        assert len(Account(name="x" * 500).name) == 500
        with pytest.raises(ValidationError):
            Account(name="x" * 501)

    def test_unknown_field_is_rejected(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Account(name="Acme", colour="red")  # type: ignore[call-arg]
        assert _errors(exc) == {"colour"}

    def test_tags_from_string_split_trimmed_deduplicated(self) -> None:
        assert Account(name="A", tags="a; b;;a").tags == ["a", "b"]  # type: ignore[arg-type]

    def test_tags_from_list_trimmed_deduplicated_in_order(self) -> None:
        assert Account(name="A", tags=[" z ", "y", "", "z", "  "]).tags == ["z", "y"]

    def test_tags_empty_string_is_no_tags(self) -> None:
        assert Account(name="A", tags="").tags == []  # type: ignore[arg-type]
        assert Account(name="A", tags=" ; ;").tags == []  # type: ignore[arg-type]

    def test_tag_length_limit(self) -> None:
        assert Account(name="A", tags=["t" * 50]).tags == ["t" * 50]
        with pytest.raises(ValidationError):
            Account(name="A", tags=["t" * 51])

    @pytest.mark.parametrize("score", [0, 1, 50, 100])
    def test_health_in_range(self, score: int) -> None:
        assert Account(name="A", health_score=score).health_score == score

    @pytest.mark.parametrize("score", [-1, 101, 1000])
    def test_health_out_of_range(self, score: int) -> None:
        with pytest.raises(ValidationError) as exc:
            Account(name="A", health_score=score)
        assert _errors(exc) == {"health_score"}

    @pytest.mark.parametrize("currency", ["USD", "JPY", "EUR"])
    def test_currency_ok(self, currency: str) -> None:
        assert Account(name="A", currency=currency).currency == currency

    @pytest.mark.parametrize("currency", ["usd", "US", "USDX", "U$D", "", "12A"])
    def test_currency_pattern(self, currency: str) -> None:
        with pytest.raises(ValidationError) as exc:
            Account(name="A", currency=currency)
        assert _errors(exc) == {"currency"}

    def test_negative_value_rejected(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Account(name="A", contract_value=Decimal("-0.01"))
        assert _errors(exc) == {"contract_value"}

    def test_zero_value_allowed(self) -> None:
        assert Account(name="A", contract_value=0).contract_value == Decimal(0)

    @pytest.mark.parametrize(
        ("given", "expected"),
        [("1200", Decimal("1200")), ("1200.5", Decimal("1200.50")), ("0.01", Decimal("0.01"))],
    )
    def test_value_with_up_to_two_decimals(self, given: str, expected: Decimal) -> None:
        assert Account(name="A", contract_value=given).contract_value == expected  # type: ignore[arg-type]

    @pytest.mark.parametrize("given", ["10.005", "0.001", "abc", "1e400"])
    def test_value_bad_decimals(self, given: str) -> None:
        with pytest.raises(ValidationError):
            Account(name="A", contract_value=given)  # type: ignore[arg-type]

    def test_value_max_digits(self) -> None:
        assert Account(name="A", contract_value="9999999999999.99").contract_value == Decimal(  # type: ignore[arg-type]
            "9999999999999.99"
        )
        with pytest.raises(ValidationError):
            Account(name="A", contract_value="99999999999999.99")  # type: ignore[arg-type]

    def test_dates_and_stage_parse(self) -> None:
        account = Account(name="A", renewal_date="2027-03-31", stage="renewal")  # type: ignore[arg-type]
        assert account.renewal_date == date(2027, 3, 31)
        assert account.stage is Stage.RENEWAL
        with pytest.raises(ValidationError):
            Account(name="A", stage="churned")  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            Account(name="A", renewal_date="2027-02-30")  # type: ignore[arg-type]

    def test_blank_external_id_is_none(self) -> None:
        assert Account(name="A", external_id="   ").external_id is None
        assert Account(name="A", external_id=" SF-1 ").external_id == "SF-1"

    def test_assignment_is_validated(self) -> None:
        account = Account(name="A")
        with pytest.raises(ValidationError):
            account.health_score = 101


# -- OwnerAssignment -------------------------------------------------------------------------


class TestOwner:
    def test_period_in_order(self) -> None:
        owner = OwnerAssignment(
            account_id="a",
            user_email="Ken@Example.com",
            role=Role.SECONDARY,
            coverage_from=date(2026, 12, 1),
            coverage_to=date(2026, 12, 31),
            coverage_reason=" parental leave ",
        )
        assert owner.user_email == "ken@example.com"
        assert owner.coverage_reason == "parental leave"

    def test_same_day_period_is_fine(self) -> None:
        day = date(2026, 12, 1)
        owner = OwnerAssignment(
            account_id="a",
            user_email="k@example.com",
            role="secondary",  # type: ignore[arg-type]
            coverage_from=day,
            coverage_to=day,
        )
        assert owner.role is Role.SECONDARY

    def test_period_reversed_is_rejected(self) -> None:
        with pytest.raises(ValidationError, match="ends before it starts"):
            OwnerAssignment(
                account_id="a",
                user_email="k@example.com",
                role=Role.SECONDARY,
                coverage_from=date(2026, 12, 2),
                coverage_to=date(2026, 12, 1),
            )

    def test_open_ended_periods(self) -> None:
        OwnerAssignment(
            account_id="a",
            user_email="k@example.com",
            role=Role.SECONDARY,
            coverage_to=date(2026, 12, 2),
        )
        OwnerAssignment(
            account_id="a",
            user_email="k@example.com",
            role=Role.SECONDARY,
            coverage_from=date(2026, 12, 2),
        )

    def test_role_must_be_known(self) -> None:
        with pytest.raises(ValidationError) as exc:
            OwnerAssignment(account_id="a", user_email="k@example.com", role="owner")  # type: ignore[arg-type]
        assert _errors(exc) == {"role"}


# -- Email -----------------------------------------------------------------------------------


class TestEmail:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("Aoi.Tanaka@Example.COM", "aoi.tanaka@example.com"),
            ("  ken@example.co.jp  ", "ken@example.co.jp"),
            ("a+tag@sub.example.org", "a+tag@sub.example.org"),
        ],
    )
    def test_lower_cased_and_trimmed(self, given: str, expected: str) -> None:
        assert User(name="X", email=given).email == expected

    @pytest.mark.parametrize(
        "given",
        [
            "",
            "aoi",
            "aoi@example",
            "@example.com",
            "aoi@",
            "aoi tanaka@example.com",
            "aoi@@example.com",
            "aoi@exa mple.com",
            "a" * 250 + "@x.com",
        ],
    )
    def test_invalid(self, given: str) -> None:
        with pytest.raises(ValidationError) as exc:
            User(name="X", email=given)
        assert _errors(exc) == {"email"}

    def test_optional_email_on_contact(self) -> None:
        assert Contact(account_id="a", name="Yui").email is None
        assert Contact(account_id="a", name="Yui", email="YUI@X.JP").email == "yui@x.jp"
        with pytest.raises(ValidationError):
            Contact(account_id="a", name="Yui", email="yui")


# -- HealthSnapshot --------------------------------------------------------------------------


class TestHealth:
    @pytest.mark.parametrize("score", [0, 100])
    def test_bounds_ok(self, score: int) -> None:
        snap = HealthSnapshot(account_id="a", date=date(2026, 11, 1), score=score)
        assert snap.score == score
        assert snap.components == {}

    @pytest.mark.parametrize("score", [-1, 101])
    def test_bounds_rejected(self, score: int) -> None:
        with pytest.raises(ValidationError) as exc:
            HealthSnapshot(account_id="a", date=date(2026, 11, 1), score=score)
        assert _errors(exc) == {"score"}

    def test_components_bounded(self) -> None:
        snap = HealthSnapshot(
            account_id="a", date="2026-11-01", score=70, components={"usage": 0, "support": 100}
        )  # type: ignore[arg-type]
        assert snap.date == date(2026, 11, 1)
        assert snap.components == {"usage": 0, "support": 100}
        with pytest.raises(ValidationError):
            HealthSnapshot(account_id="a", date=date(2026, 11, 1), score=70, components={"u": 101})
        with pytest.raises(ValidationError):
            HealthSnapshot(account_id="a", date=date(2026, 11, 1), score=70, components={"": 1})
        with pytest.raises(ValidationError):
            HealthSnapshot(
                account_id="a", date=date(2026, 11, 1), score=70, components={"k" * 41: 1}
            )


# -- Activity --------------------------------------------------------------------------------


class TestActivity:
    def _activity(self, **fields: object) -> Activity:
        return Activity.model_validate(
            {
                "account_id": "a",
                "author_email": "Aoi@Example.com",
                "occurred_at": WHEN,
                "minutes": 30,
                **fields,
            }
        )

    def test_defaults(self) -> None:
        activity = self._activity()
        assert activity.type is ActivityType.CALL
        assert activity.outcome is Outcome.NONE
        assert activity.proactive is False
        assert activity.recurring is False
        assert activity.note == ""
        assert activity.checklist_item_id is None
        assert activity.author_email == "aoi@example.com"

    @pytest.mark.parametrize("minutes", [1, 60, 1440])
    def test_minutes_ok(self, minutes: int) -> None:
        assert self._activity(minutes=minutes).minutes == minutes

    @pytest.mark.parametrize("minutes", [0, -5, 1441])
    def test_minutes_rejected(self, minutes: int) -> None:
        with pytest.raises(ValidationError) as exc:
            self._activity(minutes=minutes)
        assert _errors(exc) == {"minutes"}

    def test_type_and_outcome_must_be_known(self) -> None:
        assert self._activity(type="meeting", outcome="risk_found").type is ActivityType.MEETING
        with pytest.raises(ValidationError):
            self._activity(type="lunch")
        with pytest.raises(ValidationError):
            self._activity(outcome="great")

    def test_note_length_limit(self) -> None:
        assert len(self._activity(note="n" * 20_000).note) == 20_000
        with pytest.raises(ValidationError):
            self._activity(note="n" * 20_001)


# -- ChecklistItem ---------------------------------------------------------------------------


class TestChecklist:
    def test_defaults(self) -> None:
        item = ChecklistItem(account_id="a", stage=Stage.ADOPTION, title="  Kick-off call ")
        assert item.title == "Kick-off call"
        assert item.done is False
        assert item.done_by is None
        assert item.done_at is None
        assert item.custom is False
        assert item.moment_of_truth is False
        assert item.position == 0
        assert item.item_key == ""

    def test_title_required_and_stage_known(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ChecklistItem(account_id="a", stage=Stage.ADOPTION, title=" ")
        assert _errors(exc) == {"title"}
        with pytest.raises(ValidationError) as exc:
            ChecklistItem(account_id="a", stage="expansion", title="x")  # type: ignore[arg-type]
        assert _errors(exc) == {"stage"}

    def test_done_fields(self) -> None:
        item = ChecklistItem(
            account_id="a",
            stage="onboarding",  # type: ignore[arg-type]
            title="x",
            done=True,
            done_by="Aoi@Example.com",
            done_at=WHEN,
            due_date="2026-12-01",  # type: ignore[arg-type]
        )
        assert item.done_by == "aoi@example.com"
        assert item.due_date == date(2026, 12, 1)
        with pytest.raises(ValidationError):
            ChecklistItem(account_id="a", stage=Stage.ADOPTION, title="x", done_by="nobody")


# -- HandoffNote -----------------------------------------------------------------------------


class TestHandoff:
    def test_defaults(self) -> None:
        note = HandoffNote(account_id="a", author_email="Aoi@Example.com")
        assert note.version == 1
        assert note.parent_id is None
        assert note.author_email == "aoi@example.com"
        assert note.commitments == []
        assert note.key_contact_ids == []
        assert note.situation == note.goals == note.risks == note.body == ""
        assert note.created_at is None
        # a version id and the note's id are separate, fresh ids
        assert len(note.id) == len(note.note_id) == 32
        assert note.id != note.note_id
        other = HandoffNote(account_id="a", author_email="a@example.com")
        assert {other.id, other.note_id}.isdisjoint({note.id, note.note_id})

    def test_next_version(self) -> None:
        first = HandoffNote(account_id="a", author_email="a@example.com", situation="calm")
        second = HandoffNote(
            account_id="a",
            author_email="b@example.com",
            note_id=first.note_id,
            version=first.version + 1,
            parent_id=first.id,
            situation="stormy",
            commitments=[Commitment(text=" send QBR deck ", due=date(2026, 12, 3))],
        )
        assert second.note_id == first.note_id
        assert second.id != first.id
        assert second.version == 2
        assert second.parent_id == first.id
        assert second.commitments[0].text == "send QBR deck"
        assert second.commitments[0].done is False

    @pytest.mark.parametrize("version", [0, -1])
    def test_version_starts_at_one(self, version: int) -> None:
        with pytest.raises(ValidationError) as exc:
            HandoffNote(account_id="a", author_email="a@example.com", version=version)
        assert _errors(exc) == {"version"}

    def test_commitments_from_dicts(self) -> None:
        note = HandoffNote.model_validate(
            {
                "account_id": "a",
                "author_email": "a@example.com",
                "commitments": [{"text": "call CFO", "due": "2026-12-01", "done": True}],
            }
        )
        assert note.commitments == [Commitment(text="call CFO", due=date(2026, 12, 1), done=True)]
        with pytest.raises(ValidationError):
            HandoffNote.model_validate(
                {
                    "account_id": "a",
                    "author_email": "a@example.com",
                    "commitments": [{"text": "x", "owner": "me"}],
                }
            )

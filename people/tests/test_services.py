"""Writes to people: registration, corrections and transfers that keep the posting history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from people.models import Person, Posting
from people.services import check_person_fields, person_create, person_transfer, person_update


def state() -> dict[str, Any]:
    return {
        "people": sorted(
            Person.objects.values_list(
                "pk",
                "full_name",
                "gender",
                "birth_year",
                "unit_id",
                "position",
                "id_number",
                "name_key",
            )
        ),
        "postings": sorted(
            Posting.objects.values_list("pk", "person_id", "org_id", "start_date", "end_date")
        ),
        "audit": AuditEvent.objects.count(),
    }


def register(unit: Org, **fields: Any) -> Person:
    data: dict[str, Any] = {
        "full_name": "Hoàng Văn Bình",
        "gender": "M",
        "birth_year": 1980,
        "unit": unit,
    }
    return person_create(actor=None, **(data | fields))


def test_it_registers_a_person_with_a_first_posting(snv_thai_nguyen: Org) -> None:
    person = register(
        snv_thai_nguyen,
        full_name="  hoàng   Văn Bình ",
        position=" Trưởng  phòng ",
        start_date=dt.date(2015, 5, 1),
        id_number=" 019080000001 ",
    )

    person.refresh_from_db()
    assert (person.full_name, person.name_key, person.position, person.id_number) == (
        "hoàng Văn Bình",
        "hoang van binh",
        "Trưởng phòng",
        "019080000001",
    )
    assert person.unit == snv_thai_nguyen
    assert list(person.postings.values_list("org_id", "position", "start_date", "end_date")) == [
        (snv_thai_nguyen.pk, "Trưởng phòng", dt.date(2015, 5, 1), None)
    ]


def test_it_starts_the_first_posting_today_by_default(snv_thai_nguyen: Org) -> None:
    person = register(snv_thai_nguyen)

    assert person.postings.get().start_date == timezone.localdate()


@pytest.mark.parametrize("id_number", ["123456789", "019185000124", ""])
def test_it_accepts_an_id_number_of_9_or_12_digits(snv_thai_nguyen: Org, id_number: str) -> None:
    assert register(snv_thai_nguyen, id_number=id_number).id_number == id_number


@pytest.mark.parametrize(
    "id_number",
    [
        "12345",
        "1234567890",
        "12345678901",
        "0191850001234",
        "01918500012a",
        "١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits are digits, but not an ID number's
    ],
)
def test_it_refuses_an_id_number_of_another_length(snv_thai_nguyen: Org, id_number: str) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        register(snv_thai_nguyen, id_number=id_number)

    assert exc.value.field == "id_number"
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"full_name": "   "}, "full_name"),
        ({"gender": "X"}, "gender"),
        ({"birth_year": 1800}, "birth_year"),
        ({"birth_year": timezone.localdate().year - 14}, "birth_year"),
        ({"category": "boss"}, "category"),
    ],
)
def test_it_refuses_bad_details(snv_thai_nguyen: Org, fields: dict[str, Any], field: str) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        register(snv_thai_nguyen, **fields)

    assert exc.value.field == field
    assert state() == before


def test_it_accepts_the_birth_year_bounds() -> None:
    today = dt.date(2025, 7, 1)
    for year in (1925, 2010):
        check_person_fields(
            full_name="A", gender="F", birth_year=year, category="staff", id_number="", today=today
        )
    for year in (1924, 2011):
        with pytest.raises(DomainError):
            check_person_fields(
                full_name="A",
                gender="F",
                birth_year=year,
                category="staff",
                id_number="",
                today=today,
            )


@pytest.mark.parametrize("name", ["Nguyễn Thị Lan", "nguyen thi lan", "NGUYỄN  THỊ LAN"])
def test_it_refuses_a_duplicate_name_birth_year_and_unit(
    person_thai_nguyen: Person, snv_thai_nguyen: Org, name: str
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        register(snv_thai_nguyen, full_name=name, gender="F", birth_year=1985)

    assert exc.value.field == "full_name"
    assert state() == before


@pytest.mark.parametrize(
    "fields",
    [{"birth_year": 1986}, {"birth_year": None}, {"full_name": "Nguyễn Thị Lành"}],
)
def test_it_accepts_a_namesake_of_another_year_or_name(
    person_thai_nguyen: Person, snv_thai_nguyen: Org, fields: dict[str, Any]
) -> None:
    person = register(snv_thai_nguyen, **({"full_name": "Nguyễn Thị Lan", "gender": "F"} | fields))

    assert Person.objects.filter(unit=snv_thai_nguyen).count() == 2
    assert person.pk != person_thai_nguyen.pk


def test_it_accepts_a_namesake_in_another_unit(
    person_thai_nguyen: Person, snv_bac_giang: Org
) -> None:
    register(snv_bac_giang, full_name="Nguyễn Thị Lan", gender="F", birth_year=1985)

    assert Person.objects.filter(name_key="nguyen thi lan").count() == 2


# --- corrections -------------------------------------------------------------------------------


def test_it_corrects_details(person_thai_nguyen: Person) -> None:
    person = person_update(
        actor=None,
        person=person_thai_nguyen,
        full_name=" Nguyễn  Thị Lan Anh",
        position="Trưởng phòng",
    )

    person.refresh_from_db()
    assert (person.full_name, person.name_key, person.position) == (
        "Nguyễn Thị Lan Anh",
        "nguyen thi lan anh",
        "Trưởng phòng",
    )


def test_it_refuses_a_correction_that_makes_a_duplicate(
    person_thai_nguyen: Person, snv_thai_nguyen: Org
) -> None:
    other = register(snv_thai_nguyen, full_name="Nguyễn Thị Lan", gender="F", birth_year=1986)
    before = state()

    with pytest.raises(DomainError) as exc:
        person_update(actor=None, person=other, birth_year=1985)

    assert exc.value.field == "full_name"
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": "12345"}, "id_number"),
        ({"gender": ""}, "gender"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_it_refuses_a_bad_correction(
    person_thai_nguyen: Person, fields: dict[str, Any], field: str
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        person_update(actor=None, person=person_thai_nguyen, **fields)

    assert exc.value.field == field
    assert state() == before


@pytest.mark.parametrize("field", ["unit", "name_key", "created_at"])
def test_it_refuses_to_change_other_fields(
    person_thai_nguyen: Person, snv_bac_giang: Org, field: str
) -> None:
    before = state()

    with pytest.raises(DomainError):
        person_update(actor=None, person=person_thai_nguyen, **{field: snv_bac_giang})

    assert state() == before


# --- transfers ---------------------------------------------------------------------------------


def test_it_closes_the_current_posting_the_day_before_a_transfer(
    person_thai_nguyen: Person, snv_thai_nguyen: Org, snv_bac_giang: Org
) -> None:
    posting = person_transfer(
        actor=None,
        person=person_thai_nguyen,
        to_unit=snv_bac_giang,
        start_date=dt.date(2024, 1, 15),
        position=" Phó  Giám đốc ",
        decision="125/QĐ-UBND",
    )

    person = Person.objects.get(pk=person_thai_nguyen.pk)
    assert person.unit == snv_bac_giang
    assert person.position == "Phó Giám đốc"
    assert list(
        person.postings.order_by("start_date").values_list(
            "org_id", "position", "start_date", "end_date", "decision"
        )
    ) == [
        (snv_thai_nguyen.pk, "Chuyên viên", dt.date(2010, 3, 1), dt.date(2024, 1, 14), ""),
        (snv_bac_giang.pk, "Phó Giám đốc", dt.date(2024, 1, 15), None, "125/QĐ-UBND"),
    ]
    assert posting == person.postings.get(end_date__isnull=True)


def test_it_keeps_the_position_when_none_is_given(
    person_thai_nguyen: Person, snv_bac_giang: Org
) -> None:
    posting = person_transfer(
        actor=None,
        person=person_thai_nguyen,
        to_unit=snv_bac_giang,
        start_date=dt.date(2024, 1, 15),
    )

    assert posting.position == "Chuyên viên"
    assert Person.objects.get(pk=person_thai_nguyen.pk).position == "Chuyên viên"


def test_it_keeps_the_whole_history_over_two_transfers(
    person_thai_nguyen: Person, snv_thai_nguyen: Org, snv_bac_giang: Org
) -> None:
    person_transfer(
        actor=None, person=person_thai_nguyen, to_unit=snv_bac_giang, start_date=dt.date(2020, 1, 1)
    )
    person_transfer(
        actor=None,
        person=person_thai_nguyen,
        to_unit=snv_thai_nguyen,
        start_date=dt.date(2020, 1, 2),
    )

    assert list(
        Posting.objects.filter(person=person_thai_nguyen)
        .order_by("start_date")
        .values_list("org_id", "start_date", "end_date")
    ) == [
        (snv_thai_nguyen.pk, dt.date(2010, 3, 1), dt.date(2019, 12, 31)),
        (snv_bac_giang.pk, dt.date(2020, 1, 1), dt.date(2020, 1, 1)),
        (snv_thai_nguyen.pk, dt.date(2020, 1, 2), None),
    ]
    assert Person.objects.get(pk=person_thai_nguyen.pk).unit == snv_thai_nguyen


@pytest.mark.parametrize("start", [dt.date(2010, 3, 1), dt.date(2010, 2, 28), dt.date(1999, 1, 1)])
def test_it_refuses_a_transfer_on_or_before_the_current_posting(
    person_thai_nguyen: Person, snv_bac_giang: Org, start: dt.date
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        person_transfer(
            actor=None, person=person_thai_nguyen, to_unit=snv_bac_giang, start_date=start
        )

    assert exc.value.field == "start_date"
    assert state() == before


def test_it_refuses_a_transfer_into_a_unit_that_no_longer_exists(
    person_thai_nguyen: Person, bac_kan: Org
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        person_transfer(
            actor=None, person=person_thai_nguyen, to_unit=bac_kan, start_date=dt.date(2026, 1, 1)
        )

    assert exc.value.field in {"to_unit", "start_date"}
    assert state() == before


def test_it_accepts_a_transfer_into_a_unit_before_it_ended(
    person_thai_nguyen: Person, bac_kan: Org
) -> None:
    person_transfer(
        actor=None, person=person_thai_nguyen, to_unit=bac_kan, start_date=dt.date(2020, 1, 1)
    )

    assert Person.objects.get(pk=person_thai_nguyen.pk).unit == bac_kan


def test_it_refuses_a_transfer_to_the_same_unit(
    person_thai_nguyen: Person, snv_thai_nguyen: Org
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        person_transfer(
            actor=None,
            person=person_thai_nguyen,
            to_unit=snv_thai_nguyen,
            start_date=dt.date(2024, 1, 1),
        )

    assert exc.value.field == "to_unit"
    assert state() == before


@pytest.mark.parametrize(
    "typed",
    ["019 185 000 123", "０１９１８５０００１２３", "019185000123\n"],
)
def test_it_tidies_an_id_number_as_typed(snv_thai_nguyen: Org, typed: str) -> None:
    # given an ID number typed with spaces, full-width digits or a stray line break
    # when the person is registered
    person = person_create(
        actor=None, full_name="Lò Văn Páo", gender="M", unit=snv_thai_nguyen, id_number=typed
    )
    # then the stored number is the plain 12 digits
    assert Person.objects.get(pk=person.pk).id_number == "019185000123"

"""The register's summary (stats.RecordTally): built, kept level, never read when behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.db import transaction

from people.services import person_transfer, person_update
from register.models import Decision, Record, Revocation
from stats import selectors, services
from stats.models import RecordTally, TallyState
from stats.tests.unit_fixtures import register_data_fixture  # noqa: F401  (a fixture)

URL = "/stats/"


def summary_of(response: Any) -> tuple[int, int, int, int]:
    s = response.context["summary"]
    return (s.in_force, s.individuals, s.collectives, s.revoked)


def test_it_counts_from_the_register_until_a_summary_is_built(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    assert selectors.source_for() == selectors.Source("live", None, False)

    state = services.tally_refresh()

    assert state.rows == RecordTally.objects.count()
    assert sum(RecordTally.objects.values_list("n", flat=True)) == Record.objects.count()
    assert state.max_record_id == Record.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    assert selectors.source_for().kind == "tally"


def test_it_groups_the_records_as_the_summary_keeps_them(register_data: dict[str, Any]) -> None:
    services.tally_refresh()
    xa = register_data["units"]["xa"]

    rows = sorted(
        RecordTally.objects.filter(unit=xa).values_list(
            "year",
            "code",
            "decision_category",
            "subject",
            "person_category",
            "gender",
            "ethnic_group",
            "revoked",
            "n",
        )
    )

    assert rows == [
        (2021, "GK", "cong_trang", "individual", "worker", "F", "", False, 1),
        (2022, "GK", "cong_trang", "individual", "staff", "M", "kinh", False, 1),
        (2024, "BK_BO", "phong_trao", "collective", "", "", "", False, 1),
        (2024, "BK_BO", "phong_trao", "individual", "leader", "F", "kinh", False, 1),
        (2024, "BK_TTG", "cong_trang", "individual", "leader", "F", "kinh", False, 1),
        (2024, "LDTT", "phong_trao", "individual", "worker", "M", "minority", False, 1),
    ]


def test_it_never_shows_figures_older_than_the_register(
    as_user: Any, register_data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    services.tally_refresh()
    client = as_user("officer_thai_nguyen")
    p7 = register_data["people"]["p7"]
    decision = Decision.objects.create(
        number="30/QĐ", date=dt.date(2024, 12, 30), issuer=register_data["units"]["thai_nguyen"]
    )
    Record.objects.create(
        decision=decision, person=p7, unit=register_data["units"]["xa"], code="CSTD_CS", year=2024
    )

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(URL)

    source = response.context["source"]
    assert (source.kind, source.behind) == ("live", True)
    assert summary_of(response) == (12, 10, 2, 1)
    assert b"counted directly from the register" in response.content or source.behind
    assert len(queued) == 1  # a catch-up for the worker

    services.tally_catch_up()
    response = client.get(URL)
    assert response.context["source"].kind == "tally"
    assert summary_of(response) == (12, 10, 2, 1)


def test_it_catches_up_with_a_revocation(register_data: dict[str, Any]) -> None:
    services.tally_refresh()
    r6 = register_data["records"]["r6"]
    Revocation.objects.create(
        record=r6, reason="x", decision_number="1/QĐ-TH", decision_date=dt.date(2025, 5, 1)
    )
    Record.objects.filter(pk=r6.pk).update(revoked=True)

    assert selectors.source_for().behind

    services.tally_catch_up()

    assert selectors.source_for().kind == "tally"
    rows = RecordTally.objects.filter(unit=register_data["units"]["xa"], code="LDTT")
    assert list(rows.values_list("revoked", "n")) == [(True, 1)]


def test_it_catches_up_with_a_persons_change_of_category(register_data: dict[str, Any]) -> None:
    services.tally_refresh()
    p2 = register_data["people"]["p2"]

    person_update(actor=None, person=p2, category="leader")

    assert selectors.source_for().behind
    services.tally_catch_up()
    assert selectors.source_for().kind == "tally"
    rows = RecordTally.objects.filter(code="LDTT", year=2022).order_by("gender")
    assert list(rows.values_list("person_category", "gender", "n")) == [
        ("leader", "F", 1),
        ("leader", "M", 1),
    ]


def test_it_catches_up_with_a_transfer(register_data: dict[str, Any]) -> None:
    services.tally_refresh()
    p1 = register_data["people"]["p1"]

    person_transfer(
        actor=None, person=p1, to_unit=register_data["units"]["xa"], start_date=dt.date(2025, 2, 1)
    )

    assert selectors.source_for().behind
    services.tally_catch_up()
    assert selectors.source_for().kind == "tally"


def test_it_catches_up_after_a_register_write_commits(
    register_data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    services.tally_refresh()
    decision = Decision.objects.create(
        number="31/QĐ", date=dt.date(2024, 12, 30), issuer=register_data["units"]["thai_nguyen"]
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Record.objects.create(
            decision=decision, org=register_data["units"]["xa"], code="TTLDTT", year=2024
        )
        services.tally_catch_up_later()

    assert len(callbacks) == 1
    assert selectors.source_for().kind == "tally"  # the task ran (immediately, in tests)
    assert RecordTally.objects.filter(unit=register_data["units"]["xa"], code="TTLDTT").get().n == 1


def test_it_rebuilds_everything_when_a_catch_up_touches_many_units(
    register_data: dict[str, Any], monkeypatch: Any
) -> None:
    services.tally_refresh()
    RecordTally.objects.all().delete()  # the next run must rebuild, not patch
    r6 = register_data["records"]["r6"]
    Revocation.objects.create(
        record=r6, reason="x", decision_number="2/QĐ-TH", decision_date=dt.date(2025, 5, 1)
    )
    monkeypatch.setattr(services, "FULL_ABOVE", 0)

    state = services.tally_catch_up()

    assert state.rows == RecordTally.objects.count() > 1
    assert sum(RecordTally.objects.values_list("n", flat=True)) == Record.objects.count()


def test_it_refreshes_from_the_command_line(register_data: dict[str, Any], capsys: Any) -> None:
    call_command("stats_refresh")
    call_command("stats_refresh", "--catch-up")

    out = capsys.readouterr().out
    assert "statistics summary:" in out
    state = TallyState.objects.get(pk=1)
    assert state.max_record_id == Record.objects.order_by("-pk").first().pk  # type: ignore[union-attr]


def test_it_gives_the_same_figures_from_the_summary_and_from_the_register(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    for params in ({}, {"from": "2021", "to": "2022"}, {"level": "co_so", "subject": "individual"}):
        live = client.get(URL, params)
        services.tally_refresh()
        tally = client.get(URL, params)
        RecordTally.objects.all().delete()
        TallyState.objects.all().delete()

        assert live.context["source"].kind == "live"
        assert tally.context["source"].kind == "tally"
        assert [c.by_key() for c in live.context["charts"]] == [
            c.by_key() for c in tally.context["charts"]
        ]


def test_it_queues_one_catch_up_per_transaction_however_many_writes(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        services.tally_catch_up_later()
        services.tally_catch_up_later()
        services.tally_catch_up_later()

    assert len(callbacks) == 1

"""Reads of people, always scoped to the units the user may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from core import permissions
from people.filters import PersonFilter
from people.models import Person, Posting


def person_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Person]:
    """People in units the user may see; the name search ignores diacritics and case."""
    # prefetch, not a join: SQLite's planner otherwise walks every unit for a name search.
    base = visible_people(user).prefetch_related("unit")
    return PersonFilter(filters or {}, queryset=base).qs


def visible_people(user: Any) -> QuerySet[Person]:
    if permissions.sees_everything(user, "person.view"):
        return Person.objects.all()  # no subquery over every unit for a system administrator
    return Person.objects.filter(unit__in=permissions.visible_orgs(user, "person.view"))


def person_get(*, user: Any, pk: int) -> Person:
    """One person the user may see; Person.DoesNotExist otherwise."""
    return visible_people(user).select_related("unit").get(pk=pk)


def person_postings(*, person: Person) -> QuerySet[Posting]:
    """A person's postings, newest first."""
    return person.postings.select_related("org").order_by("-start_date", "-id")

"""Personal data in exports: what a file may hold about a person beyond what every page shows.

A person's ID number (số CCCD/CMND) is personal data. Pages show it only to those who may
`person.view_personal` on the person's unit; a list export leaves it out unless the user asks for
it (`personal=1`) and their role allows it, and then gives it only for the people of the units
where it does. A user who asks without the right gets the file without it, and a note saying why:
an export's address may be shared, and whoever opens it should still get their file.

The register keeps a person's birth year only, never a date of birth, so the year is what every
page and export shows in place of the masked date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core import permissions
from core.excel import XlsxColumn
from people.models import Person

PARAM = "personal"


@dataclass(frozen=True)
class PersonalExport:
    """Whether an export was asked to hold personal data, and whether the user may see any."""

    user: Any
    asked: bool
    allowed: bool

    @property
    def included(self) -> bool:
        return self.asked and self.allowed

    def id_number(self, person: Person | None) -> str:
        """The person's ID number when the user may see it there, otherwise empty."""
        if person is None or not permissions.can(self.user, "person.view_personal", person):
            return ""
        return person.id_number

    def columns(self, person_of: Callable[[Any], Person | None]) -> list[XlsxColumn]:
        """The personal columns of an export whose rows lead to a person through `person_of`."""
        if not self.included:
            return []
        return [XlsxColumn(_("ID number"), lambda row: self.id_number(person_of(row)), 16)]

    def notes(self) -> list[str]:
        """What the file's note sheet says about personal data."""
        if self.included:
            return [
                _(
                    "This file holds ID numbers, which are personal data: keep it safe. They are "
                    "given only for the people of the units where your role lets you see them."
                )
            ]
        if self.asked:
            return [_("ID numbers were left out: your role does not let you see personal data.")]
        return []


def personal_export(request: HttpRequest) -> PersonalExport:
    """Read the export's `personal=1` and the user's right to see personal data anywhere."""
    return PersonalExport(
        user=request.user,
        asked=request.GET.get(PARAM) == "1",
        allowed=permissions.can(request.user, "person.view_personal"),
    )


def may_export_personal(user: Any) -> bool:
    """Whether to offer the export with ID numbers: the user may see them somewhere."""
    return permissions.can(user, "person.view_personal")

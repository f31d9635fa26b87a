"""Statistics: a summary of the commendation register kept for the dashboards (pre-aggregated).

The unit dashboard reads `RecordTally` (counts of records per unit, year, title or form, decision
category, subject, person category, gender, ethnic group and revocation) instead of the millions of
`register.Record` rows. `TallyState` says how far the summary has caught up with the register; the
pages check it on every view and, when the register has moved on, compute from the register
directly rather than show figures that are out of date (stats.selectors.source_for).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EthnicGroup(models.TextChoices):
    """Dân tộc: Kinh or an ethnic minority (dân tộc thiểu số); empty when not recorded."""

    KINH = "kinh", _("Kinh")
    MINORITY = "minority", _("Ethnic minority")
    UNKNOWN = "", _("Not recorded")


class RecordTally(models.Model):
    """How many commendations share the same unit, year, award and recipient traits.

    `unit` is the recipient's unit at the time (an individual's unit when the decision was made,
    a collective itself); a person's category, gender and ethnicity are as they are now. Kept by
    stats.services from the register, never edited.
    """

    unit = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    decision_category = models.CharField(max_length=12)
    subject = models.CharField(max_length=12)  # individual | collective
    person_category = models.CharField(max_length=10, blank=True)
    gender = models.CharField(max_length=1, blank=True)
    ethnic_group = models.CharField(max_length=8, blank=True, choices=EthnicGroup.choices)
    revoked = models.BooleanField(default=False)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["unit", "year"], name="stats_tally_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.code}: {self.n}"


class TallyState(models.Model):
    """Where the summary stands: built when, up to which record, revocation and audit event.

    One row (pk 1). A record, revocation or person change after these marks means the summary is
    behind: stats.services.tally_catch_up brings it level; the pages never read it meanwhile.
    """

    refreshed_at = models.DateTimeField(_("figures as of"), null=True, blank=True)
    max_record_id = models.BigIntegerField(default=0)
    max_revocation_id = models.BigIntegerField(default=0)
    audit_id = models.BigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("state of the statistics summary")

    def __str__(self) -> str:
        return f"{self.refreshed_at} (record ≤ {self.max_record_id})"

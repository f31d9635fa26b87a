"""Models of the Excel import of a decision's recipient list (see register.importing).

A `RecipientImport` is one uploaded workbook for one decision; once every row has been checked, its
rows are staged as `RecipientImportRow`s, each matched to a person already registered, to a person
to be created, or left uncertain until the officer picks on the review screen. Nothing reaches the
register before the officer applies the import, all at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["MatchKind", "RecipientImport", "RecipientImportRow", "RecipientImportStatus"]


class RecipientImportStatus(models.TextChoices):
    """pending → validating → review | ready → applying → done; validating → rejected; any → failed."""

    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    REJECTED = "rejected", _("Rejected: errors found, nothing changed")
    REVIEW = "review", _("Some people need to be confirmed")
    READY = "ready", _("Checked: ready to be added to the decision")
    APPLYING = "applying", _("Saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed: nothing changed")


class RecipientImport(models.Model):
    """Lần nhập danh sách khen thưởng từ Excel: one workbook of recipients for one decision."""

    decision = models.ForeignKey(
        "register.Decision",
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="recipient_imports",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecipientImportStatus.choices,
        default=RecipientImportStatus.PENDING,
    )
    file = models.FileField(_("file"), upload_to="register-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # What the check found (rows), then what applying it created.
    matched_rows = models.PositiveIntegerField(_("rows matched to a registered person"), default=0)
    new_rows = models.PositiveIntegerField(_("rows for people to be created"), default=0)
    uncertain_rows = models.PositiveIntegerField(_("rows to confirm"), default=0)
    collective_rows = models.PositiveIntegerField(_("rows for collectives"), default=0)
    records_created = models.PositiveIntegerField(_("commendations added"), default=0)
    people_created = models.PositiveIntegerField(_("people created"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import of recipients")
        verbose_name_plural = _("imports of recipients")

    def __str__(self) -> str:
        return f"{self.decision_id} · {self.original_name}"

    @property
    def is_running(self) -> bool:
        """Whether the page should keep polling (the task worker is on it)."""
        return self.status in (
            RecipientImportStatus.PENDING,
            RecipientImportStatus.VALIDATING,
            RecipientImportStatus.APPLYING,
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (
            RecipientImportStatus.DONE,
            RecipientImportStatus.REJECTED,
            RecipientImportStatus.FAILED,
        )

    @property
    def percent(self) -> int:
        if not self.is_running:
            return 100
        if self.status == RecipientImportStatus.APPLYING or not self.total_rows:
            return 0 if self.status == RecipientImportStatus.PENDING else 99
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class MatchKind(models.TextChoices):
    """How a staged row's recipient was found."""

    MATCHED = "matched", _("Registered person")
    UNCERTAIN = "uncertain", _("To confirm")
    NEW = "new", _("New person")
    COLLECTIVE = "collective", _("Collective")


class RecipientImportRow(models.Model):
    """One checked row of an import: the recipient found (or to create) and the commendation."""

    job = models.ForeignKey(RecipientImport, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField(_("row"))
    match = models.CharField(_("match"), max_length=10, choices=MatchKind.choices)
    # An individual as the file gives them (a new person is created from these).
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    name_key = models.CharField(max_length=160, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The person matched, or picked on the review screen; `create_new` when the officer chose so.
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("individual"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    create_new = models.BooleanField(_("create a new person"), default=False)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(_("title or form"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year of achievement"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["job", "row"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        indexes = [models.Index(fields=["job", "match", "row"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(create_new=True, person__isnull=False),
                name="recipient_import_row_one_choice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row}"

    @property
    def resolved(self) -> bool:
        return self.match != MatchKind.UNCERTAIN or self.create_new or self.person_id is not None

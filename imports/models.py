"""Excel import jobs: the uploaded file, its progress, and the row-by-row outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    """What an uploaded workbook holds."""

    ORGS = "orgs", _("Organisations")
    PEOPLE = "people", _("People")


class ImportStatus(models.TextChoices):
    """pending → validating → writing → done; validating → rejected; any → failed."""

    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    WRITING = "writing", _("Saving")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected: errors found, nothing changed")
    FAILED = "failed", _("Failed: nothing changed")


class ImportJob(models.Model):
    """Lần nhập Excel: one uploaded file; any error leaves the register untouched."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    duplicates = models.JSONField(_("duplicates"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)

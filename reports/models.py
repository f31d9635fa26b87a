"""An organisation's own layout of the yearly statistical report (an .xlsx with placeholders)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportTemplate(models.Model):
    """Mẫu biểu báo cáo thống kê of an organisation, uploaded by an officer.

    At most one is active per organisation; a new upload becomes active and the older ones stay
    (history: nothing is deleted). A unit without an active one uses its nearest ancestor's, else
    the built-in layout (reports/data/)."""

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="report_templates",
    )
    file = models.FileField(_("file"), upload_to="report_templates/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    placeholders = models.PositiveIntegerField(_("placeholders"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["org", "-uploaded_at", "-id"]
        verbose_name = _("statistical report template")
        verbose_name_plural = _("statistical report templates")
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=models.Q(active=True), name="report_template_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.org})"

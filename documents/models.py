"""Replacement templates: an organisation's own DOCX layout for a kind of generated document."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Org


class DocumentTemplate(models.Model):
    """Mẫu văn bản thay thế: the DOCX (with docxtpl's Jinja tags) an organisation uses instead of
    the built-in layout of a document kind, for itself and the units below it. Uploading another
    one, or removing it, retires it; retired templates stay for the history."""

    org = models.ForeignKey(
        Org, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("document kind"), max_length=50, db_index=True)
    file = models.FileField(_("template file"), upload_to="document-templates/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retired by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "org__name", "-uploaded_at"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind"],
                condition=models.Q(retired_at__isnull=True),
                name="document_template_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.name}"

    @property
    def is_current(self) -> bool:
        return self.retired_at is None

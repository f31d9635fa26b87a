"""Printed certificates (Bằng khen, Giấy khen, giấy chứng nhận) and their verification codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates import rules


class Certificate(models.Model):
    """The paper printed for one commendation, under a code the public checks on /verify/.

    Issued once per record: a reprint shows the same code, and a code is never given again."""

    record = models.OneToOneField(
        "register.Record",
        verbose_name=_("commendation"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    # The 12 symbols without the "TD" prefix and dashes (rules.display shows them grouped).
    code = models.CharField(_("verification code"), max_length=rules.LENGTH, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    times_printed = models.PositiveIntegerField(_("times printed"), default=0)
    last_printed_at = models.DateTimeField(_("last printed at"), null=True, blank=True)

    class Meta:
        ordering = ["record_id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return rules.display(self.code)

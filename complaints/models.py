"""Complaints and denunciations (khiếu nại, tố cáo) about dossiers, records and decisions.

A complaint is received by an officer or from the public page of a dossier under public comment,
handled by the unit responsible for its subject within a legal time limit in working days, and
closed with a resolution (which may revoke a commendation) or dismissed. Who sent it is seen only by
those who handle it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints import rules


class ComplaintKind(models.TextChoices):
    KHIEU_NAI = rules.KHIEU_NAI, _("Complaint")
    TO_CAO = rules.TO_CAO, _("Denunciation")
    PHAN_ANH = rules.PHAN_ANH, _("Feedback")


class Channel(models.TextChoices):
    OFFICER = "officer", _("Received by an officer")
    PUBLIC = "public", _("Public page")


class ComplaintStatus(models.TextChoices):
    RECEIVED = rules.RECEIVED, pgettext_lazy("complaint", "Received")
    HANDLING = rules.HANDLING, pgettext_lazy("complaint", "Being handled")
    RESOLVED = rules.RESOLVED, pgettext_lazy("complaint", "Resolved")
    DISMISSED = rules.DISMISSED, pgettext_lazy("complaint", "Dismissed")


class Complaint(models.Model):
    """Đơn khiếu nại, tố cáo, phản ánh about a dossier, a commendation or a decision."""

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ComplaintKind.choices)
    channel = models.CharField(_("received through"), max_length=10, choices=Channel.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    record = models.ForeignKey(
        "register.Record",
        verbose_name=_("commendation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    decision = models.ForeignKey(
        "register.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # The unit responsible for handling it: permissions and visibility follow this unit.
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("handled by (unit)"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # Who sent it: shown only to those who handle it (complaints.selectors.can_see_identity).
    complainant_name = models.CharField(_("complainant's name"), max_length=150, blank=True)
    complainant_contact = models.CharField(_("contact"), max_length=150, blank=True)
    complainant_address = models.CharField(_("address"), max_length=255, blank=True)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_assigned",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("closed on"), null=True, blank=True)
    revocation = models.OneToOneField(
        "register.Revocation",
        verbose_name=_("revocation it led to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    comment = models.OneToOneField(
        "dossiers.PublicComment",
        verbose_name=_("public comment it came from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    # A keyed hash of the public sender's address (dossiers.services.source_key): enough to limit
    # the rate, not to find the sender.
    source = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("complaint or denunciation")
        verbose_name_plural = _("complaints and denunciations")
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=False)
                | Q(record__isnull=False)
                | Q(decision__isnull=False),
                name="complaint_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["source", "created_at"]),
        ]

    def __str__(self) -> str:
        # Never the complainant's name: this is what the audit trail and the admin show.
        return self.reference

    @property
    def extended(self) -> bool:
        return self.extension_days > 0

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN


class StepKind(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint step", "Received")
    NOTE = "note", pgettext_lazy("complaint step", "Note")
    ASSIGNED = "assigned", pgettext_lazy("complaint step", "Assigned")
    EXTENDED = "extended", pgettext_lazy("complaint step", "Time limit extended")
    RESOLVED = "resolved", pgettext_lazy("complaint step", "Resolved")
    DISMISSED = "dismissed", pgettext_lazy("complaint step", "Dismissed")


class ComplaintStep(models.Model):
    """One step of handling a complaint (the timeline of its page): who did what, when."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="steps"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StepKind.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("handling step")
        verbose_name_plural = _("handling steps")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

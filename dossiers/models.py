"""Proposal dossiers (hồ sơ đề nghị khen thưởng) from the proposing unit to the decision.

A dossier goes from a unit to the level that appraises it, through public comment and the council,
and ends in a decision that lands in the register (register.Record) by itself. The working-day
calendar and the time limits of each level are data an officer edits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from register.models import Level


class Holiday(models.Model):
    """Ngày nghỉ lễ, Tết (or a weekend day made a working day, ngày làm bù) of the calendar."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    working = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a Saturday or Sunday that is worked to make up for a holiday."),
    )
    note = models.CharField(_("source or note"), max_length=255, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class LevelRule(models.Model):
    """Thời hạn xử lý of one level, in working days, and whether its candidates are posted for
    public comment (domain.md §7: examples 10 and 25 days; Decree 152 Art. 60 for comment)."""

    level = models.CharField(_("level"), max_length=12, choices=Level.choices, unique=True)
    appraisal_days = models.PositiveSmallIntegerField(_("appraisal time limit (working days)"))
    public_comment = models.BooleanField(_("public comment required"), default=False)
    comment_days = models.PositiveSmallIntegerField(
        _("public comment window (working days)"), default=10
    )
    legal_basis = models.CharField(_("legal basis or note"), max_length=255, blank=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("time limit of a level")
        verbose_name_plural = _("time limits of the levels")

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.appraisal_days}"


class DossierStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("dossier", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("dossier", "Submitted")
    APPRAISAL = "appraisal", pgettext_lazy("dossier", "Under appraisal")
    PUBLIC_COMMENT = "comment", pgettext_lazy("dossier", "Public comment")
    COUNCIL = "council", pgettext_lazy("dossier", "Council review")
    APPROVED = "approved", pgettext_lazy("dossier", "Approved")
    RETURNED = "returned", pgettext_lazy("dossier", "Returned")
    REJECTED = "rejected", pgettext_lazy("dossier", "Rejected")
    FORWARDED = "forwarded", pgettext_lazy("dossier", "Forwarded to the next level")
    DECIDED = "decided", pgettext_lazy("dossier", "Decided")


class Dossier(models.Model):
    """Hồ sơ đề nghị khen thưởng: one proposal of one title or form for its recipients."""

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=300)
    proposer = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("proposing unit"),
        on_delete=models.PROTECT,
        related_name="dossiers_proposed",
    )
    receiver = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="dossiers_received",
    )
    level = models.CharField(_("level it goes to"), max_length=12, choices=Level.choices)
    code = models.CharField(_("title or form proposed"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year of achievement"))
    status = models.CharField(
        _("status"), max_length=10, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    summary = models.TextField(_("summary of the proposal"), blank=True)
    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        verbose_name=_("cluster result it comes from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    poll = models.ForeignKey(
        "votes.Poll",
        verbose_name=_("supporting vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    vote_note = models.CharField(
        _("paper vote (result as recorded)"),
        max_length=300,
        blank=True,
        help_text=_("For a vote held on paper: the result, e.g. '7/7 votes in favour'."),
    )
    council_poll = models.ForeignKey(
        "votes.Poll",
        verbose_name=_("council vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_dossiers",
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    appraisal_due = models.DateField(_("appraisal due"), null=True, blank=True)
    comment_opens = models.DateField(_("public comment from"), null=True, blank=True)
    comment_closes = models.DateField(_("public comment until"), null=True, blank=True)
    decision = models.ForeignKey(
        "register.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    forwarded_from = models.OneToOneField(
        "self",
        verbose_name=_("forwarded from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_to",
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["status", "appraisal_due"]),
            models.Index(fields=["status", "comment_closes"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1945, year__lte=2100), name="dossier_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Awarded")
    NOT_APPROVED = "not_approved", _("Not awarded")


class DossierRecipient(models.Model):
    """A person or unit proposed in a dossier, with their achievement report's fields."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="recipients"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("individual"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_entries",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_entries",
    )
    rank = models.PositiveSmallIntegerField(_("order"), default=0)
    # Báo cáo thành tích (Decree 152, annex): duties, achievements; the summary is what the public sees.
    duties = models.TextField(_("duties and circumstances"), blank=True)
    achievements = models.TextField(_("achievements"), blank=True)
    public_summary = models.CharField(
        _("summary of achievements (published for comment)"), max_length=600, blank=True
    )
    initiatives = models.ManyToManyField(
        "register.Initiative",
        verbose_name=_("initiatives relied on"),
        related_name="dossier_entries",
        blank=True,
    )
    eligibility = models.JSONField(_("last eligibility check"), null=True, blank=True)
    override_reason = models.TextField(_("reason for overriding the check"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)
    record = models.OneToOneField(
        "register.Record",
        verbose_name=_("commendation recorded"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_entry",
    )

    class Meta:
        ordering = ["dossier", "rank", "id"]
        verbose_name = _("recipient proposed")
        verbose_name_plural = _("recipients proposed")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, org__isnull=True)
                | Q(person__isnull=True, org__isnull=False),
                name="dossier_recipient_one",
            ),
            models.UniqueConstraint(
                fields=["dossier", "person"],
                condition=Q(person__isnull=False, removed_at__isnull=True),
                name="dossier_recipient_person_once",
            ),
            models.UniqueConstraint(
                fields=["dossier", "org"],
                condition=Q(org__isnull=False, removed_at__isnull=True),
                name="dossier_recipient_org_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        return self.org.name if self.org is not None else ""

    @property
    def unit(self) -> object:
        return self.person.unit if self.person is not None else self.org


class DocumentKind(models.TextChoices):
    """Giấy tờ of a dossier; the first four are the catalogue's codes (register/data/catalogue.json)."""

    TO_TRINH = "TO_TRINH", _("Submission letter")
    BAO_CAO_THANH_TICH = "BAO_CAO_THANH_TICH", _("Achievement report")
    BIEN_BAN_BINH_XET = "BIEN_BAN_BINH_XET", _("Minutes of the review meeting")
    XAC_NHAN_SANG_KIEN = "XAC_NHAN_SANG_KIEN", _("Certificate of the initiative's effect")
    BIEN_BAN_BO_PHIEU = "BIEN_BAN_BO_PHIEU", _("Record of the vote")
    KHAC = "KHAC", _("Other evidence")


class DossierDocument(models.Model):
    """A document of a dossier (or of one recipient): never deleted, a newer one of the same kind
    replaces it in the checks, and the older stays in the history."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents"
    )
    recipient = models.ForeignKey(
        DossierRecipient,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    generated = models.BooleanField(_("generated by the system"), default=False)
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
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One step of a dossier's path: who moved it from which state to which, when, and why."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=DossierStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Handling(models.TextChoices):
    """How an officer handled a public comment (it must be recorded before the dossier moves on)."""

    ACCEPTED = "accepted", _("Taken into account")
    VERIFIED = "verified", _("Checked: the achievements stand")
    NOT_RELEVANT = "not_relevant", _("Not about this dossier")
    COMPLAINT = "complaint", _("Handled as a complaint or denunciation")


class PublicComment(models.Model):
    """Ý kiến của nhân dân on a dossier under public comment, sent from the public page."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="comments"
    )
    recipient = models.ForeignKey(
        DossierRecipient,
        verbose_name=_("about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=150, blank=True)
    contact = models.CharField(_("contact"), max_length=150, blank=True)
    text = models.TextField(_("comment"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # A keyed hash of the sender's address: enough to limit the rate, not to find the sender.
    source = models.CharField(max_length=64, db_index=True, editable=False)
    handling = models.CharField(_("handling"), max_length=14, choices=Handling.choices, blank=True)
    handling_note = models.TextField(_("how it was handled"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")

    def __str__(self) -> str:
        return f"{self.dossier.reference}: {self.text[:40]}"

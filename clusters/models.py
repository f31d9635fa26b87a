"""Emulation clusters and blocks (cụm, khối thi đua) and their yearly life: members, head, deputy."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClusterKind(models.TextChoices):
    """Cụm groups territorial units; khối groups agencies of a sector."""

    CUM = "cum", _("Cluster (territorial)")
    KHOI = "khoi", _("Block (sector)")


class Cluster(models.Model):
    """Cụm / khối thi đua: organised by a council (Central Council, a ministry or a province)."""

    kind = models.CharField(_("kind"), max_length=4, choices=ClusterKind.choices)
    organiser = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("organising council"),
        on_delete=models.PROTECT,
        related_name="organised_clusters",
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    uses_rotating_flag = models.BooleanField(_("uses a rotating flag"), default=False)
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster or block")
        verbose_name_plural = _("clusters and blocks")

    def __str__(self) -> str:
        return self.name


class ClusterYear(models.Model):
    """Năm hoạt động của cụm: the year's members, head (cụm trưởng) and deputy (cụm phó)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    head = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("head unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deputy = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("deputy unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_decision = models.CharField(_("appointing decision"), max_length=120, blank=True)
    head_decision_date = models.DateField(_("decision date"), null=True, blank=True)
    flag_handover_date = models.DateField(_("rotating flag handed over on"), null=True, blank=True)
    flag_handover_note = models.CharField(_("handover note"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    leaders = models.PositiveSmallIntegerField(_("leading units proposed for a flag"), default=1)
    runners_up = models.PositiveSmallIntegerField(
        _("runners-up proposed for a certificate of merit"), default=1
    )

    class Meta:
        ordering = ["cluster", "-year"]
        verbose_name = _("cluster year")
        verbose_name_plural = _("cluster years")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="cluster_year_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2100), name="cluster_year_plausible"
            ),
            models.CheckConstraint(
                condition=models.Q(head__isnull=True)
                | models.Q(deputy__isnull=True)
                | ~models.Q(head=models.F("deputy")),
                name="cluster_year_head_not_deputy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} — {self.year}"


class ClusterMember(models.Model):
    """A member unit of a cluster in one year, with its place in the rotation of the head."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    rotation_position = models.PositiveSmallIntegerField(_("place in the rotation"))

    class Meta:
        ordering = ["rotation_position", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "org"], name="cluster_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org} ({self.cluster_year})"


class MeetingKind(models.TextChoices):
    """Loại hội nghị của cụm, khối."""

    COVENANT = "covenant", _("Covenant signing")
    MID_YEAR = "mid_year", _("Mid-year review")
    YEAR_END = "year_end", _("Year-end review")
    THEMATIC = "thematic", _("Thematic meeting")
    PREPARATORY = "preparatory", _("Preparatory meeting")


class Meeting(models.Model):
    """Hội nghị: a conference of a cluster year, with its host, attendees, agenda and minutes."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    host = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("host unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    decisions = models.TextField(_("decisions taken"), blank=True)
    attendee_units = models.ManyToManyField(
        "orgs.Org", verbose_name=_("attending units"), blank=True, related_name="+"
    )
    attendee_people = models.ManyToManyField(
        "people.Person", verbose_name=_("attending people"), blank=True, related_name="+"
    )
    minutes = models.FileField(_("minutes"), upload_to="meetings/%Y/", blank=True)
    minutes_name = models.CharField(_("minutes file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class CovenantStatus(models.TextChoices):
    """Giao ước thi đua: drafted by the secretariat, sent, registered by members, signed, locked."""

    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to members")
    SIGNED = "signed", _("Signed")
    LOCKED = "locked", _("Locked")


class Covenant(models.Model):
    """Giao ước thi đua of a cluster year: its text, its criteria, the signing, the signed scan."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="covenant",
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("covenant text"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CovenantStatus.choices, default=CovenantStatus.DRAFT
    )
    registration_due = models.DateField(_("registrations due"), null=True, blank=True)
    signing_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("signing conference"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_scan = models.FileField(_("signed scan"), upload_to="covenants/%Y/", blank=True)
    signed_scan_name = models.CharField(_("signed scan file name"), max_length=255, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")

    def __str__(self) -> str:
        return self.title


class CovenantCriterion(models.Model):
    """A criterion of the covenant (linked later to the scoring table)."""

    covenant = models.ForeignKey(
        Covenant, verbose_name=_("covenant"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("criterion"), max_length=500)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("covenant criterion")
        verbose_name_plural = _("covenant criteria")

    def __str__(self) -> str:
        return self.text


class RegistrationStatus(models.TextChoices):
    """A member's registration (đăng ký thi đua) under the covenant."""

    DRAFT = "draft", _("Being prepared")
    REGISTERED = "registered", _("Registered, awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


class Registration(models.Model):
    """Đăng ký thi đua: the targets a member commits to and the titles and forms it strives for."""

    covenant = models.ForeignKey(
        Covenant,
        verbose_name=_("covenant"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.DRAFT,
    )
    titles = models.JSONField(_("titles and forms striven for"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["covenant", "id"]
        verbose_name = _("covenant registration")
        verbose_name_plural = _("covenant registrations")
        constraints = [
            models.UniqueConstraint(fields=["covenant", "org"], name="registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org} — {self.covenant}"


class Target(models.Model):
    """Chỉ tiêu: a target a member commits to, in a unit of measure, by a deadline."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("target"), max_length=300)
    measure = models.CharField(_("unit of measure"), max_length=60)
    value = models.DecimalField(_("target value"), max_digits=18, decimal_places=2)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="target_value_positive")
        ]

    def __str__(self) -> str:
        return self.name


class PeriodKind(models.TextChoices):
    """Kỳ báo cáo."""

    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Six months")
    YEAR = "year", _("Year")
    CUSTOM = "custom", _("Custom period")


class ReportingPeriod(models.Model):
    """A reporting period of the cluster year, with the date members' reports are due."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    name = models.CharField(_("name"), max_length=120)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "name"], name="period_name_unique"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(due__gte=models.F("start")), name="period_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """A member's report for a period: the file and its figures (actual values of its targets).

    A correction replaces the file and figures but keeps when the report first came in, which
    decides whether it was on time; the audit log keeps every version's file name."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("report file"), upload_to="reports/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    submitted_at = models.DateTimeField(_("first submitted at"))
    updated_at = models.DateTimeField(_("last corrected at"))
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["period", "org__name"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["period", "org"], name="submission_unique")]

    def __str__(self) -> str:
        return f"{self.org} — {self.period}"


class IndicatorValue(models.Model):
    """Giá trị thực hiện: the actual value of a target reached by the end of a period."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="actuals"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.CASCADE,
        related_name="actuals",
    )
    actual = models.DecimalField(_("actual value"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("actual value")
        verbose_name_plural = _("actual values")
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="indicator_value_unique"),
            models.CheckConstraint(
                condition=models.Q(actual__gte=0), name="indicator_actual_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.actual}"


class Extension(models.Model):
    """Gia hạn: a later due date granted to one member for one period, with the reason."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["period", "org", "-due"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.org} — {self.period} → {self.due:%d/%m/%Y}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Reminder before the due date")
    OVERDUE = "overdue", _("Overdue notice")
    ESCALATION = "escalation", _("Escalation to the head unit")


class Reminder(models.Model):
    """An email reminder sent (once per member, period, kind and due date)."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    due = models.DateField(_("due date reminded of"))
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["period", "org", "kind", "due"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.org} — {self.period}"

"""Versioned scoring tables (bảng chấm điểm thi đua) of a cluster year and their criteria."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TableStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    LOCKED = "locked", _("Locked: scoring is open")
    SUPERSEDED = "superseded", _("Superseded by an amendment")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (without the highest and the lowest)")


class CriterionKind(models.TextChoices):
    GROUP = "group", _("Group of criteria")
    PASS_FAIL = "pass_fail", _("Pass or fail")
    PER_OCCURRENCE = "per_occurrence", _("Points per occurrence")
    QUANTITATIVE = "quantitative", _("Against a target")
    RELATIVE_BEST = "relative_best", _("Relative to the cluster's best")
    BONUS = "bonus", _("Bonus points")
    PENALTY = "penalty", _("Penalty points")


class ScoringTable(models.Model):
    """One version of a cluster year's scoring table. An amendment after publication makes a new
    version (with its reason and the approving meeting) and keeps the old one, superseded."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="scoring_tables",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=TableStatus.choices, default=TableStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=255)
    scale = models.PositiveSmallIntegerField(_("scale (points)"), default=100)
    aggregation = models.CharField(
        _("reviewers' values combined by"),
        max_length=12,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    tie_breaks = models.JSONField(_("tie-breaks, in order"), default=list, blank=True)
    self_due = models.DateField(_("self-assessments due"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    amendment_meeting = models.ForeignKey(
        "clusters.Meeting",
        verbose_name=_("meeting that approved the amendment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    results = models.JSONField(_("published results"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    class Meta:
        ordering = ["cluster_year", "-version"]
        verbose_name = _("scoring table")
        verbose_name_plural = _("scoring tables")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "version"], name="scoring_table_version_unique"
            ),
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=~models.Q(status="superseded"),
                name="scoring_table_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(scale__in=[100, 1000]), name="scoring_table_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Criterion(models.Model):
    """A criterion (or a group of them) of a scoring table version."""

    table = models.ForeignKey(
        ScoringTable,
        verbose_name=_("scoring table"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("criterion"))
    kind = models.CharField(_("kind"), max_length=16, choices=CriterionKind.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=2)
    points_each = models.DecimalField(
        _("points each"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    bonus_max = models.DecimalField(
        _("bonus for exceeding the target, at most"), max_digits=8, decimal_places=2, default=0
    )
    formula = models.CharField(_("formula"), max_length=300, blank=True)
    lower_is_better = models.BooleanField(_("the lowest value is best"), default=False)
    allowance = models.DecimalField(
        _("declared difference"), max_digits=8, decimal_places=2, default=0
    )
    guidance = models.TextField(_("guidance"), blank=True)
    evidence = models.CharField(_("evidence required"), max_length=500, blank=True)

    class Meta:
        ordering = ["table", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="criterion_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:60]}"


class SheetStatus(models.TextChoices):
    """Phiếu chấm điểm of a member: filled, submitted, explained, settled."""

    DRAFT = "draft", _("Self-assessment being filled")
    SUBMITTED = "submitted", _("Submitted, under cross-check")
    EXPLAINING = "explaining", _("Explaining disputed criteria")
    FINAL = "final", _("Settled and locked")


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    REVIEW = "review", _("Cross-check")
    EXPLANATION = "explanation", _("Explanation")
    FINAL = "final", _("Final review")


class Sheet(models.Model):
    """A member's scoring sheet under one version of the table. `version` grows with every saved
    value, so two people saving at once cannot overwrite each other (optimistic locking)."""

    table = models.ForeignKey(
        ScoringTable,
        verbose_name=_("scoring table"),
        on_delete=models.PROTECT,
        related_name="sheets",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["table", "org__name"]
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        constraints = [models.UniqueConstraint(fields=["table", "org"], name="sheet_unique")]

    def __str__(self) -> str:
        return f"{self.org} — {self.table}"


class Mark(models.Model):
    """A value entered for one criterion at one stage. Marks are only ever added: the latest of a
    stage (and reviewer) counts, and every earlier one stays, with who entered it and why."""

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("scoring sheet"), on_delete=models.CASCADE, related_name="marks"
    )
    code = models.CharField(_("criterion"), max_length=20)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    reviewer = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("reviewing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("explanation"), blank=True)
    author = models.ForeignKey(
        "accounts.User",
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["sheet", "code", "created_at", "id"]
        verbose_name = _("entered value")
        verbose_name_plural = _("entered values")
        indexes = [models.Index(fields=["sheet", "stage", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.stage}: {self.value}"


class Evidence(models.Model):
    """Minh chứng: a file supporting a member's value for one criterion."""

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("scoring sheet"), on_delete=models.CASCADE, related_name="evidence"
    )
    code = models.CharField(_("criterion"), max_length=20)
    file = models.FileField(_("file"), upload_to="evidence/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["sheet", "code", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.file_name


class Assignment(models.Model):
    """A reviewing unit (another member or a review team's unit) cross-checks a member's sheet."""

    table = models.ForeignKey(
        ScoringTable,
        verbose_name=_("scoring table"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        "orgs.Org", verbose_name=_("reviewing unit"), on_delete=models.PROTECT, related_name="+"
    )
    reviewee = models.ForeignKey(
        "orgs.Org", verbose_name=_("reviewed member"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["table", "reviewee", "reviewer"]
        verbose_name = _("cross-check assignment")
        verbose_name_plural = _("cross-check assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "reviewer", "reviewee"], name="assignment_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("reviewee")), name="assignment_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.reviewee}"


class Conflict(models.Model):
    """A declared conflict of interest: this unit must not review that member."""

    table = models.ForeignKey(
        ScoringTable,
        verbose_name=_("scoring table"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    reviewer = models.ForeignKey(
        "orgs.Org", verbose_name=_("reviewing unit"), on_delete=models.PROTECT, related_name="+"
    )
    reviewee = models.ForeignKey(
        "orgs.Org", verbose_name=_("reviewed member"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "reviewer", "reviewee"], name="conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ≠ {self.reviewee}"

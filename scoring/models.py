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

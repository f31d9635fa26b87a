"""Emulation movements (phong trào thi đua): launched by a unit, joined by units and clusters, reviewed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MovementScope(models.TextChoices):
    """Phạm vi phát động: how far the movement reaches."""

    NATIONAL = "national", _("Nationwide")
    MINISTRY_OR_PROVINCE = "ministry_or_province", _("Ministry or province")
    CLUSTER = "cluster", _("Cluster or block")
    UNIT = "unit", _("Unit")


class MovementKind(models.TextChoices):
    """Thường xuyên (the year-round movement) or theo chuyên đề (one theme, one period)."""

    REGULAR = "regular", _("Regular")
    THEMATIC = "thematic", _("Thematic")


class Movement(models.Model):
    """Phong trào thi đua: launched by a unit's council or leader, for a period, with its slogan."""

    launched_by = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("launched by"),
        on_delete=models.PROTECT,
        related_name="launched_movements",
    )
    name = models.CharField(_("name"), max_length=255)
    decision_number = models.CharField(_("launching document number"), max_length=120, blank=True)
    decision_date = models.DateField(_("launching document date"), null=True, blank=True)
    slogan = models.CharField(_("slogan"), max_length=255, blank=True)
    scope = models.CharField(_("scope"), max_length=24, choices=MovementScope.choices)
    theme = models.CharField(_("theme or sector"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    clusters = models.ManyToManyField(
        "clusters.Cluster",
        verbose_name=_("clusters and blocks taking part"),
        blank=True,
        related_name="movements",
    )
    participants = models.ManyToManyField(
        "orgs.Org",
        verbose_name=_("units taking part"),
        blank=True,
        related_name="movements",
    )
    note = models.TextField(_("note"), blank=True)
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-start", "name", "id"]
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="movement_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewKind(models.TextChoices):
    """Sơ kết (an interim review, any number) or tổng kết (the final review, once)."""

    SO_KET = "so_ket", _("Interim review (sơ kết)")
    TONG_KET = "tong_ket", _("Final review (tổng kết)")


class MovementReview(models.Model):
    """Hội nghị sơ kết / tổng kết: what a review of the movement found and whom it commended."""

    movement = models.ForeignKey(
        Movement, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReviewKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    collectives_commended = models.PositiveIntegerField(
        _("collectives commended"), null=True, blank=True
    )
    individuals_commended = models.PositiveIntegerField(
        _("individuals commended"), null=True, blank=True
    )
    document = models.FileField(_("document"), upload_to="movements/%Y/", blank=True)
    document_name = models.CharField(_("document file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("review of a movement")
        verbose_name_plural = _("reviews of movements")
        constraints = [
            models.UniqueConstraint(
                fields=["movement"],
                condition=models.Q(kind="tong_ket"),
                name="movement_review_one_final",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

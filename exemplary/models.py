"""Exemplary models (điển hình tiên tiến): discovered, nurtured, summarised, replicated.

Provinces and ministries work on their exemplary models in four stages (seed 004: "cả 4 khâu: phát
hiện, bồi dưỡng, tổng kết và nhân điển hình tiên tiến"). An exemplary model is an individual, a
collective or a model (mô hình: a named practice of a unit), kept by a unit; its steps are its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    """Loại điển hình."""

    PERSON = "person", _("Individual")
    COLLECTIVE = "collective", _("Collective")
    MODEL = "model", _("Model (a unit's practice)")


class Stage(models.TextChoices):
    """The four stages, in their order: phát hiện → bồi dưỡng → tổng kết → nhân rộng."""

    DISCOVERED = "discovered", _("Discovered")
    NURTURED = "nurtured", _("Nurtured")
    SUMMARISED = "summarised", _("Summarised")
    REPLICATED = "replicated", _("Replicated")


STAGES: list[str] = list(Stage.values)


class ExemplaryModel(models.Model):
    """Điển hình tiên tiến: an individual, a collective or a model, kept by a unit through its stages."""

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("individual"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemplary_models",
    )
    collective = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemplary_as_collective",
    )
    # The unit that discovered it and keeps it (its officers and focal points manage it).
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="exemplary_models",
    )
    year = models.PositiveSmallIntegerField(_("year discovered"))
    sector = models.CharField(_("field or sector"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        pgettext_lazy("exemplary", "stage"),
        max_length=12,
        choices=Stage.choices,
        default=Stage.DISCOVERED,
    )
    movements = models.ManyToManyField(
        "movements.Movement",
        verbose_name=_("movements"),
        blank=True,
        related_name="exemplary_models",
    )
    records = models.ManyToManyField(
        "register.Record",
        verbose_name=_("commendations"),
        blank=True,
        related_name="exemplary_models",
    )
    name_key = models.CharField(max_length=300, db_index=True, editable=False, default="")
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
        ordering = ["-year", "name_key", "id"]
        verbose_name = _("exemplary model")
        verbose_name_plural = _("exemplary models")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", person__isnull=False, collective__isnull=True)
                | Q(kind="collective", person__isnull=True, collective__isnull=False)
                | Q(kind="model", person__isnull=True, collective__isnull=True),
                name="exemplary_subject_matches_kind",
            ),
            models.CheckConstraint(condition=Q(stage__in=STAGES), name="exemplary_stage_known"),
            models.CheckConstraint(
                condition=Q(year__gte=1945, year__lte=2100), name="exemplary_year_plausible"
            ),
            models.UniqueConstraint(
                fields=["org", "person", "year"],
                condition=Q(person__isnull=False),
                name="exemplary_person_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["org", "collective", "year"],
                condition=Q(collective__isnull=False),
                name="exemplary_collective_once_a_year",
            ),
        ]
        indexes = [models.Index(fields=["org", "year"])]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_index(self) -> int:
        return STAGES.index(self.stage)

    @property
    def next_stage(self) -> str | None:
        """The stage it may move on to, or None once replicated."""
        index = self.stage_index + 1
        return STAGES[index] if index < len(STAGES) else None


class ExemplaryStep(models.Model):
    """One stage reached, on a date, with a note: an exemplary model's history."""

    model = models.ForeignKey(
        ExemplaryModel,
        verbose_name=_("exemplary model"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    stage = models.CharField(
        pgettext_lazy("exemplary", "stage"), max_length=12, choices=Stage.choices
    )
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("stage of an exemplary model")
        verbose_name_plural = _("stages of exemplary models")
        constraints = [
            models.UniqueConstraint(fields=["model", "stage"], name="exemplary_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ({self.on:%d/%m/%Y})"

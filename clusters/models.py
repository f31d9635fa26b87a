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

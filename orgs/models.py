"""Organisations (đơn vị) as a tree, with their lineage through mergers, splits and renamings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """Loại hình đơn vị."""

    CENTRAL = "central", _("Central body")
    MINISTRY = "ministry", _("Ministry or ministry-level agency")
    PROVINCE = "province", _("Province or centrally-run city")
    DEPARTMENT = "department", _("Department or agency")
    COMMUNE = "commune", _("Commune, ward or special zone")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    MASS_ORG = "mass_org", _("Mass organisation")
    OTHER = "other", _("Other")


class OrgArea(models.TextChoices):
    """Địa bàn: a unit in a remote, border or island area, which the statistics report apart."""

    NONE = "", _("Not marked")
    REMOTE = "remote", _("Remote or deep-lying area")
    BORDER = "border", _("Border area")
    ISLAND = "island", _("Island")


class Org(models.Model):
    """Đơn vị: a unit in the tree of organisations, active between valid_from and valid_to."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/3/17/"), kept by the services, so a subtree is one indexed prefix.
    path = models.CharField(max_length=400, db_index=True, editable=False, default="/")
    aliases = models.CharField(
        _("other names"),
        max_length=255,
        blank=True,
        help_text=_("Former or informal names, separated by semicolons; search finds them too."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Marked on the unit that is in the area (a province, a commune); its sub-units are in it too.
    area = models.CharField(
        _("area"), max_length=10, choices=OrgArea.choices, blank=True, default="", db_default=""
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="org_valid_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class LineageKind(models.TextChoices):
    """Loại biến động: how one unit became another."""

    MERGED_INTO = "merged_into", _("merged into")
    SPLIT_FROM = "split_from", _("split from")
    RENAMED = "renamed", _("renamed to")
    DISSOLVED = "dissolved", _("dissolved")


class LineageEvent(models.Model):
    """Biến động đơn vị: on effective_date, `predecessor` became (part of) `successor`.

    merged_into: predecessor merged into successor · split_from: successor was split from
    predecessor · renamed: predecessor renamed to successor · dissolved: no successor.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=LineageKind.choices)
    predecessor = models.ForeignKey(
        Org,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="lineage_as_predecessor",
    )
    successor = models.ForeignKey(
        Org,
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lineage_as_successor",
    )
    effective_date = models.DateField(_("effective date"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["effective_date", "id"]
        verbose_name = _("lineage event")
        verbose_name_plural = _("lineage events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="dissolved", successor__isnull=True)
                | (~models.Q(kind="dissolved") & models.Q(successor__isnull=False)),
                name="lineage_successor_matches_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="lineage_not_self",
            ),
            models.UniqueConstraint(
                fields=["kind", "predecessor", "successor", "effective_date"],
                name="lineage_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} {self.get_kind_display()} {self.successor or ''} ({self.effective_date})"

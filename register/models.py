"""The commendation register: catalogue, decisions and their recipients, ratings, initiatives.

Codes (`LDTT`, `CSTD_CS`, `HTXSNV`, `BO_TINH`, …) are the stable identifiers of domain.md §5; they are
stored as plain columns so the set-based eligibility sweep (register.sweep) reads them directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """Đối tượng khen thưởng."""

    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")
    HOUSEHOLD = "household", _("Household")
    COMMUNITY = "community", _("Community")


class AwardKind(models.TextChoices):
    TITLE = "title", _("Emulation title")
    FORM = "form", _("Form of commendation")


class Level(models.TextChoices):
    """Cấp khen thưởng."""

    GRASSROOTS = "co_so", _("Grassroots")
    MINISTRY_PROVINCE = "bo_tinh", _("Ministry or province")
    GOVERNMENT = "chinh_phu", _("Government")
    STATE = "nha_nuoc", _("State")


class Award(models.Model):
    """Danh hiệu hoặc hình thức khen thưởng of the catalogue, under its stable code."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AwardKind.choices)
    subject = models.CharField(_("subject"), max_length=12, choices=Subject.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    reward_multiple = models.DecimalField(
        _("reward (× base salary)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    documents = models.JSONField(_("dossier documents"), default=list, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("title or form")
        verbose_name_plural = _("titles and forms")

    def __str__(self) -> str:
        return self.name


class BaseSalary(models.Model):
    """Lương cơ sở from a date: rewards are multiples of the amount in force on the decision date."""

    valid_from = models.DateField(_("valid from"), unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND per month)"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")

    def __str__(self) -> str:
        return f"{self.amount} ({self.valid_from})"


class Category(models.TextChoices):
    """Loại hình khen thưởng (Law Art. 8)."""

    MERIT = "cong_trang", _("For merit")
    SUDDEN = "dot_xuat", _("Unscheduled")
    MOVEMENT = "phong_trao", _("For a movement or theme")
    DEDICATION = "cong_hien", _("For lifelong dedication")
    SENIORITY = "nien_han", _("For years of service")
    FOREIGN = "doi_ngoai", _("Foreign relations")


class Fund(models.TextChoices):
    """Nguồn quỹ thi đua, khen thưởng: the fund a decision's rewards are paid from."""

    TW = "TW", _("Central emulation and commendation fund")
    BO_TINH = "BO_TINH", _("Fund of a ministry, central body or province")
    CO_SO = "CO_SO", _("Fund of the unit or commune")
    KHAC = "KHAC", _("Other source")


class Decision(models.Model):
    """Quyết định khen thưởng: one signed decision and the recipients it lists."""

    number = models.CharField(_("number and symbol"), max_length=60)
    date = models.DateField(_("date"))
    issuer = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("issuing authority"),
        on_delete=models.PROTECT,
        related_name="decisions_issued",
    )
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.MERIT
    )
    movement = models.ForeignKey(
        "movements.Movement",
        verbose_name=_("movement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # Derived from the issuer's kind when not given (register.catalogue.fund_for_kind).
    fund = models.CharField(
        _("source fund"), max_length=8, choices=Fund.choices, blank=True, default=""
    )
    file = models.FileField(_("scanned decision"), upload_to="decisions/%Y/", blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="decision_number_unique")
        ]
        indexes = [models.Index(fields=["issuer", "date"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        fields = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        if not adding and (fields is None or "date" in fields):
            # Its records keep its date (Record.decision_date).
            self.records.exclude(decision_date=self.date).update(decision_date=self.date)


def fill_decision_dates(records: Iterable[Record]) -> None:
    """Give records without one their decision's date (one read for those whose decision is not
    loaded)."""
    missing = [r for r in records if r.decision_date is None]
    unloaded = {r.decision_id for r in missing if "decision" not in r._state.fields_cache}
    dates = dict(Decision.objects.filter(pk__in=unloaded).values_list("pk", "date"))
    for r in missing:
        if "decision" in r._state.fields_cache:
            r.decision_date = r.decision.date
        elif r.decision_id in dates:  # else the decision is missing: the database refuses it
            r.decision_date = dates[r.decision_id]


class RecordQuerySet(models.QuerySet["Record"]):
    def bulk_create(self, objs: Iterable[Record], *args: Any, **kwargs: Any) -> list[Record]:
        objs = list(objs)
        fill_decision_dates(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Record(models.Model):
    """Một khen thưởng: a title or form a decision gives one individual or one collective."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="records"
    )
    # The decision's date, copied so that the register lists newest first along one index
    # (register.selectors.RECORD_ORDER); filled on save and bulk_create, and Decision.save passes
    # a change of date on.
    decision_date = models.DateField(_("decision date"), editable=False)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("individual"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    # The unit an individual worked in when the decision was made (their posting moves on later).
    unit = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("unit at the time"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("title or form"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year of achievement"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"), default=0)
    revoked = models.BooleanField(_("revoked"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["year", "id"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, org__isnull=True)
                | Q(person__isnull=True, org__isnull=False),
                name="record_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1945, year__lte=2100), name="record_year_plausible"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "year"]),
            models.Index(fields=["org", "year"]),
            # The register's list, newest first (register.selectors.RECORD_ORDER), and the same
            # within a code, with the columns its filters test: a page, or a bounded count, reads
            # the top of one index.
            models.Index(
                fields=[
                    "-year",
                    "-decision_date",
                    "id",
                    "person",
                    "org",
                    "unit",
                    "code",
                    "revoked",
                ],
                name="record_newest_first",
            ),
            models.Index(
                fields=[
                    "code",
                    "-year",
                    "-decision_date",
                    "id",
                    "person",
                    "org",
                    "unit",
                    "revoked",
                ],
                name="record_code_newest_first",
            ),
            models.Index(
                fields=["-year", "-decision_date", "id"],
                condition=Q(revoked=True),
                name="record_revoked_newest_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.decision_id is not None and (
            self.decision_date is None or "decision" in self._state.fields_cache
        ):
            self.decision_date = self.decision.date
        super().save(*args, **kwargs)

    @property
    def recipient(self) -> object:
        return self.person if self.person_id else self.org


class Revocation(models.Model):
    """Thu hồi (Law ch. VII): the record stays in history, marked revoked, with why and by what."""

    record = models.OneToOneField(
        Record, verbose_name=_("commendation"), on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.TextField(_("reason"))
    decision_number = models.CharField(_("revoking decision"), max_length=60)
    decision_date = models.DateField(_("date of the revoking decision"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.decision_number}: {self.record}"


class RatingCode(models.TextChoices):
    """Xếp loại chất lượng hằng năm."""

    HTXSNV = "HTXSNV", _("Excellently completed tasks")
    HTTNV = "HTTNV", _("Well completed tasks")
    HTNV = "HTNV", _("Completed tasks")
    KHTNV = "KHTNV", _("Did not complete tasks")


class Discipline(models.TextChoices):
    """Kỷ luật in the year (the collective titles count members disciplined at warning or above)."""

    NONE = "", _("None")
    REPRIMAND = "KHIEN_TRACH", _("Reprimand")
    WARNING = "CANH_CAO", _("Warning")
    DEMOTION = "HA_BAC", _("Demotion")
    DISMISSAL_FROM_POST = "CACH_CHUC", _("Removal from post")
    DISMISSAL = "BUOC_THOI_VIEC", _("Dismissal")


class Rating(models.Model):
    """Xếp loại của một cá nhân trong một năm, at the unit they worked in."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("individual"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="ratings"
    )
    rating = models.CharField(_("rating"), max_length=6, choices=RatingCode.choices)
    discipline = models.CharField(
        _("discipline"), max_length=16, choices=Discipline.choices, blank=True, default=""
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("annual rating")
        verbose_name_plural = _("annual ratings")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="rating_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1945, year__lte=2100), name="rating_year_plausible"
            ),
        ]
        indexes = [models.Index(fields=["org", "year"])]

    def __str__(self) -> str:
        return f"{self.rating} {self.year}"


class UnitRating(models.Model):
    """Xếp loại của tập thể (đơn vị) trong một năm."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="unit_ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=6, choices=RatingCode.choices)

    class Meta:
        ordering = ["year"]
        verbose_name = _("unit rating")
        verbose_name_plural = _("unit ratings")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="unit_rating_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.rating} {self.year}"


class Scope(models.TextChoices):
    """Phạm vi ảnh hưởng của sáng kiến."""

    CO_SO = "CO_SO", _("Grassroots")
    BO_TINH = "BO_TINH", _("Ministry or province")
    TOAN_QUOC = "TOAN_QUOC", _("Nationwide")


class InitiativeKind(models.TextChoices):
    INITIATIVE = "sang_kien", _("Initiative")
    TOPIC = "de_tai", _("Science topic")


class Initiative(models.Model):
    """Sáng kiến or đề tài khoa học, recognised at a scope; usable as a criterion once."""

    code = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=10, choices=InitiativeKind.choices, default=InitiativeKind.INITIATIVE
    )
    recognised_by = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("recognised by"),
        on_delete=models.PROTECT,
        related_name="initiatives_recognised",
    )
    recognised_on = models.DateField(_("recognised on"))
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    authors = models.ManyToManyField(
        "people.Person", verbose_name=_("authors"), related_name="initiatives", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class InitiativeUse(models.Model):
    """Where an initiative served as a criterion: one row at most per initiative (enforced)."""

    initiative = models.OneToOneField(
        Initiative, verbose_name=_("initiative"), on_delete=models.PROTECT, related_name="use"
    )
    record = models.ForeignKey(
        Record,
        verbose_name=_("commendation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives_used",
    )
    code = models.CharField(_("used for"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("use of an initiative")
        verbose_name_plural = _("uses of initiatives")

    def __str__(self) -> str:
        return f"{self.initiative} → {self.code} {self.year}"


class RuleSet(models.Model):
    """Bộ quy tắc xét: a legal regime's parameters, in force between two dates.

    The criteria themselves are the pure functions of register.rules; a new law or amendment that
    only changes parameters (routes, shares, windows) is a new row, without code changes.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    legal_basis = models.JSONField(_("legal basis per target"), default=dict)
    params = models.JSONField(_("parameters"), default=dict)
    confirmed = models.BooleanField(_("confirmed in force"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return self.name


class ParameterKey(models.TextChoices):
    """What a ministry or province may set for its own units (domain.md §4, §6)."""

    TTLDTT_LDTT_SHARE = "TTLDTT_LDTT_SHARE", _("Share of LĐTT members needed for TTLĐTT")
    TTLDXS_LDTT_SHARE = "TTLDXS_LDTT_SHARE", _("Share of LĐTT members needed for TTLĐXS")
    CSTD_CS_MAX_SHARE = "CSTD_CS_MAX_SHARE", _("Most CSTĐ cơ sở as a share of LĐTT")
    CO_CP_MAX_SHARE = "CO_CP_MAX_SHARE", _("Most Government flags as a share of cluster leaders")


class Parameter(models.Model):
    """A tenant's parameter (a ministry's or province's), in force from a date."""

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("ministry or province"),
        on_delete=models.CASCADE,
        related_name="rule_parameters",
    )
    key = models.CharField(_("parameter"), max_length=30, choices=ParameterKey.choices)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=4)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    note = models.CharField(_("legal basis or note"), max_length=255, blank=True)

    class Meta:
        ordering = ["org", "key", "-valid_from"]
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "key", "valid_from"], name="parameter_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=1), name="parameter_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.valid_from})"


class PersonEligibility(models.Model):
    """What the nightly sweep found for one person and year: one bit per target (register.rules)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    mask = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="person_eligibility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {self.mask}"


class UnitEligibility(models.Model):
    """What the nightly sweep found for one unit and year (collective targets)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    mask = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "org"], name="unit_eligibility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}: {self.mask}"


class Sweep(models.Model):
    """One run of the eligibility sweep over the whole register."""

    year = models.PositiveSmallIntegerField(_("year"))
    rule_set = models.CharField(_("rule set"), max_length=40)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    persons = models.PositiveIntegerField(_("people"), default=0)
    units = models.PositiveIntegerField(_("units"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.year} ({self.started_at})"


# The Excel import of a decision's recipient list keeps its jobs and staged rows in its own module.
from register.import_models import *  # noqa: E402, F403

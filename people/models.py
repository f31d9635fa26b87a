"""Individuals (cá nhân) and their postings to units over time."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """Giới tính."""

    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Category(models.TextChoices):
    """Đối tượng: the fairness analytics compare leaders with direct workers."""

    LEADER = "leader", _("Leader or manager")
    WORKER = "worker", _("Direct worker")
    STAFF = "staff", _("Civil servant or employee without a leading post")


class Person(models.Model):
    """Cá nhân: someone who can be commended; `unit` is their current posting's unit."""

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True, default="Kinh")
    position = models.CharField(_("position"), max_length=150, blank=True)
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.STAFF
    )
    # Kept current by people.services.person_transfer; the history is in Posting.
    unit = models.ForeignKey(
        "orgs.Org", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    name_key = models.CharField(max_length=160, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["unit", "name_key"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Posting(models.Model):
    """Quá trình công tác: a person's posting to a unit between two dates (end empty = current)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="postings"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="postings"
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=120, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="posting_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="posting_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.org} ({self.start_date}–{self.end_date or ''})"

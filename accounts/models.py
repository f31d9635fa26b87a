"""Users, their roles in organisations, and personal API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Người dùng: an account; what it may see and do comes from its roles (Membership)."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    """Vai trò: what a user does in an organisation (and every unit below it)."""

    ADMIN = "admin", _("System administrator")
    OFFICER = "officer", _("Commendation officer")
    SECRETARIAT = "secretariat", _("Cluster secretariat")
    FOCAL_POINT = "focal_point", _("Focal point of a unit")
    COUNCIL_MEMBER = "council_member", _("Council member")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A role a user holds in an organisation; it reaches the organisation's descendants.

    A system administrator's role has no organisation: it reaches everything.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=(models.Q(role="admin") & models.Q(org__isnull=True))
                | (~models.Q(role="admin") & models.Q(org__isnull=False)),
                name="membership_org_iff_not_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org or '*'}"


class ApiToken(models.Model):
    """Personal API token: only its SHA-256 is stored; the secret is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

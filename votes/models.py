"""Polls (biểu quyết, bỏ phiếu) at cluster meetings and councils.

Secrecy: in a secret poll, who voted (`VoteCast`, one row per voter, no timestamp) and what was voted
(`Ballot`, no voter, no timestamp, a random id, rewritten in random order after every vote) live in
separate tables with nothing in common but the poll. The receipt is derived from the ballot and the
poll's secret; it is stored with the ballot only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Purpose(models.TextChoices):
    FLAG = "flag", _("Propose for an emulation flag")
    CERTIFICATE = "certificate", _("Propose for a certificate of merit")
    HEAD = "head", _("Elect next year's head")
    DEPUTY = "deputy", _("Elect next year's deputy head")
    AMENDMENT = "amendment", _("Approve an amendment")
    DOSSIER = "dossier", _("Approve a dossier")
    OTHER = "other", _("Other")


class Method(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no / abstain per candidate")
    APPROVAL = "approval", _("Approval for N seats")
    PLURALITY = "plurality", _("Plurality (one choice)")
    BORDA = "borda", _("Borda count (ranked)")
    SCHULZE = "schulze", _("Schulze (ranked)")


class Electorate(models.TextChoices):
    UNITS = "units", _("One vote per member unit, through its delegate")
    COUNCIL = "council", _("One vote per council member")


class Basis(models.TextChoices):
    ELIGIBLE = "eligible", _("of eligible voters")
    CAST = "cast", _("of ballots cast")


class TieBreak(models.TextChoices):
    NONE = "none", _("None: a tie is voted again")
    ORDER = "order", _("The order of the candidates (e.g. their score ranking)")
    FEWER_NO = "fewer_no", _("Fewer 'no' votes")


class PollStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("poll", "Draft")
    OPEN = "open", pgettext_lazy("poll", "Open")
    CLOSED = "closed", pgettext_lazy("poll", "Closed")
    PUBLISHED = "published", pgettext_lazy("poll", "Published")


class Poll(models.Model):
    """A question put to a vote: at a cluster meeting, or standing alone for a council."""

    meeting = models.ForeignKey(
        "clusters.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="polls",
    )
    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        verbose_name=_("cluster year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="polls",
    )
    council = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.CharField(_("question"), max_length=500)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    electorate = models.CharField(_("who votes"), max_length=8, choices=Electorate.choices)
    secret = models.BooleanField(_("secret ballot"), default=True)
    quorum = models.DecimalField(
        _("quorum (share of eligible voters)"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    threshold_basis = models.CharField(
        _("threshold basis"), max_length=8, choices=Basis.choices, blank=True
    )
    threshold_ratio = models.DecimalField(
        _("threshold"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    threshold_strict = models.BooleanField(_("strictly more than"), default=True)
    tie_break = models.CharField(
        _("tie-break"), max_length=8, choices=TieBreak.choices, default=TieBreak.NONE
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    paper = models.BooleanField(_("counted from paper ballots"), default=False)
    paper_committee = models.TextField(_("counting committee"), blank=True)
    ballots_issued = models.PositiveIntegerField(_("ballots issued"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    # Secret of the receipts: HMAC key, never shown.
    receipt_key = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats__gte=1), name="votes_poll_seats_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(cluster_year__isnull=False) | models.Q(council__isnull=False),
                name="votes_poll_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.question


class CandidateKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    PERSON = "person", _("Person")
    OPTION = "option", _("Option")


class Candidate(models.Model):
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="candidates"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=CandidateKind.choices)
    org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("label"), max_length=255)

    class Meta:
        ordering = ["poll", "position"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="votes_candidate_position"),
            models.UniqueConstraint(fields=["poll", "label"], name="votes_candidate_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """The candidate's id in the tally."""
        return str(self.pk)


class Voter(models.Model):
    """The roll: who may vote. For a member unit, its designated delegate votes for it."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="voters"
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("unit represented"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["poll", "id"]
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="votes_voter_user_once"),
            models.UniqueConstraint(
                fields=["poll", "org"],
                condition=models.Q(org__isnull=False),
                name="votes_voter_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.org or self.user)


class VoteCast(models.Model):
    """Who voted: one row per voter, enforced by the database. No time, no link to the ballot."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="casts")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("vote cast")
        verbose_name_plural = _("votes cast")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="votes_one_vote_per_voter"),
        ]

    def __str__(self) -> str:
        return str(self.voter)


class Ballot(models.Model):
    """What was voted. In a secret poll: no voter, no time, a random id; the poll's ballots are
    rewritten in random order after each vote so that storage order says nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    content = models.JSONField(_("ballot"))
    receipt = models.CharField(_("receipt"), max_length=24, blank=True)
    paper = models.BooleanField(_("paper ballot"), default=False)
    # Named polls only: who cast it (by design, and said so on the ballot page).
    voter = models.ForeignKey(
        Voter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["receipt", "id"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return self.receipt or str(self.id)


class ProposalKind(models.TextChoices):
    FLAG = "flag", _("Emulation flag")
    CERTIFICATE = "certificate", _("Certificate of merit")


class Proposal(models.Model):
    """A unit proposed for an award by a poll's published result, to become a dossier."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.PROTECT, related_name="proposals"
    )
    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        verbose_name=_("cluster year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("unit proposed"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("proposed for"), max_length=12, choices=ProposalKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["cluster_year", "kind", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["poll", "org", "kind"], name="votes_proposal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org} — {self.get_kind_display()}"

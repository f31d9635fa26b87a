"""The readable sentence for each audit action code (stable, namespaced codes)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "orgs.org.created": _("created the unit"),
    "orgs.org.updated": _("changed the unit"),
    "orgs.lineage.recorded": _("recorded a lineage change"),
    "people.person.created": _("registered the person"),
    "people.person.updated": _("changed the person's details"),
    "people.person.transferred": _("transferred the person"),
    "imports.job.created": _("uploaded an Excel file"),
    "imports.job.applied": _("imported the rows of an Excel file"),
    "clusters.cluster.created": _("formed the cluster or block"),
    "clusters.year.opened": _("opened the cluster year"),
    "clusters.year.members_changed": _("changed the members"),
    "clusters.year.head_appointed": _("appointed the head and deputy"),
    "clusters.year.flag_handed_over": _("recorded the rotating flag's handover"),
    "clusters.year.outcomes_set": _("set how many units are proposed for a flag and a certificate"),
    "clusters.meeting.recorded": _("recorded a meeting"),
    "clusters.meeting.minutes_attached": _("attached the minutes of a meeting"),
    "clusters.covenant.created": _("drafted the covenant"),
    "clusters.covenant.updated": _("changed the covenant"),
    "clusters.covenant.sent": _("sent the covenant to the members"),
    "clusters.covenant.signed": _("recorded the signing of the covenant"),
    "clusters.covenant.locked": _("locked the covenant"),
    "clusters.registration.saved": _("saved a covenant registration"),
    "clusters.registration.registered": _("registered targets and titles"),
    "clusters.registration.accepted": _("accepted a registration"),
    "clusters.registration.returned": _("returned a registration"),
    "clusters.period.created": _("set a reporting period"),
    "clusters.period.extended": _("granted an extension"),
    "clusters.report.submitted": _("submitted a report"),
    "scoring.table.created": _("drafted the scoring table"),
    "scoring.table.updated": _("changed the draft scoring table"),
    "scoring.table.published": _("published the scoring table"),
    "scoring.table.locked": _("locked the scoring table"),
    "scoring.table.amended": _("amended the scoring table"),
    "scoring.table.due_set": _("set the date self-assessments are due"),
    "scoring.evidence.added": _("attached evidence"),
    "scoring.sheet.submitted": _("submitted the self-assessment"),
    "scoring.conflict.declared": _("declared a conflict of interest"),
    "scoring.assignment.added": _("assigned a reviewer"),
    "scoring.sheet.explaining": _("asked for explanations of disputed criteria"),
    "scoring.sheet.settled": _("settled the scoring sheet"),
    "scoring.results.published": _("published the results of the scoring"),
    "movements.movement.created": _("launched an emulation movement"),
    "movements.movement.updated": _("changed an emulation movement"),
    "movements.review.recorded": _("recorded a review of a movement"),
    "accounts.token.created": _("created an API token"),
    "accounts.token.revoked": _("revoked an API token"),
    "accounts.role.granted": _("granted a role"),
    "accounts.role.revoked": _("revoked a role"),
    "accounts.user.created": _("created the account"),
    "accounts.user.updated": _("changed the account"),
}

OBJECT_TYPES = {
    "orgs.org": _("Organisation"),
    "orgs.lineageevent": _("Lineage event"),
    "people.person": _("Person"),
    "imports.importjob": _("Excel import"),
    "accounts.apitoken": _("API token"),
    "clusters.cluster": _("Cluster or block"),
    "clusters.clusteryear": _("Cluster year"),
    "clusters.meeting": _("Meeting"),
    "clusters.covenant": _("Covenant"),
    "clusters.registration": _("Covenant registration"),
    "clusters.reportingperiod": _("Reporting period"),
    "clusters.submission": _("Report"),
    "movements.movement": _("Emulation movement"),
    "scoring.scoringtable": _("Scoring table"),
    "scoring.sheet": _("Scoring sheet"),
    "movements.movementreview": _("Review of a movement"),
    "accounts.membership": _("Role"),
    "accounts.user": _("User"),
}


# Keys some events record beside model fields (e.g. a transfer's start date).
EXTRA_FIELDS = {
    "start_date": _("start date"),
    "decision": _("decision"),
    "rows": _("rows"),
    "created": _("created"),
    "revoked_at": _("revoked at"),
    "prefix": _("prefix"),
    "user": _("user"),
    "role": _("role"),
    "org": _("organisation"),
    "members": _("members"),
    "sheets": _("scoring sheets carried over"),
}

# Audited fields that hold an organisation's id: shown by name.
ORG_FIELDS = {
    "unit",
    "parent",
    "predecessor",
    "successor",
    "org",
    "head",
    "deputy",
    "members",
    "launched_by",
    "participants",
    "reviewer",
}


def describe(action: str) -> str:
    return str(ACTIONS.get(action, action))

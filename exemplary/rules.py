"""The declared path of an exemplary model's stages, and the dates its steps may take (pure)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from exemplary.models import STAGES, Stage


def stage_name(stage: str) -> str:
    return str(Stage(stage).label) if stage in STAGES else stage


def advance_problem(current: str, target: str) -> str | None:
    """Why an exemplary model at `current` may not move to `target` (None when it may).

    The stages follow one another: each step goes to the very next stage, never back, none skipped.
    """
    if target not in STAGES:
        return _("Unknown stage.")
    here, there = STAGES.index(current), STAGES.index(target)
    if here == len(STAGES) - 1:
        return _("“%(s)s” is the last stage: nothing follows it.") % {"s": stage_name(current)}
    if there == here:
        return _("This exemplary model is already at the stage “%(s)s”.") % {
            "s": stage_name(target)
        }
    if there < here:
        return _("An exemplary model does not go back: it is at “%(c)s”, after “%(s)s”.") % {
            "c": stage_name(current),
            "s": stage_name(target),
        }
    if there > here + 1:
        return _("No stage may be skipped: after “%(c)s” comes “%(n)s”.") % {
            "c": stage_name(current),
            "n": stage_name(STAGES[here + 1]),
        }
    return None


def date_problem(on: dt.date, *, previous: dt.date | None, today: dt.date) -> str | None:
    """Why a stage may not be dated `on`: after today, or before the previous stage's date."""
    if on > today:
        return _("The date cannot be in the future.")
    if previous is not None and on < previous:
        return _("The date cannot be before the previous stage's (%(d)s).") % {
            "d": previous.strftime("%d/%m/%Y")
        }
    return None

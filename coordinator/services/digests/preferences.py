"""Members' digest preferences: read them (defaults when never set), change them, leave."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator.domain.digests.periods import FREQUENCIES, validate_hour, validate_timezone
from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import DigestPreference, Membership

TOGGLES = ("fit_tasks", "bridge_tasks", "task_news", "due_dates", "alerts")


def preference(member: Membership) -> DigestPreference:
    """The member's row, or an unsaved one holding the defaults."""
    found = db.session.get(DigestPreference, member.id)
    return found if found is not None else defaults(member.id)


def defaults(member_id: int) -> DigestPreference:
    """An unsaved row with what a member who never changed anything gets."""
    return DigestPreference(membership_id=member_id, frequency="weekly", timezone="UTC",
                            send_hour=7, fit_tasks=True, bridge_tasks=True, task_news=True,
                            due_dates=True, alerts=True)


@dataclass
class PreferenceInput:
    frequency: str
    timezone: str
    send_hour: object
    toggles: dict[str, bool]


def _problems(data: PreferenceInput) -> dict[str, str]:
    """Every bad field with its message, so the form can show them all at once."""
    found = {}
    if data.frequency not in FREQUENCIES:
        found["frequency"] = "Choose off, daily or weekly."
    problem = validate_timezone(data.timezone)
    if problem:
        found["timezone"] = problem
    _, problem = validate_hour(data.send_hour)
    if problem:
        found["send_hour"] = problem
    return found


def save(member: Membership, data: PreferenceInput) -> DigestPreference:
    """Check everything first, so a bad field changes nothing; InvalidInputError names
    every bad field."""
    found = _problems(data)
    if found:
        raise InvalidInputError(errors=found)
    hour, _ = validate_hour(data.send_hour)
    row = preference(member)
    row.frequency, row.timezone, row.send_hour = data.frequency, data.timezone, hour
    for name in TOGGLES:
        setattr(row, name, bool(data.toggles.get(name, False)))
    db.session.add(row)
    db.session.flush()
    return row


def unsubscribe(member: Membership, kind: str) -> bool:
    """Stop this kind of digest; True when something changed."""
    row = preference(member)
    if kind == "coordinator":
        changed, row.alerts = row.alerts, False
    else:
        changed, row.frequency = row.frequency != "off", "off"
    db.session.add(row)
    db.session.flush()
    return bool(changed)

"""Admin forms: partnership settings, organisations, roles, invitations, imports."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coordinator.domain.power.sectors import POWER_SOURCE_LABELS, SECTOR_LABELS

from ...models import ROLES
from .fields import options

SCORE_CHOICES = options([(0, "0 – none"), (1, "1 – some"), (2, "2 – strong")])


class PartnershipForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    description = TextAreaField("Mission", validators=[Length(max=5000)])
    # Choices: the sectors of this partnership's organisations, set by the view.
    critical_sectors = SelectMultipleField(
        "Critical stakeholder sectors",
        description="Sectors that must be heard in every decision. Only sectors of this "
                    "partnership's organisations can be chosen.")
    stale_place_days = IntegerField(
        "Days before a quiet place is reminded",
        description="A person who does nothing on a task for this many days is reminded by "
                    "email; a week later their place goes to the first person waiting, "
                    "unless the initiator keeps them. 7 to 180 days.",
        validators=[Optional()])  # left empty: unchanged


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    sector = SelectField("Sector", choices=options(SECTOR_LABELS.items()))
    formal_authority = SelectField(POWER_SOURCE_LABELS["formal_authority"], coerce=int,
                                   choices=SCORE_CHOICES)
    resource_control = SelectField(POWER_SOURCE_LABELS["resource_control"], coerce=int,
                                   choices=SCORE_CHOICES)
    discursive_legitimacy = SelectField(POWER_SOURCE_LABELS["discursive_legitimacy"],
                                        coerce=int, choices=SCORE_CHOICES)
    critical_stakeholder = BooleanField(
        "Critical stakeholder: must be heard in every decision",
        description="Coordinators are warned when a task marked as a decision has no voice "
                    "from this organisation.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=options((r, r.capitalize()) for r in ROLES))
    organisation_id = SelectField("Organisation", coerce=int)


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    role = SelectField("Role", choices=options((r, r.capitalize()) for r in ROLES),
                       default="member")
    organisation_id = SelectField("Organisation", coerce=int, default=0)


class ImportForm(FlaskForm):
    file = FileField("Members CSV",
                     validators=[FileRequired(), FileAllowed(["csv"], "Choose a .csv file.")])
    skip_invalid = BooleanField("Import the valid rows and skip the bad ones")


class WebhookForm(FlaskForm):
    url = StringField("Address", validators=[DataRequired(), Length(max=500)],
                      description="An https:// address that accepts POSTed JSON.")
    events = SelectMultipleField("Send", choices=options(
        [("task.created", "Tasks posted"), ("task.completed", "Tasks completed"),
         ("alert.opened", "Alerts opened (and reopened)"), ("alert.resolved", "Alerts resolved")]),
        default=["task.created", "task.completed"])

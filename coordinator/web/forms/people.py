"""Profile, working-group and joint-activity forms."""

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ...models import ACTIVITY_KINDS
from .fields import TagListField, options


def _this_hour() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    tags = TagListField("What you know (tags)",
                        description="Comma-separated; pick from suggestions or add your own.")
    bio = TextAreaField("Short bio", validators=[Length(max=2000)],
                        description="A few lines on your work and what you can offer.")


class GroupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("What the group is for", validators=[Length(max=2000)])


class ActivityForm(FlaskForm):
    kind = SelectField("Kind", choices=options((k, k.capitalize()) for k in ACTIVITY_KINDS))
    title = StringField("Title", validators=[DataRequired(), Length(max=160)])
    occurred_at = DateTimeLocalField("When (UTC)", format="%Y-%m-%dT%H:%M",
                                     default=_this_hour, validators=[InputRequired()])
    duration_minutes = IntegerField("Duration (minutes)", default=60,
                                    validators=[InputRequired(), NumberRange(min=5, max=1440)])
    link = SelectField("About", validators=[InputRequired()],
                       description="The task or working group the activity served.")
    # Choices: those chosen so far, the team and a search's matches, set by the view.
    attendee_ids = SelectMultipleField("Attendees", coerce=int,
                                       description="You are included automatically.")
    # Typed with the form's other fields; the "find" button re-shows the form with the
    # matches, keeping everything else (the page works without script).
    attendee_q = StringField("Find people by name", validators=[Length(max=100)])

"""Forms of the coordinators' desk: acting on alerts."""

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


class NoteForm(FlaskForm):
    """Acknowledge or reopen, with an optional note."""

    note = StringField("Note (optional, coordinators only)", validators=[Length(max=500)])


class SnoozeForm(FlaskForm):
    until = DateField("Snooze until", validators=[InputRequired(message="Choose a date.")])
    note = StringField("Note (optional)", validators=[Length(max=500)])


class ResolveForm(FlaskForm):
    note = TextAreaField(
        "What was done", description="Kept in the alert's history; coordinators only.",
        validators=[DataRequired(message="Say what was done, or why no action is needed."),
                    Length(max=2000)])

"""Task, joining and activity forms."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from .fields import FiniteDecimalField, TagListField, options

NOTE_HELP = "One line on why you qualify: what you know or bring (max 280 characters)."


class TaskForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(min=3, max=160)])
    description = TextAreaField(
        "Description", validators=[Length(max=20000)],
        description="Markdown: **bold**, *italic*, lists and links.")
    tags = TagListField("Required knowledge (tags)",
                        description="Comma-separated, e.g. flood modelling, gis")
    capacity = IntegerField("Places for contributors", default=3,
                            validators=[InputRequired(), NumberRange(min=1, max=50)])
    due_on = DateField("Due date", validators=[Optional()])
    effort_hours = FiniteDecimalField("Effort estimate (hours)", places=1,
                                validators=[Optional(), NumberRange(min=0.5, max=10000)])
    join_policy = RadioField("Who can join", default="open", choices=options([
        ("open", "Anyone with the knowledge: join directly"),
        ("approval", "I approve each request"),
    ]))
    working_group_id = SelectField("Working group", coerce=int, default=0)
    is_decision = BooleanField(
        "This task is a decision the partnership takes",
        description="Coordinators are warned when a critical stakeholder has not been heard "
                    "in its discussion.")


class JoinForm(FlaskForm):
    note = StringField("Why you qualify", description=NOTE_HELP,
                       validators=[DataRequired(message="Say in a line why you qualify."),
                                   Length(max=280)])


class DecisionForm(FlaskForm):
    reason = StringField("Reason (optional, shown to the requester)",
                         validators=[Length(max=280)])


class HandOverForm(FlaskForm):
    successor = SelectField("Hand over to", coerce=int, validators=[InputRequired()])
    after = RadioField("And then", default="leave",
                       choices=options([("leave", "I leave the team"),
                                        ("stay", "I stay on as a contributor")]),
                       validators=[InputRequired()])


class CompleteForm(FlaskForm):
    outcome = TextAreaField("Outcome", description="What came out of it, and where to find it.",
                            validators=[DataRequired(message="Describe the outcome."),
                                        Length(max=5000)])


class CancelForm(FlaskForm):
    reason = StringField("Reason (optional)", validators=[Length(max=280)])


class CoordinatorCancelForm(FlaskForm):
    reason = StringField("Why it is cancelled", description="The team and anyone waiting "
                         "read this.",
                         validators=[DataRequired(message="Say why the task is cancelled."),
                                     Length(max=280)])


class ProposalAnswerForm(FlaskForm):
    reason = StringField("What is still missing (optional)", validators=[Length(max=280)])


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(message="Write something first."),
                                                Length(max=5000)])


class WorkLogForm(FlaskForm):
    hours = FiniteDecimalField("Hours", places=2,
                         validators=[InputRequired(), NumberRange(min=0.25, max=24)])
    worked_on = DateField("Day", default=date.today, validators=[InputRequired()])
    note = StringField("What you did (optional)", validators=[Length(max=280)])


class EmptyForm(FlaskForm):
    """A CSRF token and nothing else, for one-button actions."""

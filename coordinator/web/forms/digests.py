"""The digest settings form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired

from .fields import options


class DigestSettingsForm(FlaskForm):
    frequency = RadioField("How often", default="weekly", choices=options([
        ("weekly", "Weekly (Mondays)"), ("daily", "Daily"), ("off", "Never")]))
    timezone = StringField("Time zone", default="UTC", validators=[InputRequired()],
                           description="As in Europe/Amsterdam or America/New_York.")
    send_hour = StringField("Send at (local hour, 0–23)", default="7",
                            validators=[InputRequired()],
                            description="The digest arrives at the start of this hour.")
    fit_tasks = BooleanField("New tasks that fit what I know", default=True)
    bridge_tasks = BooleanField("Tasks where I would bring something the team lacks",
                                default=True)
    task_news = BooleanField("News on tasks I started or joined", default=True)
    due_dates = BooleanField("My due dates in the next 7 days", default=True)
    alerts = BooleanField("Coordinators: balance and power alerts", default=True)

"""The form that makes a personal access token."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from ...services.api_tokens import LIFETIMES, SCOPES
from .fields import options


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)],
                       description="What it is for, as “Dashboard” or “Chat bot”.")
    membership_id = SelectField("Partnership", coerce=int)
    scopes = SelectMultipleField("It may", choices=options(SCOPES.items()), default=["read"])
    lifetime = RadioField("It lasts", default="90", choices=options(
        [("30", "30 days"), ("90", "90 days"), ("365", "A year"), ("never", "Until revoked")]))

    def lifetime_days(self) -> int | None:
        return LIFETIMES.get(self.lifetime.data)

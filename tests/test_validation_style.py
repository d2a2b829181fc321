"""One way to refuse input: services raise InvalidInputError naming every bad field, and
one helper puts each message under its form field."""

from flask_wtf import FlaskForm
from wtforms import StringField

from coordinator.errors import InvalidInputError
from coordinator.web.forms.fields import attach_error


class TwoFields(FlaskForm):
    class Meta:
        csrf = False

    timezone = StringField()
    send_hour = StringField()


def test_an_error_for_several_fields_keeps_them_all_and_leads_with_the_first():
    refused = InvalidInputError(errors={"timezone": "Unknown zone.", "send_hour": "0–23."})
    assert (refused.field, str(refused)) == ("timezone", "Unknown zone.")
    assert refused.errors == {"timezone": "Unknown zone.", "send_hour": "0–23."}


def test_an_error_for_one_field_reads_as_errors_too():
    assert InvalidInputError("Too long.", field="note").errors == {"note": "Too long."}


def test_each_message_lands_under_its_field(app):
    with app.test_request_context():
        form = TwoFields()
        placed = attach_error(form, InvalidInputError(
            errors={"timezone": "Unknown zone.", "send_hour": "0–23."}))
        assert placed
        assert (form.timezone.errors, form.send_hour.errors) == (["Unknown zone."], ["0–23."])


def test_a_field_the_form_lacks_is_reported_so_the_view_can_say_it_elsewhere(app):
    with app.test_request_context():
        form = TwoFields()
        assert not attach_error(form, InvalidInputError("Pick one.", field="link"))

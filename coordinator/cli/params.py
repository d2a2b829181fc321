"""Parameter types the commands share."""

from datetime import datetime

import click

from ..domain.moments import parse_moment


class Moment(click.ParamType):
    """--now: ISO 8601 with a UTC offset, parsed as the jobs parse it."""

    name = "iso-datetime"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return parse_moment(value)
        except ValueError as refused:
            self.fail(str(refused), param, ctx)

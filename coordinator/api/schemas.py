"""The shapes of the API's resources: they validate what comes in and, read by
flask-smorest, make the OpenAPI document."""

from __future__ import annotations

import marshmallow as ma

from ..domain.balance.thresholds import FIELDS as THRESHOLD_FIELDS
from ..models import ACTIVITY_KINDS, JOIN_POLICIES
from ..services.board import SORT_CHOICES, STATUS_CHOICES
from .common import PageArgs, Strict, page_schema

Text = ma.fields.String


class Person(ma.Schema):
    id = ma.fields.Integer()
    name = Text()


class MemberRef(ma.Schema):
    id = ma.fields.Integer()
    name = Text(attribute="user.name")


class TaskSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    title = Text()
    description = Text()
    tags = ma.fields.List(Text(), attribute="tag_names")
    capacity = ma.fields.Integer()
    filled = ma.fields.Integer(dump_only=True)
    places_left = ma.fields.Integer(dump_only=True)
    due_on = ma.fields.Date(allow_none=True)
    effort_hours = ma.fields.Float(allow_none=True)
    join_policy = Text()
    is_decision = ma.fields.Boolean()
    working_group_id = ma.fields.Integer(allow_none=True)
    status = Text(dump_only=True)
    outcome = Text(dump_only=True)
    initiator = ma.fields.Nested(MemberRef, dump_only=True)
    started_by_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The member who posted it; the initiator may have changed since, "
                       "by a hand-over."})
    proposal = ma.fields.Method("_proposal", dump_only=True, allow_none=True, metadata={
        "description": "A contributor's proposal to mark it done, waiting for the "
                       "initiator: {by, outcome, at}, or null."})
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    completed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)


    def _proposal(self, task):
        if task.proposed_by_id is None:
            return None
        return {"by": task.proposed_by_id, "outcome": task.proposed_outcome,
                "at": task.proposed_at.isoformat()}


TaskPage = page_schema(TaskSchema, "TaskPage")


class TaskFilters(PageArgs):
    status = Text(load_default="joinable", validate=ma.validate.OneOf(STATUS_CHOICES))
    tag = Text(load_default="", validate=ma.validate.Length(max=40))
    group = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1))
    room = ma.fields.Boolean(load_default=False,
                             metadata={"description": "Only tasks with a free place."})
    mine = ma.fields.Boolean(load_default=False, metadata={"description": "Only my tasks."})
    q = Text(load_default="", validate=ma.validate.Length(max=100))
    sort = Text(load_default="newest", validate=ma.validate.OneOf(SORT_CHOICES))


class TaskCreate(Strict):
    title = Text(required=True, validate=ma.validate.Length(1, 160))
    description = Text(load_default="", validate=ma.validate.Length(max=20_000))
    tags = ma.fields.List(Text(validate=ma.validate.Length(1, 40)), load_default=list,
                          validate=ma.validate.Length(max=20))
    capacity = ma.fields.Integer(load_default=3, validate=ma.validate.Range(1, 50))
    due_on = ma.fields.Date(load_default=None, allow_none=True)
    effort_hours = ma.fields.Float(load_default=None, allow_none=True,
                                   validate=ma.validate.Range(0.25, 10_000))
    join_policy = Text(load_default="open", validate=ma.validate.OneOf(JOIN_POLICIES))
    working_group_id = ma.fields.Integer(load_default=None, allow_none=True,
                                         validate=ma.validate.Range(1, 2**31 - 1))
    is_decision = ma.fields.Boolean(load_default=False)


class TaskUpdate(TaskCreate):
    """Only the fields given change."""

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name, field_obj):
        field_obj.required = False
        field_obj.load_default = ma.missing


class Outcome(Strict):
    outcome = Text(required=True, validate=ma.validate.Length(1, 5000))


class Reason(Strict):
    reason = Text(load_default="", validate=ma.validate.Length(max=1000))


class HandOverBody(Strict):
    successor_id = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 2**31 - 1))
    stay = ma.fields.Boolean(load_default=False, metadata={
        "description": "Stay on the team as a contributor; otherwise you leave it and the "
                       "head of the waitlist takes the place."})


class JoinBody(Strict):
    note = Text(load_default="", validate=ma.validate.Length(max=280))


class JoinResult(ma.Schema):
    status = Text(metadata={"description": "joined, requested or waitlisted"})
    task = ma.fields.Nested(TaskSchema)


class CommentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    body = Text(required=True, validate=ma.validate.Length(1, 5000))
    author = ma.fields.Nested(MemberRef, attribute="membership", dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class CommentCreate(Strict):
    body = Text(required=True, validate=ma.validate.Length(1, 5000))


CommentPage = page_schema(CommentSchema, "CommentPage")


class WorkLogSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    hours = ma.fields.Float()
    worked_on = ma.fields.Date()
    note = Text()
    member = ma.fields.Nested(MemberRef, attribute="membership", dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class WorkLogCreate(Strict):
    hours = ma.fields.Float(required=True, validate=ma.validate.Range(0.25, 24))
    worked_on = ma.fields.Date(required=True)
    note = Text(load_default="", validate=ma.validate.Length(max=280))


WorkLogPage = page_schema(WorkLogSchema, "WorkLogPage")


class MemberSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Text(attribute="user.name")
    role = Text()
    organisation = Text(attribute="organisation.name", allow_none=True)
    sector = Text(attribute="organisation.sector", allow_none=True)
    tags = ma.fields.List(Text(), attribute="tag_names")
    bio = Text()


MemberPage = page_schema(MemberSchema, "MemberPage")


class MemberFilters(PageArgs):
    q = Text(load_default="", validate=ma.validate.Length(max=100))
    tag = Text(load_default="", validate=ma.validate.Length(max=40))


class ProfileUpdate(Strict):
    name = Text(validate=ma.validate.Length(1, 120))
    tags = ma.fields.List(Text(validate=ma.validate.Length(1, 40)),
                          validate=ma.validate.Length(max=30))
    bio = Text(validate=ma.validate.Length(max=2000))


class AlertSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = Text()
    scope_type = Text()
    scope_id = ma.fields.Integer()
    scope_label = Text()
    severity = Text()
    status = Text()
    active = ma.fields.Boolean()
    snoozed_until = ma.fields.Date(allow_none=True)
    values = ma.fields.Dict()
    thresholds = ma.fields.Dict()
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime()
    pattern = Text()
    advice = Text()
    opened_at = ma.fields.AwareDateTime()
    changed_at = ma.fields.AwareDateTime()
    resolved_at = ma.fields.AwareDateTime(allow_none=True)


class AlertDetail(AlertSchema):
    people = ma.fields.List(ma.fields.Nested(Person))
    tasks = ma.fields.List(ma.fields.Dict())
    suggestions = ma.fields.List(ma.fields.Dict())


AlertPage = page_schema(AlertSchema, "AlertPage")


class AlertFilters(PageArgs):
    kind = Text(load_default="", validate=ma.validate.Length(max=40))
    severity = Text(load_default="", validate=ma.validate.OneOf(("", "low", "medium", "high")))
    status = Text(load_default="current", validate=ma.validate.OneOf(
        ("current", "open", "acknowledged", "snoozed", "resolved", "all")))


class AlertAction(Strict):
    action = Text(required=True, validate=ma.validate.OneOf(
        ("acknowledge", "snooze", "resolve", "reopen")))
    note = Text(load_default="", validate=ma.validate.Length(max=2000))
    until = ma.fields.Date(load_default=None, allow_none=True,
                           metadata={"description": "For snooze: the last day it sleeps."})


class GroupSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Text()
    description = Text()
    created_at = ma.fields.AwareDateTime()


GroupPage = page_schema(GroupSchema, "GroupPage")


class JoinRequestSchema(ma.Schema):
    id = ma.fields.Integer()
    task_id = ma.fields.Integer()
    member = ma.fields.Nested(MemberRef, attribute="membership")
    note = Text()
    status = Text()
    created_at = ma.fields.AwareDateTime()


JoinRequestPage = page_schema(JoinRequestSchema, "JoinRequestPage")


class Decision(Strict):
    decision = Text(required=True, validate=ma.validate.OneOf(("accept", "decline",
                                                               "withdraw")))
    reason = Text(load_default="", validate=ma.validate.Length(max=280),
                  metadata={"description": "For decline: why, for the person who asked."})


class ClusterSchema(ma.Schema):
    id = ma.fields.Integer()
    stable_id = ma.fields.Integer(metadata={"description": "The same group of knowledge "
                                                          "across recomputes."})
    label = Text()
    size = ma.fields.Integer()
    top_tags = ma.fields.List(Text())


class ClusterTieSchema(ma.Schema):
    a = ma.fields.Integer(metadata={"description": "stable_id of one cluster"})
    b = ma.fields.Integer()
    weight = ma.fields.Integer(metadata={"description": "Team-mate pairs between them."})


class KnowledgeMap(ma.Schema):
    computed_at = ma.fields.AwareDateTime(allow_none=True)
    is_stale = ma.fields.Boolean(metadata={"description": "Changes since wait for a recompute."})
    clarity = Text(allow_none=True, metadata={"description": "How clear the structure is."})
    clusters = ma.fields.List(ma.fields.Nested(ClusterSchema))
    ties = ma.fields.List(ma.fields.Nested(ClusterTieSchema))


class ClusterDetail(ClusterSchema):
    members = ma.fields.List(ma.fields.Nested(MemberRef))


class Neighbour(ma.Schema):
    member = ma.fields.Nested(MemberRef)
    similarity = ma.fields.Float()


class PlacementSchema(ma.Schema):
    cluster = ma.fields.Nested(ClusterSchema, allow_none=True)
    provisional = ma.fields.Boolean(metadata={
        "description": "True when placed from the profile because the latest map has not "
                       "seen it (new, or edited since); the next map decides."})
    neighbours = ma.fields.List(ma.fields.Nested(Neighbour))


class WhoKnowsArgs(Strict):
    tag = Text(required=True, validate=ma.validate.Length(1, 40))


class Knower(ma.Schema):
    member = ma.fields.Nested(MemberRef)
    score = ma.fields.Float(metadata={"description": "1 for holding the tag, plus 0.5 per "
                                                    "completed task with it."})


class WhoKnows(ma.Schema):
    tag = Text()
    members = ma.fields.List(ma.fields.Nested(Knower))


class ThresholdsSchema(ma.Schema):
    values = ma.fields.Dict(keys=Text(), values=ma.fields.Raw(),
                            metadata={"description": "Every threshold in force, by name."})
    tightened = ma.fields.List(Text(), metadata={
        "description": "Thresholds the exigent mission tightened."})


class ActivitySchema(ma.Schema):
    id = ma.fields.Integer()
    kind = Text()
    title = Text()
    occurred_at = ma.fields.AwareDateTime()
    duration_minutes = ma.fields.Integer()
    task_id = ma.fields.Integer(allow_none=True)
    working_group_id = ma.fields.Integer(allow_none=True)
    attendees = ma.fields.List(ma.fields.Nested(MemberRef))


ActivityPage = page_schema(ActivitySchema, "ActivityPage")


class ActivityCreate(Strict):
    kind = Text(required=True, validate=ma.validate.OneOf(ACTIVITY_KINDS))
    title = Text(required=True, validate=ma.validate.Length(1, 160))
    occurred_at = ma.fields.AwareDateTime(required=True)
    duration_minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(5, 1440))
    attendee_ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(1, 2**31 - 1)),
                                  load_default=list, validate=ma.validate.Length(max=200),
                                  metadata={"description": "You are included yourself."})
    task_id = ma.fields.Integer(load_default=None, allow_none=True,
                                validate=ma.validate.Range(1, 2**31 - 1))
    working_group_id = ma.fields.Integer(load_default=None, allow_none=True,
                                         validate=ma.validate.Range(1, 2**31 - 1))


class ActivityFilters(PageArgs):
    task = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1))
    group = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1))


class Indicator(ma.Schema):
    kind = Text()
    title = Text()
    question = Text()
    reading = Text(metadata={"description": "What it reads now, in a sentence."})
    flagged = ma.fields.Boolean()
    tables = ma.fields.Dict(metadata={"description": "Each group against its fair share."})


class Power(ma.Schema):
    indicators = ma.fields.List(ma.fields.Nested(Indicator))


class Health(ma.Schema):
    ei_now = ma.fields.Float(allow_none=True, metadata={
        "description": "E-I index of team-mate ties across knowledge clusters."})
    ties_now = ma.fields.Integer()
    joint_work = ma.fields.Dict(metadata={"description": "Joint hours, work hours, outputs."})
    clusters = ma.fields.List(ma.fields.Dict())


def _threshold_field(spec) -> ma.fields.Field:
    kind = ma.fields.Integer if spec.kind is int else ma.fields.Float
    return kind(validate=ma.validate.Range(spec.minimum, spec.maximum),
                metadata={"description": f"{spec.label}"
                                         f"{f' ({spec.unit})' if spec.unit else ''}. "
                                         f"{spec.help}"})


# One optional field per threshold, with its range: what a coordinator may change.
ThresholdsUpdate = Strict.from_dict({spec.name: _threshold_field(spec)
                                     for spec in THRESHOLD_FIELDS}, name="ThresholdsUpdate")

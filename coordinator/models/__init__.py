"""ORM models by area; importing this package registers them all."""

from .activity import ACTIVITY_KINDS, Comment, Event, JointActivity, WorkLog, activity_attendees
from .alerts import (
    ALERT_STATUSES,
    SCOPE_TYPES,
    SEVERITY_RANK,
    Alert,
    AlertEntry,
    ContingencyProfile,
    ImmutableRecordError,
    ThresholdChange,
)
from .api import TOKEN_PREFIX, ApiToken, IdempotentRequest
from .digests import (
    DELIVERY_STATUSES,
    DIGEST_KINDS,
    DigestDelivery,
    DigestPreference,
)
from .insight import (
    RUN_STATUSES,
    Cluster,
    ClusterAssignment,
    ClusterSnapshot,
    ClusterTie,
    RecomputeRun,
)
from .people import (
    ROLES,
    Invitation,
    LoginSession,
    Membership,
    Organisation,
    Partnership,
    Tag,
    User,
    membership_tags,
)
from .readings import LatestFigures, Reading
from .submissions import FormSubmission
from .tasks import (
    JOIN_POLICIES,
    TASK_STATUSES,
    GroupMember,
    JoinRequest,
    Participation,
    Task,
    WaitlistEntry,
    WorkingGroup,
    task_tags,
)
from .types import utcnow
from .webhooks import WEBHOOK_EVENTS, WEBHOOK_STATES, Webhook, WebhookDelivery

__all__ = [
    "LatestFigures",
    "Reading",
    "WEBHOOK_STATES",
    "WEBHOOK_EVENTS",
    "Webhook",
    "WebhookDelivery",
    "TOKEN_PREFIX",
    "ApiToken",
    "IdempotentRequest",
    "DELIVERY_STATUSES", "DIGEST_KINDS", "DigestDelivery", "DigestPreference",
    "ALERT_STATUSES", "SCOPE_TYPES", "SEVERITY_RANK", "Alert", "AlertEntry", "ContingencyProfile",
    "FormSubmission", "ImmutableRecordError", "ThresholdChange",
    "RUN_STATUSES", "Cluster", "ClusterAssignment", "ClusterSnapshot", "ClusterTie",
    "RecomputeRun", "ACTIVITY_KINDS", "JOIN_POLICIES", "ROLES", "TASK_STATUSES", "Comment", "Event",
    "GroupMember", "Invitation", "JoinRequest", "JointActivity", "LoginSession", "Membership",
    "Organisation", "Participation", "Partnership", "Tag", "Task", "User", "WaitlistEntry",
    "WorkLog", "WorkingGroup", "activity_attendees", "membership_tags", "task_tags", "utcnow",
]

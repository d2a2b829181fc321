"""What a knowledge profile holds, and how much each part weighs in its vector
(docs/coordinators.md).

Apart from domain.knowledge.vectors so the web process can weigh a profile without
loading numpy (domain.knowledge.placement).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    member_id: int
    tags: tuple[str, ...] = ()
    completed_tags: tuple[str, ...] = ()  # one entry per completed task and tag
    bio: str = ""


DECLARED_WEIGHT = 1.0  # a tag the member declared
COMPLETED_WEIGHT = 0.5  # per completed task that required the tag
BIO_WEIGHT = 0.8  # per bio term (1 + ln count), in one norm with the tags

"""Knowledge profiles: tags and a short bio per membership."""

from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import Membership
from coordinator.services.events import record_event
from coordinator.services.tags import ensure_tags, normalised


def update_profile(member: Membership, name: str, tags: list[str], bio: str) -> None:
    before = member.tag_names
    tags = normalised(tags)
    if not name.strip():
        raise InvalidInputError("Give your name.", field="name")
    member.user.name = name.strip()
    member.tags = ensure_tags(member.partnership_id, tags)
    member.bio = bio.strip()
    db.session.flush()
    record_event(member.partnership_id, "profile_updated", actor_id=member.id,
                 subject_id=member.id, data={"before": before, "after": tags})


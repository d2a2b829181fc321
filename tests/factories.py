"""Test factories: make_*(**overrides). They flush, never commit one by one."""

import itertools

from coordinator.extensions import db
from coordinator.models import Membership, Organisation, Partnership, Task, User
from coordinator.services import tasks as task_service
from coordinator.services.tags import ensure_tags

_seq = itertools.count(1)


class Factory:
    PASSWORD = "a long test passphrase"

    def partnership(self, **overrides) -> Partnership:
        n = next(_seq)
        values = {"slug": f"p{n}", "name": f"Partnership {n}"} | overrides
        partnership = Partnership(**values)
        db.session.add(partnership)
        db.session.flush()
        return partnership

    def organisation(self, partnership: Partnership, **overrides) -> Organisation:
        n = next(_seq)
        values = {"name": f"Org {n}", "sector": "business", "formal_authority": 1,
                  "resource_control": 1, "discursive_legitimacy": 1} | overrides
        organisation = Organisation(partnership_id=partnership.id, **values)
        db.session.add(organisation)
        db.session.flush()
        return organisation

    def user(self, **overrides) -> User:
        n = next(_seq)
        password = overrides.pop("password", self.PASSWORD)
        user = User(**({"email": f"user{n}@example.org", "name": f"User {n}"} | overrides))
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        return user

    def member(self, partnership: Partnership | None = None, *, role: str = "member",
               tags: tuple[str, ...] = (), organisation: Organisation | None = None,
               bio: str = "", **user_fields) -> Membership:
        partnership = partnership or self.partnership()
        membership = Membership(partnership_id=partnership.id, user=self.user(**user_fields),
                                role=role, bio=bio,
                                organisation_id=organisation.id if organisation else None)
        db.session.add(membership)
        db.session.flush()
        membership.tags = ensure_tags(partnership.id, list(tags))
        db.session.flush()
        return membership

    def task(self, initiator: Membership, **overrides) -> Task:
        n = next(_seq)
        values = {"title": f"Task {n}", "description": "", "tags": [], "capacity": 3,
                  "due_on": None, "effort_hours": None, "join_policy": "open",
                  "working_group_id": None} | overrides
        return task_service.create_task(initiator, task_service.TaskInput(**values))

    def commit(self) -> None:
        db.session.commit()


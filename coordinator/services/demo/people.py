"""The demo's organisations and members, with their profiles."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from flask import current_app
from werkzeug.security import generate_password_hash

from coordinator.services.knowledge.profiles import update_profile

from ...extensions import db
from ...models import Membership, Organisation, User
from .data.people import CLUSTERS, EMAIL_DOMAIN, MEMBERS, ORGANISATIONS
from .data.phrases import BIO_TEMPLATES, FOCUS
from .world import World, backdated, split_tags

DEMO_PASSWORD = "polder-demo-2026"


def seed_organisations(world: World) -> None:
    """Add the organisations of ORGANISATIONS."""
    for key, (name, sector, authority, resources, legitimacy) in ORGANISATIONS.items():
        world.orgs[key] = Organisation(
            partnership_id=world.partnership.id, name=name, sector=sector,
            formal_authority=authority, resource_control=resources,
            discursive_legitimacy=legitimacy)
    db.session.add_all(world.orgs.values())
    db.session.flush()


def seed_members(world: World) -> None:
    """Add the users and memberships of MEMBERS, then their profiles."""
    # One hash for everyone: the production scrypt cost is 0.6 s per hash.
    password_hash = generate_password_hash(
        DEMO_PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"])
    for i, row in enumerate(MEMBERS):
        key, name, org, role = row[0], row[1], row[2], row[6]
        joined = world.at(128 - i % 10, 8 + i % 9)
        user = User(email=demo_email(key, name), name=name, password_hash=password_hash,
                    created_at=joined)
        world.members[key] = Membership(
            partnership_id=world.partnership.id, user=user, role=role, joined_at=joined,
            organisation_id=world.orgs[org].id)
        world.info[key] = row
    db.session.add_all(world.members.values())
    db.session.flush()
    for row in MEMBERS:
        _profile(world, row)


def _profile(world: World, row: tuple) -> None:
    key, name, org, cluster, second, title, _role, tags_text = row
    rng = world.rng
    tags = split_tags(tags_text) or _draw_tags(world, cluster, second)
    bio = rng.choice(BIO_TEMPLATES).format(
        title=title, title_lower=title[0].lower() + title[1:],
        org=world.orgs[org].name, t1=tags[0], t2=tags[1],
        focus=rng.choice(FOCUS[cluster]))
    member = world.members[key]
    with backdated(member.joined_at + timedelta(hours=2)):
        update_profile(member, name, tags, bio)
    world.tagsets[key] = set(tags)


def _draw_tags(world: World, cluster: str, second: str) -> list[str]:
    rng = world.rng
    tags = rng.sample(CLUSTERS[cluster], rng.choice((3, 3, 4)))
    if second:
        tags.append(rng.choice(CLUSTERS[second]))
    return tags


def demo_email(key: str, name: str) -> str:
    local = {"admin": "admin", "sanne": "coordinator"}.get(key)
    if local is None:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        local = ".".join("".join(c for c in part if c.isalnum())
                         for part in ascii_name.lower().split())
    return f"{local}@{EMAIL_DOMAIN}"

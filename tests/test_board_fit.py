"""The fit sort read in parts gives the one order of its definition, across page edges."""

import random
import re

import pytest

from coordinator.extensions import db
from coordinator.models import Membership, Participation, User, WaitlistEntry
from coordinator.services import board, joining
from tests.api_client import ApiClient, token_for

MY_TAGS = ("gis", "hydrology", "law")
ALL_TAGS = MY_TAGS + ("soil", "media", "energy", "food")


@pytest.fixture
def mixed(make):
    """40 tasks of every kind: my tags or not, full or not, done, mine, joined, waited on;
    and a newcomer with one rare tag, for whom nearly every task fits nothing."""
    rnd = random.Random(11)
    partnership = make.partnership(slug="mixed")
    me = make.member(partnership, email="me@example.org", tags=MY_TAGS)
    other, helper = make.member(partnership), make.member(partnership)
    for n in range(40):
        kind = rnd.choice(("plain",) * 4 + ("full", "done", "mine", "joined", "waiting"))
        tags = rnd.sample(ALL_TAGS, rnd.randint(0, 3))
        task = make.task(me if kind == "mine" else other, title=f"T{n:02d} {kind}",
                         tags=tags, capacity=1 if kind == "full" else 3)
        if kind == "full":
            joining.join_task(task, helper, "x")
        elif kind == "done":
            task.status = "done"
        elif kind == "joined":
            joining.join_task(task, me, "x")
        elif kind == "waiting":
            db.session.add(WaitlistEntry(task_id=task.id, membership_id=me.id))
    make.task(other, title="Rare", tags=["rare"])
    make.member(partnership, email="new@example.org", tags=("rare",))
    make.commit()
    return me


def _defined_order(me, filters: board.BoardFilters) -> list[int]:
    """The fit order as the board promises it, computed in Python from every task."""
    tasks = db.session.scalars(board.board_query(me.partnership_id, me, board.BoardFilters(
        status=filters.status, tag=filters.tag, sort="newest"))).all()
    mine = set(me.tag_names)
    on_it = set(db.session.scalars(db.select(Participation.task_id).where(
        Participation.membership_id == me.id)))
    waiting = set(db.session.scalars(db.select(WaitlistEntry.task_id).where(
        WaitlistEntry.membership_id == me.id)))

    def key(task):
        open_to_me = task.has_room and task.id not in on_it | waiting
        return (not open_to_me, -len(mine & set(task.tag_names)), -task.id)

    return [task.id for task in sorted(tasks, key=key)]


@pytest.mark.parametrize("status, tag", [("joinable", ""), ("all", ""), ("all", "gis")])
@pytest.mark.parametrize("per_page", [1, 3, 7, 50])
@pytest.mark.parametrize("email", ["me@example.org", "new@example.org"])
def test_every_page_of_the_fit_sort_follows_its_definition(make, mixed, status, tag,
                                                           per_page, email):
    who = db.session.scalar(db.select(Membership).join(User).where(User.email == email))
    filters = board.BoardFilters(status=status, tag=tag, sort="fit")
    expected = _defined_order(who, filters)
    assert len(expected) >= 8
    seen, number = [], 1
    while True:
        page = board.board_page(who.partnership_id, who, filters, number, per_page)
        assert page.total == len(expected)
        if not page.items:
            break
        seen += [task.id for task in page.items]
        number += 1
    assert seen == expected


def test_the_board_pages_cross_from_fitting_tasks_to_the_rest_in_order(
        client, auth, app, make, mixed):
    with app.app_context():
        expected = _defined_order(db.session.merge(mixed), board.BoardFilters())
    app.config["BOARD_PAGE_SIZE"] = 4
    auth.login("me@example.org")
    ids = []
    for number in range(1, len(expected) // 4 + 2):
        html = client.get(f"/p/mixed/tasks?page={number}").text
        ids += [int(i) for i in re.findall(r'<h3><a href="/p/mixed/tasks/(\d+)">', html)]
    assert ids == expected


def test_the_api_pages_the_fit_sort_in_the_same_order(client, app, make, mixed):
    with app.app_context():
        member = db.session.merge(mixed)
        expected = _defined_order(member, board.BoardFilters())
        api = ApiClient(client, token_for(make, member))
    ids, url = [], "/api/v1/tasks?sort=fit&limit=3"
    while url:
        page = api.get(url).get_json()
        ids += [task["id"] for task in page["items"]]
        url = page["next"]
    assert ids == expected

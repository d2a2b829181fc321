"""Probe 2 of the hardening issue: input the database cannot store is refused, naming the
field, and changes nothing (NUL bytes, ids beyond 32 bits, huge page numbers, sNaN)."""

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Task, WorkLog

NUL = "a\x00b"


@pytest.fixture
def world(make, auth):
    p = make.partnership()
    admin = make.member(p, role="admin")
    task = make.task(admin)
    make.commit()
    auth.login(admin.user.email)
    return p, task


def _tasks() -> int:
    return db.session.scalar(select(func.count()).select_from(Task))


@pytest.mark.parametrize("path, data, field", [
    ("tasks/new", {"title": NUL, "capacity": "3"}, "title"),
    ("tasks/new", {"title": "Fine", "description": NUL, "capacity": "3"}, "description"),
    ("tasks/{task}/comments", {"body": NUL}, "body"),
    ("tasks/{task}/work", {"hours": "1", "worked_on": "2026-01-05", "note": NUL}, "note"),
    ("tasks/{task}/join", {"note": NUL}, "note"),
    ("profile", {"name": NUL}, "name"),
    ("groups/new", {"name": NUL}, "name"),
    ("admin/organisations/new", {"name": NUL}, "name"),
])
def test_nul_in_any_form_field_is_a_400_naming_it(client, world, path, data, field):
    p, task = world
    before = _tasks()
    response = client.post(f"/p/{p.slug}/" + path.format(task=task.id), data=data)
    assert response.status_code == 400
    assert f"“{field}”".encode() in response.data and b"NUL" in response.data
    assert _tasks() == before


def test_nul_in_login_email_and_query_parameters(client, world):
    p, _ = world
    assert client.post("/login", data={"email": NUL, "password": "x"}).status_code == 400
    for path in ("tasks?q=" + "a%00b", "tasks?tag=%00", "members?q=%00",
                 "knowledge/who?tag=%00", "digest/outbox?status=%00"):
        response = client.get(f"/p/{p.slug}/{path}")
        assert response.status_code in (400, 404), path
        if response.status_code == 400:
            assert b"NUL" in response.data


@pytest.mark.parametrize("path", ["tasks/2147483648", "tasks/99999999999999999999999",
                                  "tasks/2147483648/edit", "desk/alerts/2147483648",
                                  "members/9223372036854775808"])
def test_ids_beyond_the_id_columns_are_not_found(client, world, path):
    p, _ = world
    assert client.get(f"/p/{p.slug}/{path}").status_code == 404


@pytest.mark.parametrize("query", ["page=9223372036854775808", "page=-1", "page=x",
                                   "group=99999999999999999999"])
def test_out_of_range_query_numbers_are_a_400_naming_them(client, world, query):
    p, _ = world
    response = client.get(f"/p/{p.slug}/tasks?{query}")
    assert response.status_code == 400
    assert f"“{query.split('=')[0]}”".encode() in response.data


def test_page_beyond_the_last_is_an_empty_page_not_an_error(client, world):
    p, _ = world
    assert client.get(f"/p/{p.slug}/tasks?page=2147483647").status_code == 200


@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-inf"])
def test_special_decimal_values_are_a_form_error(client, world, value):
    p, task = world
    before = _tasks()
    response = client.post(f"/p/{p.slug}/tasks/new", data={
        "title": "Special effort", "capacity": "3", "effort_hours": value,
        "join_policy": "open", "working_group_id": "0"})
    assert response.status_code == 200
    assert b"Not a valid decimal value" in response.data
    assert _tasks() == before
    logged = client.post(f"/p/{p.slug}/tasks/{task.id}/work",
                         data={"hours": value, "worked_on": "2026-01-05"})
    assert logged.status_code == 422 and b"Not a valid decimal value" in logged.data
    assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 0


@pytest.mark.parametrize("day", ["9999-12-31", "1970-01-01"])
def test_work_cannot_be_logged_for_a_day_that_has_not_happened(client, world, day):
    p, task = world
    client.post(f"/p/{p.slug}/tasks/{task.id}/work", data={"hours": "2", "worked_on": day})
    assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 0

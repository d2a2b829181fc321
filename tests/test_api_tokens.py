"""Personal access tokens: made and revoked on the account page, checked on every call."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import ApiToken, utcnow
from coordinator.services import api_tokens
from tests.api_client import ApiClient, token_for


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    member = make.member(partnership, email="ana@example.org", name="Ana")
    coordinator = make.member(partnership, role="coordinator", email="cy@example.org")
    make.commit()
    return partnership, member, coordinator


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(client, auth, river):
    auth.login("ana@example.org")
    made = client.post("/account/tokens/", data={
        "name": "Dashboard", "membership_id": river[1].id,
        "scopes": ["read"], "lifetime": "30"})
    assert made.status_code == 201
    secret = re.search(r'id="token-secret">(pold_[\w-]+)<', made.get_data(as_text=True))[1]
    row = db.session.scalar(select(ApiToken))
    assert row.secret_hash == ApiToken.hash_of(secret) and secret not in repr(vars(row))
    assert secret not in client.get("/account/tokens/").get_data(as_text=True)
    assert "Dashboard" in client.get("/account/tokens/").get_data(as_text=True)


def test_a_revoked_token_is_refused_at_once(client, auth, make, river):
    secret = token_for(make, river[1])
    api = ApiClient(client, secret)
    assert api.get("/api/v1/me").status_code == 200
    auth.login("ana@example.org")
    page = client.get("/account/tokens/").get_data(as_text=True)
    token_id = re.search(r'/account/tokens/(\d+)/revoke', page).group(1)
    asked = client.post(f"/account/tokens/{token_id}/revoke")
    assert "Yes, revoke it" in asked.text
    assert api.get("/api/v1/me").status_code == 200  # nothing until "yes"
    assert client.post(f"/account/tokens/{token_id}/revoke",
                       data={"confirmed": "yes"}).status_code == 302
    refused = api.get("/api/v1/me")
    assert refused.status_code == 401 and refused.json["code"] == "invalid_token"
    assert 'Bearer error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_an_expired_token_is_refused(client, make, river):
    secret = token_for(make, river[1], lifetime=30)
    row = db.session.scalar(select(ApiToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    make.commit()
    assert ApiClient(client, secret).get("/api/v1/me").status_code == 401


def test_no_token_or_a_wrong_one_gets_401_as_problem_details(client, river):
    missing = client.get("/api/v1/tasks")
    wrong = ApiClient(client, "pold_not-a-token").get("/api/v1/tasks")
    for answer in (missing, wrong):
        assert answer.status_code == 401
        assert answer.content_type == "application/problem+json"
        assert answer.json["status"] == 401 and answer.json["detail"]


def test_only_coordinators_give_a_token_the_coordinator_scopes(river):
    with pytest.raises(InvalidInputError) as refused:
        api_tokens.create(river[1], "bot", ["read", "coordinator:read"], None)
    assert refused.value.field == "scopes"
    token, _ = api_tokens.create(river[2], "desk", ["coordinator:read"], 30)
    assert token.scopes == ["coordinator:read"]


def test_a_scope_the_token_lacks_is_403_and_a_coordinator_who_stepped_down_loses_theirs(
        client, make, river):
    reader = ApiClient(client, token_for(make, river[1], scopes=("read",)))
    refused = reader.post("/api/v1/tasks", json={"title": "x"})
    assert refused.status_code == 403 and refused.json["code"] == "insufficient_scope"
    desk = ApiClient(client, token_for(make, river[2], scopes=("coordinator:read",)))
    assert desk.get("/api/v1/alerts").status_code == 200
    river[2].role = "member"
    make.commit()
    assert desk.get("/api/v1/alerts").status_code == 403


def test_last_used_is_recorded(client, make, river):
    ApiClient(client, token_for(make, river[1])).get("/api/v1/me")
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_a_logged_in_browser_is_not_an_api_client(client, auth, river):
    """The API takes no cookies, so another site cannot make a member's browser call it
    (which is why its endpoints need no CSRF token)."""
    auth.login("ana@example.org")
    assert client.get("/p/river/tasks").status_code == 200
    refused = client.post("/api/v1/tasks", json={"title": "Sent by another site"})
    assert refused.status_code == 401

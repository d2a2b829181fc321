"""Calling the JSON API as an integration would: a token in the Authorization header."""

from __future__ import annotations

from coordinator.services import api_tokens


class ApiClient:
    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def __call__(self, method: str, path: str, json=None, headers=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.secret}", **(headers or {})}
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self("PATCH", path, json=json, **kwargs)


def token_for(make, member, scopes=("read", "write"), lifetime=None) -> str:
    _, secret = api_tokens.create(member, "test", scopes, lifetime)
    make.commit()
    return secret

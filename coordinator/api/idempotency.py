"""A POST sent again with the same Idempotency-Key gets the first answer.

A key is reserved on a connection of its own before the request runs, so a second copy
arriving meanwhile is told it is in progress (409) instead of running twice; the answer
is stored once the request is done. A key used again for another request is refused
(422). A reservation whose request never finished (the process died) is released after
STALE, so the client can retry. Keys are kept for a day (`api_tokens.sweep_replays`, hourly).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from flask import Response, abort, g, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..errors import InvalidInputError
from ..extensions import db
from ..models import IdempotentRequest, utcnow

HEADER = "Idempotency-Key"
STALE = timedelta(minutes=5)
STORED_HEADERS = ("Content-Type", "Location", "ETag")


def _fingerprint() -> str:
    body = request.get_data(cache=True)
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n"
                          + body).hexdigest()


def replay_or_reserve():
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not 1 <= len(key) <= 200:
        raise InvalidInputError("Give an Idempotency-Key of 1 to 200 characters.",
                                field=HEADER)
    fingerprint, now = _fingerprint(), utcnow()
    with db.engine.begin() as connection:
        connection.execute(delete(IdempotentRequest).where(
            IdempotentRequest.token_id == g.token.id, IdempotentRequest.key == key,
            IdempotentRequest.status.is_(None), IdempotentRequest.created_at < now - STALE))
    try:
        with db.engine.begin() as connection:
            connection.execute(IdempotentRequest.__table__.insert().values(
                token_id=g.token.id, key=key, fingerprint=fingerprint, created_at=now,
                headers={}))
    except IntegrityError:
        first = db.session.scalar(select(IdempotentRequest).where(
            IdempotentRequest.token_id == g.token.id, IdempotentRequest.key == key))
        if first is None or first.fingerprint != fingerprint:
            raise InvalidInputError("This Idempotency-Key was used for another request.",
                                    field=HEADER) from None
        if first.status is None:
            abort(409, description="A request with this Idempotency-Key is in progress.")
        replay = Response(first.body, status=first.status, headers=first.headers)
        replay.headers["Idempotent-Replayed"] = "true"
        return replay
    g.idempotency_key = key
    return None


def store_answer(response: Response) -> Response:
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    where = (IdempotentRequest.token_id == g.token.id, IdempotentRequest.key == key)
    with db.engine.begin() as connection:
        if response.status_code >= 500 or response.status_code in (409, 429):
            # Not an answer to keep: the client may send the request again.
            connection.execute(delete(IdempotentRequest).where(*where))
        else:
            headers = {name: response.headers[name] for name in STORED_HEADERS
                       if name in response.headers}
            connection.execute(IdempotentRequest.__table__.update().where(*where).values(
                status=response.status_code, body=response.get_data(as_text=True),
                headers=json.loads(json.dumps(headers))))
    return response

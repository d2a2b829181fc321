"""Render a digest as a real email: HTML and text parts, list and unsubscribe headers."""

from __future__ import annotations

import email.policy
import re
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import quote

from flask import current_app, render_template

from coordinator.models import DigestDelivery, Membership
from coordinator.tokens import make_token


class _Headers(HeaderRegistry):
    """email's registry makes a new class each time it parses a header, a few dozen times
    per digest between building and sending it (half the time of both); here each is
    made once. The headers and the bytes sent are the same."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made


# SMTP allows 998-character lines: long unsubscribe URLs stay whole instead of being
# folded into encoded words that mail clients cannot click.
POLICY = email.policy.default.clone(max_line_length=998, header_factory=_Headers())

UNSUBSCRIBE = "unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600  # a link in an old digest keeps working a year on


def one_line(text: str, limit: int = 150) -> str:
    """Header text: CR, LF and other controls become spaces, so nothing can add a header."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()[:limit]


def unsubscribe_token(delivery: DigestDelivery) -> str:
    return make_token(UNSUBSCRIBE, {"m": delivery.membership_id, "k": delivery.kind,
                                    "d": delivery.id})


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def subject_for(delivery: DigestDelivery, partnership_name: str) -> str:
    period = "daily" if delivery.frequency == "daily" else "weekly"
    what = "alerts digest" if delivery.kind == "coordinator" else "digest"
    return one_line(f"Your {period} {what} from {partnership_name}")


def render_bodies(delivery: DigestDelivery, member: Membership, content,
                  unsubscribe_url: str) -> tuple[str, str]:
    """(text, html) for the member or coordinator digest."""
    name = "coordinator_digest" if delivery.kind == "coordinator" else "digest"
    context = {"delivery": delivery, "member": member, "partnership": member.partnership,
               "digest": content, "unsubscribe_url": unsubscribe_url,
               "base_url": current_app.config["BASE_URL"].rstrip("/")}
    return (render_template(f"emails/{name}.txt", **context),
            render_template(f"emails/{name}.html", **context))


def build_digest(delivery: DigestDelivery, member: Membership, content) -> EmailMessage:
    config = current_app.config
    partnership = member.partnership
    token = unsubscribe_token(delivery)
    # Built by hand: jobs run outside any request, where url_for knows no host.
    url = _absolute(f"/u/{token}")
    text, html = render_bodies(delivery, member, content, url)
    sender_name, sender_address = parseaddr(config["MAIL_FROM"])
    host = sender_address.rpartition("@")[2] or "polder.local"
    message = EmailMessage(policy=POLICY)
    message["From"] = Address(one_line(sender_name or "Polder"), addr_spec=sender_address)
    message["To"] = Address(one_line(member.user.name), addr_spec=member.user.email)
    message["Subject"] = subject_for(delivery, partnership.name)
    message["Message-ID"] = (f"<digest-{delivery.membership_id}-{delivery.kind}-"
                             f"{delivery.period_key}@{host}>")
    message["List-Id"] = (f"{one_line(partnership.name, 60)} {delivery.kind} digest "
                          f"<{delivery.kind}-digest.{partnership.slug}.{host}>")
    message["List-Unsubscribe"] = (f"<{url}>, <mailto:{sender_address}?subject="
                                   f"{quote(UNSUBSCRIBE + ' ' + token)}>")
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Date"] = formatdate(usegmt=True)  # RFC 5322 requires it; filters score its lack
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message

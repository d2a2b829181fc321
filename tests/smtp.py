"""A real SMTP server in the test process (aiosmtpd), recording what it accepts."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self):
        self.messages = []
        self.replies: list[str] = []  # queued replies to give instead of accepting

    async def handle_DATA(self, server, session, envelope):
        if self.replies:
            return self.replies.pop(0)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd 1.4.6 cannot bind port 0 itself, so pick a free one first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp(recorder: Recorder | None = None) -> tuple[Controller, Recorder]:
    recorder = recorder or Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, recorder


def serve(app, recorder: Recorder) -> Controller:
    """Start a server with `recorder` and point the app's mail at it."""
    controller, _ = start_smtp(recorder)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    return controller

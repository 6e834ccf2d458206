"""Real servers on 127.0.0.1 for the notification tests: a webhook receiver (answering, or
holding its answer back), an SMTP server (aiosmtpd), and addresses nothing answers at."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Webhook:
    """A webhook receiver; `status` is its answer, and `hold` keeps the answer back until
    the test ends (a server too slow for the client's timeout)."""

    status: int = 200
    hold: bool = False
    received: list[Received] = field(default_factory=list)
    port: int = 0
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = "/hooks/T000-SECRET-TOKEN") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def webhook(status: int = 200, *, hold: bool = False) -> Iterator[Webhook]:
    hook = Webhook(status=status, hold=hold)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            hook.received.append(Received(self.path, dict(self.headers.items()), body))
            if hook.hold:
                hook.release.wait(30)
            self.send_response(hook.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    hook.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class Mailbox:
    port: int
    messages: list[Any] = field(default_factory=list)


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        self.mailbox.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 Message accepted for delivery"


# Ports handed out by `refusing_port`, held until the tests end.
_HELD: list[socket.socket] = []


def free_port() -> int:
    """A port for a test's own server to listen on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def refusing_port() -> int:
    """A port where a server is down: bound and held, never listening, so a connection to
    it is refused, and no other test (nor another worker of a parallel run) can start a
    server on it before the test is done, as it could were the port let go."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    _HELD.append(probe)
    return int(probe.getsockname()[1])


@contextmanager
def smtp_server(*, authenticate: Any = None) -> Iterator[Mailbox]:
    """aiosmtpd on 127.0.0.1; with `authenticate`, a server that asks for a login (over
    the plain connection, as a test may)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(free_port())
    settings: dict[str, Any] = {}
    if authenticate is not None:
        settings = {
            "authenticator": authenticate,
            "auth_require_tls": False,
            "auth_required": True,
        }
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=mailbox.port, **settings)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that takes connections and never says a word: an SMTP server too slow to greet."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()

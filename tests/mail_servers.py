"""Real mail servers for the delivery tests, all on loopback.

- ``MailServer``: aiosmtpd with AUTH required, in one of three modes: implicit TLS, STARTTLS, or plain; its
  certificate comes from a throwaway CA made by trustme. Replies to MAIL, RCPT and DATA can be set to refusals.
- ``ScriptedServer``: a TCP server that speaks just enough SMTP to misbehave on purpose (say nothing, or hang up
  in the middle of DATA).
- ``SendGridStandIn``: an HTTP server that answers the two SendGrid v3 calls we make and keeps what it received.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support import SECRETS_USED, free_port

USER = "mailer@example.com"
PASSWORD = "tls-pw-Xk29"
SECRETS_USED.add(PASSWORD)

Mode = Literal["ssl", "starttls", "plain"]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    over_tls: bool


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps each mail; MAIL, RCPT and DATA answer ``None`` (accept) or the given reply."""

    mail_reply: str | None = None
    rcpt_reply: str | None = None
    data_reply: str | None = None
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, login) of each successful AUTH
    auth_attempts: int = 0

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        # session.ssl is set after STARTTLS only; with implicit TLS the transport itself knows.
        over_tls = session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, over_tls))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        self.auth_attempts += 1
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
            USER,
            PASSWORD,
        )
        if ok:
            self.logins.append((mechanism, USER))
        return AuthResult(success=ok, handled=False)


@dataclass
class MailServer:
    host: str
    port: int
    mode: Mode
    mailbox: Mailbox
    ca_pem: str  # the CA that signed the server's certificate, as PEM text
    user: str = USER
    password: str = PASSWORD


class ThrowawayCA:
    """A throwaway CA and server certificates (trustme), with the files a client or server context needs."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.pem = self.ca.cert_pem.bytes().decode()

    def server_context(self, *names: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*(names or ("127.0.0.1", "localhost"))).configure_cert(context)
        return context


@contextmanager
def mail_server(
    ca: ThrowawayCA,
    mode: Mode,
    *,
    mailbox: Mailbox | None = None,
    names: tuple[str, ...] = (),
    mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"),
) -> Iterator[MailServer]:
    """aiosmtpd on a free loopback port, AUTH required with USER/PASSWORD through ``mechanisms`` only."""
    mailbox = mailbox or Mailbox()
    port = free_port()
    kwargs: dict[str, Any] = {
        "authenticator": mailbox.authenticate,
        "auth_required": True,
        # aiosmtpd counts only STARTTLS as TLS for this switch; with implicit TLS the whole session is encrypted.
        "auth_require_tls": mode == "starttls",
        "auth_exclude_mechanism": [name for name in ("PLAIN", "LOGIN") if name not in mechanisms],
    }
    context = ca.server_context(*names)
    if mode == "ssl":
        kwargs["ssl_context"] = context
    elif mode == "starttls":
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield MailServer("127.0.0.1", port, mode, mailbox, ca.pem)
    finally:
        controller.stop()


# ---- a server that misbehaves on purpose ---------------------------------------------------------------------


@dataclass
class ScriptedServer:
    host: str
    port: int
    behaviour: str
    commands: list[str]


@contextmanager
def scripted_server(
    behaviour: Literal["silent", "hang-up-in-data", "not-smtp", "mute-after-greeting"],
    *,
    offers: tuple[str, ...] = ("8BITMIME",),
) -> Iterator[ScriptedServer]:
    """``silent`` accepts the connection and never says a word; ``hang-up-in-data`` speaks SMTP, its EHLO offering
    ``offers`` only (no AUTH, no STARTTLS by default), answers DATA with 354, reads a little of the message and
    closes the connection; ``not-smtp`` greets as an SSH server does; ``mute-after-greeting`` greets and then
    answers nothing."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    server = ScriptedServer("127.0.0.1", port, behaviour, [])
    stop = threading.Event()
    open_connections: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            open_connections.append(connection)
            if behaviour == "hang-up-in-data":
                _speak_until_data(connection, server.commands, offers)
                connection.close()
            elif behaviour == "not-smtp":
                connection.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
            elif behaviour == "mute-after-greeting":
                connection.sendall(b"220 scripted ESMTP\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join()
        for connection in open_connections:
            connection.close()
        listener.close()


def _speak_until_data(connection: socket.socket, commands: list[str], offers: tuple[str, ...]) -> None:
    connection.settimeout(5)
    reader = connection.makefile("rb")
    connection.sendall(b"220 scripted ESMTP\r\n")
    for raw in reader:
        command = raw.decode().strip()
        commands.append(command)
        verb = command.split(" ", 1)[0].upper()
        if verb == "EHLO":
            lines = ["scripted", *offers]
            continued = "".join(f"250-{line}\r\n" for line in lines[:-1])
            connection.sendall(f"{continued}250 {lines[-1]}\r\n".encode())
        elif verb == "DATA":
            connection.sendall(b"354 go ahead\r\n")
            reader.readline()  # one line of the message, then hang up
            break
        elif verb == "QUIT":
            break
        else:
            connection.sendall(b"250 OK\r\n")
    reader.close()


# ---- SendGrid -------------------------------------------------------------------------------------------------


@dataclass
class SendGridStandIn:
    base_url: str
    api_key: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    send_status: int = 202
    send_body: dict[str, Any] | None = None
    scopes: list[str] = field(default_factory=lambda: ["mail.send", "scopes.read"])


@contextmanager
def sendgrid_stand_in(api_key: str = "SG.test-key-9f3") -> Iterator[SendGridStandIn]:
    """Answers POST /v3/mail/send and GET /v3/scopes the way SendGrid documents them, for the one key it knows."""
    port = free_port()
    stand_in = SendGridStandIn(f"http://127.0.0.1:{port}", api_key)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            stand_in.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {key.lower(): value for key, value in self.headers.items()},
                    "json": json.loads(body) if body else None,
                }
            )
            if self.headers.get("authorization") != f"Bearer {stand_in.api_key}":
                self._reply(401, {"errors": [{"field": None, "message": "authorization required"}]})
            elif self.command == "GET" and self.path == "/v3/scopes":
                self._reply(200, {"scopes": stand_in.scopes})
            elif self.command == "POST" and self.path == "/v3/mail/send":
                self._reply(stand_in.send_status, stand_in.send_body)
            else:
                self._reply(404, {"errors": [{"message": "not found"}]})

        def _reply(self, status: int, body: dict[str, Any] | None) -> None:
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

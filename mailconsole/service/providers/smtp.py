"""An SMTP conversation with a tenant's mail server, one recorded step at a time.

The steps are those an administrator reads in the connection test: resolve the host, connect, the TLS handshake
(at once for SSL, or after STARTTLS), the server's greeting, EHLO, STARTTLS, AUTH, and then either a real send or
MAIL FROM / RCPT TO without DATA. Each step records the server's own reply; a failing one also records a hint and
raises ``DeliveryError`` with the same sentence, so a failed send explains itself as well as the test does.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

from cryptography import x509

from mailconsole.destinations import DestinationPolicy, DestinationRefused
from mailconsole.i18n import EN_US, Language, Text, localized
from mailconsole.models import ConnectionStep
from mailconsole.secret_reuse import Security
from mailconsole.service.providers import REFUSED, UNREACHABLE, DeliveryError, StepRecord, failure_message

# Tried in this order among those the server offers; smtplib implements all three.
AUTH_MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5")
MAIL_STEPS = ("mail_from", "rcpt_to", "data")


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: Security
    user: str | None
    password: str | None = field(default=None, repr=False)
    verify: bool = True
    ca_bundle: str | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        """The system's trust store as Python's default context sees it (so SSL_CERT_FILE works), plus the tenant's
        own CAs; with verification off, any certificate."""
        context = ssl.create_default_context()
        if self.ca_bundle:
            context.load_verify_locations(cadata=self.ca_bundle)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


@dataclass
class _Outcome:
    detail: Text | str = ""
    reply: str | None = None
    hint: Text | str | None = None


class SmtpSession:
    """One conversation. ``open()`` runs the steps up to AUTH; then ``send()`` or ``probe()``; ``close()`` quits.

    ``destinations`` decides which resolved addresses may be reached; every one of them is checked, and the
    connection goes to one of the checked addresses. ``explain_certificates`` makes a failed certificate check
    connect once more (to the same address), unverified, only to describe the certificate the server showed (the
    connection test wants that; a send does not).
    """

    def __init__(
        self,
        target: SmtpTarget,
        timeout: float,
        *,
        destinations: DestinationPolicy,
        explain_certificates: bool = False,
    ) -> None:
        self.target = target
        self.timeout = timeout
        self.destinations = destinations
        self._records: list[StepRecord] = []
        self._explain_certificates = explain_certificates
        self._smtp: smtplib.SMTP | None = None
        self._peer: tuple[int, tuple[str, int]] | None = None  # the address connected to, family first

    @property
    def steps(self) -> list[ConnectionStep]:
        """The steps taken so far, in English (``steps_in`` for another language)."""
        return self.steps_in(EN_US)

    def steps_in(self, language: Language) -> list[ConnectionStep]:
        return [record.in_language(language) for record in self._records]

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- the steps -----------------------------------------------------------------------------------------

    def open(self) -> None:
        addresses = self._resolve()
        sock = self._connect(addresses)
        if self.target.security == "ssl":
            sock = self._handshake(sock, "tls")
        smtp = smtplib.SMTP(timeout=self.timeout)
        smtp.sock = sock
        self._smtp = smtp
        with self._step("greeting") as outcome:
            code, text = smtp.getreply()
            outcome.reply = _reply(code, text)
            if code != 220:
                raise smtplib.SMTPConnectError(code, text)
            outcome.detail = localized("the server greeted us")
        self._ehlo()
        self._starttls()
        if self.target.password:
            self._login()

    def send(self, message: EmailMessage, mail_from: str, to: str) -> None:
        smtp = self._session()
        with self._step("send") as outcome:
            smtp.send_message(message, from_addr=mail_from, to_addrs=[to])
            outcome.detail = localized("the server accepted the mail for {to}", to=to)

    def probe(self, mail_from: str, to: str) -> None:
        """MAIL FROM and RCPT TO as a send would say them, then RSET: the server's answers, and nothing sent."""
        smtp = self._session()
        with self._step("mail_from") as outcome:
            code, text = smtp.mail(mail_from)
            outcome.reply = _reply(code, text)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, text, mail_from)
            outcome.detail = localized("the server accepts mail from {sender}", sender=mail_from)
        with self._step("rcpt_to") as outcome:
            code, text = smtp.rcpt(to)
            outcome.reply = _reply(code, text)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({to: (code, text)})
            outcome.detail = localized("the server accepts mail for {to}; nothing was sent", to=to)
        with suppress(smtplib.SMTPException, OSError):
            smtp.rset()

    def close(self) -> None:
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _resolve(self) -> list[tuple[int, tuple[str, int]]]:
        with self._step("resolve") as outcome:
            infos = socket.getaddrinfo(self.target.host, self.target.port, type=socket.SOCK_STREAM)
            addresses: list[tuple[int, tuple[str, int]]] = [
                (int(family), (str(sockaddr[0]), int(sockaddr[1]))) for family, _, _, _, sockaddr in infos
            ]
            shown = dict.fromkeys(address for _, (address, _) in addresses)
            outcome.detail = localized("{host} is {addresses}", host=self.target.host, addresses=", ".join(shown))
            self.destinations.check(self.target.host, shown)
        return addresses

    def _connect(self, addresses: list[tuple[int, tuple[str, int]]]) -> socket.socket:
        with self._step("connect") as outcome:
            sock = _connect_first(addresses, self.timeout)
            address, port = sock.getpeername()[:2]
            self._peer = (sock.family, (address, port))
            outcome.detail = localized("connected to {address} port {port}", address=address, port=port)
        return sock

    def _handshake(self, sock: socket.socket, name: str) -> ssl.SSLSocket:
        with self._step(name) as outcome:
            try:
                tls = self.target.tls_context().wrap_socket(sock, server_hostname=self.target.host)
            except ssl.SSLCertVerificationError:
                sock.close()
                if self._explain_certificates:
                    outcome.detail = self._describe_untrusted()
                raise
            except BaseException:
                sock.close()
                raise
            outcome.detail = _describe_tls(tls, verified=self.target.verify)
            if not self.target.verify:
                outcome.hint = localized(
                    "Certificate verification is off: anyone on the path could pose as this server."
                )
        return tls

    def _ehlo(self) -> None:
        smtp = self._session()
        with self._step("ehlo") as outcome:
            code, text = smtp.ehlo()
            if code != 250:
                code, text = smtp.helo()
                if code != 250:
                    raise smtplib.SMTPHeloError(code, text)
            lines = text.decode("utf-8", "replace").splitlines() if text else [""]
            outcome.reply = _reply(code, lines[0])
            offered = [" ".join(line.split()) for line in lines[1:]]
            outcome.detail = (
                localized("the server offers {extensions}", extensions=", ".join(offered))
                if offered
                else localized("the server offers no extensions")
            )

    def _starttls(self) -> None:
        security, smtp = self.target.security, self._session()
        if security in ("ssl", "plain"):
            return
        offered = smtp.has_extn("starttls")
        with self._step("starttls") as outcome:
            if not offered and security == "starttls":
                raise _NotOffered("STARTTLS", smtp)
            if not offered:
                outcome.detail = localized("not offered; going on without encryption, as STARTTLS is not required")
                if self.target.password:  # else there is nothing to protect
                    outcome.hint = localized("Turn STARTTLS on (required) to refuse sending the password in clear.")
                return
            code, text = smtp.docmd("STARTTLS")
            outcome.reply = _reply(code, text)
            if code != 220:
                raise smtplib.SMTPResponseException(code, text)
            outcome.detail = localized("the server is ready for TLS")
        assert smtp.sock is not None
        smtp.sock = self._handshake(smtp.sock, "tls")
        # As smtplib's own starttls(): forget what was learned in clear, then ask again.
        smtp.file = None
        smtp.helo_resp = smtp.ehlo_resp = None
        smtp.esmtp_features = {}
        smtp.does_esmtp = False
        self._ehlo()

    def _login(self) -> None:
        smtp, user, password = self._session(), self.target.user or "", self.target.password or ""
        with self._step("auth") as outcome:
            offered = (smtp.esmtp_features.get("auth") or "").upper().split()
            mechanism = next((name for name in AUTH_MECHANISMS if name in offered), None)
            if mechanism is None:
                raise _NotOffered("AUTH", smtp)
            smtp.user, smtp.password = user, password
            if mechanism == "PLAIN":
                code, text = smtp.auth(mechanism, smtp.auth_plain)
            elif mechanism == "LOGIN":
                code, text = smtp.auth(mechanism, smtp.auth_login)
            else:
                code, text = smtp.auth(mechanism, smtp.auth_cram_md5)
            outcome.reply = _reply(code, text)
            outcome.detail = localized("logged in as {user} with AUTH {mechanism}", user=user, mechanism=mechanism)
            if self.target.security == "plain" or not isinstance(smtp.sock, ssl.SSLSocket):
                outcome.hint = localized("The password went over the network unencrypted.")

    def _session(self) -> smtplib.SMTP:
        if self._smtp is None:
            raise RuntimeError("open() the session first")
        return self._smtp

    # ---- recording and explaining ------------------------------------------------------------------------------

    @contextmanager
    def _step(self, name: str) -> Iterator[_Outcome]:
        outcome = _Outcome()
        try:
            yield outcome
        except Exception as err:
            status, detail, reply, hint = explain(err, name, self.target, self.timeout)
            if outcome.detail:
                detail = localized("{detail} ({context})", detail=detail, context=outcome.detail)
            reply = reply or outcome.reply
            self._records.append(StepRecord(name=name, ok=False, detail=detail, reply=reply, hint=hint))
            self._smtp_abort()
            raise DeliveryError(status, failure_message(detail, reply, hint)) from err
        self._records.append(
            StepRecord(name=name, ok=True, detail=outcome.detail, reply=outcome.reply, hint=outcome.hint)
        )

    def _smtp_abort(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _describe_untrusted(self) -> Text | str:
        """Connect again without verification, only to say which certificate the server shows. After STARTTLS the
        certificate sits behind an SMTP exchange, and the verification error says enough."""
        if self.target.security != "ssl" or self._peer is None:
            return ""
        unverified = SmtpTarget(self.target.host, self.target.port, "ssl", None, verify=False)
        try:
            with (
                _connect_first([self._peer], self.timeout) as raw,
                unverified.tls_context().wrap_socket(raw, server_hostname=self.target.host) as tls,
            ):
                return localized("the server shows {certificate}", certificate=_describe_certificate(tls))
        except (OSError, ValueError):
            return ""


def _connect_first(addresses: list[tuple[int, tuple[str, int]]], timeout: float) -> socket.socket:
    """A TCP connection to the first address that takes one, as socket.create_connection tries them."""
    last_error: OSError = OSError("the host has no address")
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
        except OSError as err:
            sock.close()
            last_error = err
            continue
        return sock
    raise last_error


class _NotOffered(Exception):
    """``extension`` is needed but missing from what the server offered (its EHLO keywords, over TLS or not)."""

    def __init__(self, extension: str, smtp: smtplib.SMTP) -> None:
        super().__init__(f"{extension} not offered")
        self.extension = extension
        self.offered = dict(smtp.esmtp_features)
        self.encrypted = isinstance(smtp.sock, ssl.SSLSocket)


def _reply(code: int, text: bytes | str) -> str | None:
    """The server's reply as shown to the tenant; None for anything but an SMTP reply (smtplib gives -1 for a line
    that does not start with three digits), so that no other service's bytes leave this host."""
    if not _speaks_smtp(code):
        return None
    decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(decoded.split())}".strip()


def _speaks_smtp(code: int) -> bool:
    return 200 <= code <= 599


def _describe_tls(tls: ssl.SSLSocket, *, verified: bool) -> Text:
    certificate = _describe_certificate(tls)
    if verified:
        return localized("{version}, verified; {certificate}", version=tls.version(), certificate=certificate)
    return localized("{version}, NOT verified; {certificate}", version=tls.version(), certificate=certificate)


def _describe_certificate(tls: ssl.SSLSocket) -> Text:
    der = tls.getpeercert(binary_form=True)
    if not der:
        return localized("no certificate")
    cert = x509.load_der_x509_certificate(der)
    expires = cert.not_valid_after_utc
    days = (expires - datetime.now(UTC)).days
    left = localized("expired {days} days ago", days=-days) if days < 0 else localized("{days} days left", days=days)
    return localized(
        "certificate {subject} for {names} issued by {issuer}, valid until {date} ({left})",
        subject=cert.subject.rfc4514_string(),
        names=_names(cert),
        issuer=cert.issuer.rfc4514_string(),
        date=f"{expires:%Y-%m-%d}",
        left=left,
    )


def _names(cert: x509.Certificate) -> Text | str:
    """The host names and addresses a certificate is valid for: what a name mismatch is about."""
    try:
        alternative = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return localized("no alternative names")
    names = [*alternative.get_values_for_type(x509.DNSName), *map(str, alternative.get_values_for_type(x509.IPAddress))]
    return ", ".join(names) or localized("no names")


# ---- what went wrong, and what to do -------------------------------------------------------------------------


def explain(err: BaseException, step: str, target: SmtpTarget, timeout: float) -> tuple[int, Text, str | None, Text]:
    """(statusCode, what happened, the server's reply, one sentence on what to do) for a failure at ``step``."""
    where = target.where
    if isinstance(err, _NotOffered):
        return _not_offered(err, target)
    if isinstance(err, DestinationRefused):
        return (
            UNREACHABLE,
            Text("{refusal}", {"refusal": err}),  # the destination policy's own sentence
            None,
            localized("Use the mail server's public name, or ask the operator to allow it."),
        )
    if isinstance(err, smtplib.SMTPResponseException) and not _speaks_smtp(err.smtp_code):
        return (
            UNREACHABLE,
            localized("{where} does not speak SMTP", where=where),
            None,
            localized("Check host and port: something else listens there (port 465 for SSL, 587 for STARTTLS)."),
        )
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return (
            UNREACHABLE,
            localized("{where} refused the login of {user}", where=where, user=target.user),
            _reply(err.smtp_code, err.smtp_error),
            localized(
                "Check the user name and password; many providers (Tencent, Alibaba, Gmail, Outlook) want an "
                "app password or authorisation code here, not the mailbox password."
            ),
        )
    if isinstance(err, smtplib.SMTPSenderRefused):
        return (
            REFUSED,
            localized("{where} refused the sender {sender}", where=where, sender=err.sender),
            _reply(err.smtp_code, err.smtp_error),
            _temporary_or(
                err.smtp_code, localized("Use an address this account may send as (the From or Envelope-From).")
            ),
        )
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        to, (code, text) = next(iter(err.recipients.items()))
        return (
            REFUSED,
            localized("{where} refused the recipient {to}", where=where, to=to),
            _reply(code, text),
            _temporary_or(code, localized("Check the address; some servers only relay for logged-in or local users.")),
        )
    if isinstance(err, smtplib.SMTPDataError):
        return (
            REFUSED,
            localized("{where} refused the message", where=where),
            _reply(err.smtp_code, err.smtp_error),
            _temporary_or(err.smtp_code, localized("The server's reply says why (size, content or sender policy).")),
        )
    if isinstance(err, smtplib.SMTPResponseException):
        status = REFUSED if step in (*MAIL_STEPS, "send") else UNREACHABLE
        answered = localized("{where} answered {step} with an error", where=where, step=step)
        return status, answered, _reply(err.smtp_code, err.smtp_error), _NO_HINT
    if isinstance(err, smtplib.SMTPServerDisconnected):
        if isinstance(err.__context__, TimeoutError):  # smtplib reports a read that timed out as a hang-up
            return _timed_out(step, target, timeout)
        return _disconnected(step, target)
    if isinstance(err, ssl.SSLCertVerificationError):
        return _untrusted(err, target)
    if isinstance(err, ssl.SSLError):
        return _tls_failed(err, target)
    if isinstance(err, TimeoutError):
        return _timed_out(step, target, timeout)
    if isinstance(err, socket.gaierror):
        return (
            UNREACHABLE,
            localized("The host {host} is unknown ({reason})", host=target.host, reason=err.strerror),
            None,
            localized("Check the spelling of the server's name, and that this machine can resolve it."),
        )
    if isinstance(err, ConnectionRefusedError):
        return (
            UNREACHABLE,
            localized("{where} refused the connection", where=where),
            None,
            localized("Check the port: nothing listens there, or a firewall rejects it."),
        )
    if isinstance(err, OSError):
        failed = localized("The connection to {where} failed: {reason}", where=where, reason=err.strerror or err)
        return UNREACHABLE, failed, None, localized("Check host and port.")
    return UNREACHABLE, localized("{step} failed: {reason}", step=step, reason=err), None, _NO_HINT


_NO_HINT = Text("")  # no catalog entry: it says nothing in any language


def _temporary_or(code: int, hint: Text) -> Text:
    if 400 <= code < 500:
        return localized("A 4xx reply is temporary: try again later. {hint}", hint=hint)
    return hint


def _not_offered(err: _NotOffered, target: SmtpTarget) -> tuple[int, Text, None, Text]:
    """The hint follows from what the server's last EHLO offered, never from a guess about the port."""
    logins = err.offered.get("auth", "").split()
    if err.extension == "STARTTLS":
        if logins:
            hint = localized(
                "The server offers no encryption here: use the port its administrator gives for SSL or STARTTLS, "
                "or turn STARTTLS off only if the password would travel unencrypted on purpose."
            )
        else:
            hint = localized(
                "The server offers neither encryption nor a login here: turn STARTTLS off and leave the user name "
                "and password empty if it takes mail without them, or use its SSL or STARTTLS port."
            )
        detail = localized("{where} does not offer STARTTLS, so the password was not sent", where=target.where)
        return UNREACHABLE, detail, None, hint
    if logins:
        hint = localized(
            "The server offers only AUTH {offered}, which this service cannot use (it speaks {spoken}): ask the "
            "server's administrator for one of those.",
            offered=" ".join(logins),
            spoken=", ".join(AUTH_MECHANISMS),
        )
    elif "starttls" in err.offered and not err.encrypted:
        hint = localized("The server offers STARTTLS and no login before it: turn STARTTLS on.")
    else:
        hint = localized(
            "The server offers no login: leave the user name and password empty if it takes mail without one."
        )
    detail = localized("{where} offers no login method we can use (AUTH PLAIN, LOGIN or CRAM-MD5)", where=target.where)
    return UNREACHABLE, detail, None, hint


def _disconnected(step: str, target: SmtpTarget) -> tuple[int, Text, None, Text]:
    if step in ("send", "data"):
        return (
            UNREACHABLE,
            localized("{where} closed the connection in the middle of the message", where=target.where),
            None,
            localized("The mail was not accepted; try again, and check the server's size and rate limits."),
        )
    hint = _PORT_465_SSL if target.port == 465 and target.security != "ssl" else _NO_HINT
    closed = localized("{where} closed the connection during {step}", where=target.where, step=step)
    return UNREACHABLE, closed, None, hint


_PORT_465_SSL = localized("Port 465 expects SSL on.")


def _untrusted(err: ssl.SSLCertVerificationError, target: SmtpTarget) -> tuple[int, Text, None, Text]:
    reason = err.verify_message or err.reason or str(err)
    if "hostname" in reason.lower() or "ip address mismatch" in reason.lower():
        hint = localized("Connect with the name the certificate was issued for, not {host}.", host=target.host)
    elif "expired" in reason.lower():
        hint = localized("The server's certificate has expired: its administrator must renew it.")
    else:
        hint = localized(
            "For a server with a private CA, add the CA's certificate as CA bundle; "
            "for a self-signed test server, turn certificate verification off."
        )
    detail = localized("The certificate of {where} is not trusted: {reason}", where=target.where, reason=reason)
    return UNREACHABLE, detail, None, hint


def _tls_failed(err: ssl.SSLError, target: SmtpTarget) -> tuple[int, Text, None, Text]:
    reason = err.reason or str(err)
    if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "HTTP_REQUEST", "UNKNOWN_PROTOCOL"):
        hint = localized(
            "The server does not speak TLS from the start on port {port}: "
            "port 587 expects STARTTLS and port 25 STARTTLS or none, so turn SSL off.",
            port=target.port,
        )
    else:
        hint = localized("The server and this service found no TLS version or cipher in common.")
    detail = localized("The TLS handshake with {where} failed: {reason}", where=target.where, reason=reason)
    return UNREACHABLE, detail, None, hint


def _timed_out(step: str, target: SmtpTarget, timeout: float) -> tuple[int, Text, None, Text]:
    seconds = f"{timeout:g}"
    if step == "connect":
        return (
            UNREACHABLE,
            localized("{where} did not accept a connection within {seconds} s", where=target.where, seconds=seconds),
            None,
            localized("A firewall may drop the traffic: check host and port."),
        )
    if step == "greeting" and target.security != "ssl":
        hint = (
            _PORT_465_SSL
            if target.port == 465
            else localized("If the server expects TLS from the first byte, turn SSL on.")
        )
        silent = localized(
            "{where} accepted the connection but said nothing for {seconds} s", where=target.where, seconds=seconds
        )
        return UNREACHABLE, silent, None, hint
    late = localized("{where} did not answer {step} within {seconds} s", where=target.where, step=step, seconds=seconds)
    return UNREACHABLE, late, None, localized("Try again later.")

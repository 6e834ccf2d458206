"""Sending what fired to where people are: a webhook (a JSON POST, as chat services take)
and e-mail through SMTP, with the standard library alone.

Where to send is configured in a TOML file, in the environment, or both (the environment
wins key by key). Secrets (a webhook's URL carries its token; an SMTP password) are read
when a check sends and never written anywhere: not to the database, and not to the
output, which names a webhook by its scheme, host and port only. A channel that cannot be
reached is reported, not raised: the check has already recorded what fired.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, model_validator

from signals.errors import SignalsError, UsageError
from signals.paths import MOST_SETTINGS_BYTES, read_settings_file
from signals.validation import StrictModel

DEFAULT_TIMEOUT = 10.0
# Each setting's environment variable, by (table, key) of the file.
ENVIRONMENT = {
    ("webhook", "url"): "SIGNALS_WEBHOOK_URL",
    ("email", "host"): "SIGNALS_SMTP_HOST",
    ("email", "port"): "SIGNALS_SMTP_PORT",
    ("email", "security"): "SIGNALS_SMTP_SECURITY",
    ("email", "username"): "SIGNALS_SMTP_USERNAME",
    ("email", "password"): "SIGNALS_SMTP_PASSWORD",
    ("email", "from"): "SIGNALS_MAIL_FROM",
    ("email", "to"): "SIGNALS_MAIL_TO",
}
TIMEOUT_ENV = "SIGNALS_NOTIFY_TIMEOUT"


class Webhook(StrictModel):
    url: str = Field(repr=False)
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=300)

    @model_validator(mode="after")
    def _http(self) -> Self:
        # The URL is a secret: the message names what is wrong, never the URL itself.
        parts = urlsplit(self.url)
        try:
            parts.port  # noqa: B018 (read to check it)
        except ValueError:
            raise ValueError("the webhook url has a port that is not a number") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the webhook url must be an http:// or https:// address")
        return self

    @property
    def where(self) -> str:
        """The webhook as output may name it: scheme, host and port, never path or query."""
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        return f"the webhook at {parts.scheme}://{parts.hostname}{port}"


class Email(StrictModel):
    host: str = Field(min_length=1)
    # 587 for STARTTLS, 465 for TLS from the start, 25 for neither, unless given.
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    sender: str = Field(alias="from", pattern=r"^[^@\s]+@[^@\s]+$")
    to: list[str] = Field(min_length=1)
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=300)

    @model_validator(mode="after")
    def _login(self) -> Self:
        if (self.username is None) != (self.password is None):
            raise ValueError("give an SMTP username and password together, or neither")
        if self.username is not None and self.security == "none" and not _loopback(self.host):
            raise ValueError(
                "an SMTP login over a connection without TLS would send the password in the"
                " clear: use security 'starttls' or 'tls'"
            )
        for address in self.to:
            if "@" not in address or any(c.isspace() for c in address):
                raise ValueError("every address in 'to' must be an e-mail address")
        return self

    @property
    def smtp_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"starttls": 587, "tls": 465, "none": 25}[self.security]

    @property
    def where(self) -> str:
        count = len(self.to)
        return (
            f"e-mail through {self.host}:{self.smtp_port} to {count}"
            f" recipient{'s' if count != 1 else ''}"
        )


class NotifyConfig(StrictModel):
    webhook: Webhook | None = None
    email: Email | None = None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = read_settings_file(path)
    except FileNotFoundError:
        raise SignalsError(f"Notification settings {path} do not exist.") from None
    except IsADirectoryError:
        raise SignalsError(f"Notification settings {path} is a directory, not a file.") from None
    except OSError as error:
        raise SignalsError(f"Cannot read notification settings {path}: {error.strerror}.") from None
    if data is None:
        raise SignalsError(
            f"Notification settings {path} are larger than {MOST_SETTINGS_BYTES // 1024} kB."
        )
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        # The decoder's message can quote the line, and the line can hold a secret.
        raise SignalsError(f"Notification settings {path} are not valid UTF-8 TOML.") from None


def load_config(path: Path | None, environ: Mapping[str, str]) -> NotifyConfig:
    """The channels to send to: the file's settings, each overridden by its environment
    variable when that is set. A check with --notify and no channel is a usage mistake."""
    raw: dict[str, Any] = _read_file(path) if path is not None else {}
    for (table, key), variable in ENVIRONMENT.items():
        value = environ.get(variable, "").strip()
        if not value:
            continue
        section = raw.setdefault(table, {})
        if not isinstance(section, dict):
            continue
        section[key] = [a.strip() for a in value.split(",") if a.strip()] if key == "to" else value
    timeout = environ.get(TIMEOUT_ENV, "").strip()
    if timeout:
        for table in ("webhook", "email"):
            if isinstance(raw.get(table), dict):
                raw[table].setdefault("timeout", timeout)
    try:
        config = NotifyConfig.model_validate(raw)
    except ValidationError as error:
        # Only where and what, never the value: it may be a secret.
        problems = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        ]
        source = f" in {path}" if path is not None else ""
        raise SignalsError(
            f"The notification settings{source} are not valid: {'; '.join(problems)}."
        ) from None
    if config.webhook is None and config.email is None:
        raise UsageError(
            "--notify has nowhere to send: set SIGNALS_WEBHOOK_URL or SIGNALS_SMTP_HOST (with"
            " SIGNALS_MAIL_FROM and SIGNALS_MAIL_TO), or give --notify-config FILE."
        )
    return config


@dataclass(frozen=True)
class Delivery:
    channel: Literal["webhook", "email"]
    where: str
    problem: str | None = None

    @property
    def sent(self) -> bool:
        return self.problem is None


def deliver(
    config: NotifyConfig, subject: str, text: str, payload: Mapping[str, Any]
) -> list[Delivery]:
    """Send to every configured channel; what could not be sent is said in its Delivery."""
    deliveries = []
    if config.webhook is not None:
        hook = config.webhook
        deliveries.append(
            Delivery("webhook", hook.where, _attempt(lambda: _post(hook, payload), hook.timeout))
        )
    if config.email is not None:
        mail = config.email
        deliveries.append(
            Delivery(
                "email", mail.where, _attempt(lambda: _mail(mail, subject, text), mail.timeout)
            )
        )
    return deliveries


def _attempt(send: Callable[[], None], timeout: float) -> str | None:
    """None once sent, else why not, in words that name no secret."""
    import http.client
    import smtplib
    import urllib.error

    try:
        send()
    except urllib.error.HTTPError as error:
        return f"the server answered HTTP {error.code}"
    except urllib.error.URLError as error:
        return _reason(error.reason, timeout)
    except http.client.HTTPException:
        return "the server's answer was not HTTP"
    except smtplib.SMTPAuthenticationError:
        return "the server refused the login"
    except smtplib.SMTPRecipientsRefused:
        return "the server refused the recipients"
    except smtplib.SMTPSenderRefused:
        return "the server refused the sender address"
    except smtplib.SMTPNotSupportedError:
        return "the server does not offer STARTTLS (set security to 'tls' or 'none')"
    except smtplib.SMTPServerDisconnected as error:
        # smtplib turns a read that timed out into a disconnection, and says so only in words.
        if "timed out" in str(error):
            return f"no answer within {timeout:g} s"
        return "the server closed the connection"
    except smtplib.SMTPResponseException as error:
        return f"the server answered {error.smtp_code}"
    except smtplib.SMTPException as error:
        return f"the mail could not be handed over ({type(error).__name__})"
    except OSError as error:
        return _reason(error, timeout)
    return None


def _reason(error: object, timeout: float) -> str:
    import ssl

    if isinstance(error, ssl.SSLCertVerificationError):
        return "its TLS certificate could not be verified"
    if isinstance(error, ssl.SSLError):
        return "the TLS handshake failed"
    if isinstance(error, TimeoutError | socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(error, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return "it could not be reached"


def _post(hook: Webhook, payload: Mapping[str, Any]) -> None:
    import urllib.request
    from importlib.metadata import version

    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"signals/{version('signals')}",
        },
    )
    with urllib.request.urlopen(request, timeout=hook.timeout) as response:
        response.read()


def _mail(mail: Email, subject: str, text: str) -> None:
    import smtplib
    import ssl
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2])
    message.set_content(text)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if mail.security == "tls":
        smtp = smtplib.SMTP_SSL(mail.host, mail.smtp_port, timeout=mail.timeout, context=context)
    else:
        smtp = smtplib.SMTP(mail.host, mail.smtp_port, timeout=mail.timeout)
    with smtp:
        if mail.security == "starttls":
            smtp.starttls(context=context)
        if mail.username is not None and mail.password is not None:
            smtp.login(mail.username, mail.password)
        smtp.send_message(message)

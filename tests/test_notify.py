"""`signals check --notify` against real servers on 127.0.0.1: a webhook and an SMTP server
that answer, refuse, are down or are too slow. Whatever happens to the sending, what fired
is recorded, what could not be sent is said, and no secret is printed or stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_CSV, snapshot_of
from tests.servers import refusing_port, silent_server, smtp_server, webhook

pytestmark = pytest.mark.slow

FIRED, NOT_SENT = 10, 11
DAY = "2024-06-01"  # the demo's first check that day fires three stages
TOKEN = "T000-SECRET-TOKEN"
PASSWORD = "hunter2-do-not-print"


@pytest.fixture
def demo(signals, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in (
        "SIGNALS_WEBHOOK_URL",
        "SIGNALS_SMTP_HOST",
        "SIGNALS_SMTP_PORT",
        "SIGNALS_SMTP_SECURITY",
        "SIGNALS_SMTP_USERNAME",
        "SIGNALS_SMTP_PASSWORD",
        "SIGNALS_MAIL_FROM",
        "SIGNALS_MAIL_TO",
        "SIGNALS_NOTIFY_TIMEOUT",
        "SIGNALS_NOTIFY_CONFIG",
    ):
        monkeypatch.delenv(variable, raising=False)
    result = signals("import", str(DEMO_CSV))
    assert result.exit_code == 0, result.stderr
    return db_path


def mail_to(monkeypatch: pytest.MonkeyPatch, port: int, **more: str) -> None:
    monkeypatch.setenv("SIGNALS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SIGNALS_SMTP_PORT", str(port))
    monkeypatch.setenv("SIGNALS_SMTP_SECURITY", "none")
    monkeypatch.setenv("SIGNALS_MAIL_FROM", "watch@example.org")
    monkeypatch.setenv("SIGNALS_MAIL_TO", "desk@example.org, duty@example.org")
    for name, value in more.items():
        monkeypatch.setenv(name, value)


def recorded(signals) -> list[str]:
    listed = signals.json("alerts", "list")
    assert isinstance(listed, list)
    return [a["tripwire"] for a in listed]


def no_secret_anywhere(result: Any, db_path: Path, *secrets: str) -> None:
    stored = repr(snapshot_of(db_path))
    for secret in secrets:
        assert secret not in result.stdout
        assert secret not in result.stderr
        assert secret not in stored


def test_the_webhook_gets_what_fired_as_json(signals, demo: Path, monkeypatch) -> None:
    with webhook() as hook:
        monkeypatch.setenv("SIGNALS_WEBHOOK_URL", hook.url())
        result = signals("check", "--as-of", DAY, "--notify")

    assert result.exit_code == FIRED, result.stderr
    (post,) = hook.received
    assert post.path == f"/hooks/{TOKEN}"
    assert post.headers["Content-Type"].startswith("application/json")
    assert post.body["as_of"] == DAY
    tripwires = [f["tripwire"] for f in post.body["fired"]]
    assert "deeds-begin" in tripwires
    assert all(isinstance(f["alert"], int) for f in post.body["fired"])
    assert "deeds-begin" in post.body["text"] and "signals alerts ack" in post.body["text"]
    assert f"Sent to the webhook at http://127.0.0.1:{hook.port}." in result.stderr
    no_secret_anywhere(result, demo, TOKEN)


def test_nothing_fired_sends_nothing(signals, demo: Path, monkeypatch) -> None:
    signals("check", "--as-of", DAY)
    with webhook() as hook:
        monkeypatch.setenv("SIGNALS_WEBHOOK_URL", hook.url())
        result = signals("check", "--as-of", DAY, "--notify")
    assert result.exit_code == 0, result.stderr
    assert hook.received == []


@pytest.mark.parametrize(
    ("status", "hold", "words"),
    [
        (500, False, "the server answered HTTP 500"),
        (200, True, "no answer within 0.5 s"),
    ],
    ids=["refuses", "slow"],
)
def test_a_webhook_that_fails_leaves_the_alerts_recorded_and_says_so(
    signals, demo: Path, monkeypatch, status: int, hold: bool, words: str
) -> None:
    monkeypatch.setenv("SIGNALS_NOTIFY_TIMEOUT", "0.5")
    with webhook(status, hold=hold) as hook:
        monkeypatch.setenv("SIGNALS_WEBHOOK_URL", hook.url())
        result = signals("check", "--as-of", DAY, "--notify", "--json")

    assert result.exit_code == NOT_SENT
    assert (
        f"could not send to the webhook at http://127.0.0.1:{hook.port}: {words}" in result.stderr
    )
    document = json.loads(result.stdout)
    assert document["notifications"] == [
        {
            "channel": "webhook",
            "to": f"the webhook at http://127.0.0.1:{hook.port}",
            "sent": False,
            "problem": words,
        }
    ]
    assert "deeds-begin" in recorded(signals)
    assert "Traceback" not in result.stderr
    no_secret_anywhere(result, demo, TOKEN)


def test_a_webhook_that_is_down_leaves_the_alerts_recorded(
    signals, demo: Path, monkeypatch
) -> None:
    port = refusing_port()
    monkeypatch.setenv("SIGNALS_WEBHOOK_URL", f"http://127.0.0.1:{port}/hooks/{TOKEN}")

    result = signals("check", "--as-of", DAY, "--notify")

    assert result.exit_code == NOT_SENT
    assert (
        f"could not send to the webhook at http://127.0.0.1:{port}: the connection was refused"
        in result.stderr
    )
    assert "deeds-begin" in recorded(signals)
    # Recorded, so the next check fires nothing and sends nothing.
    assert signals("check", "--as-of", DAY, "--notify").exit_code == 0


def test_an_email_goes_to_every_recipient(signals, demo: Path, monkeypatch) -> None:
    with smtp_server() as mailbox:
        mail_to(monkeypatch, mailbox.port)
        result = signals("check", "--as-of", DAY, "--notify")

    assert result.exit_code == FIRED, result.stderr
    ((sender, recipients, message),) = mailbox.messages
    assert sender == "watch@example.org"
    assert recipients == ["desk@example.org", "duty@example.org"]
    subject = str(message["Subject"]).strip()
    assert subject.startswith("signals: ")
    assert subject.endswith("fired (critical) in kremlin-peace-signals, 2024-06-01")
    body = message.get_content()
    assert "CRITICAL: deeds-begin (alert #" in body
    assert "Stage 3 (Deeds) is reached." in body
    assert "; stages reached: 1, 2, 3." in body
    # The gravest first.
    assert body.index("CRITICAL: deeds-begin") < body.index("INFO: probing-begins")
    assert f"Sent to e-mail through 127.0.0.1:{mailbox.port} to 2 recipients." in result.stderr


def test_an_smtp_server_that_is_down_or_slow_leaves_the_alerts_recorded(
    signals, demo: Path, monkeypatch
) -> None:
    down = refusing_port()
    mail_to(monkeypatch, down)
    result = signals("check", "--as-of", DAY, "--notify")
    assert result.exit_code == NOT_SENT
    assert f"could not send to e-mail through 127.0.0.1:{down}" in result.stderr
    assert "the connection was refused" in result.stderr
    assert "deeds-begin" in recorded(signals)

    signals("check", "--as-of", "2024-06-20")  # so that the next day has crossings of its own
    with silent_server() as port:
        mail_to(monkeypatch, port, SIGNALS_NOTIFY_TIMEOUT="0.5")
        slow = signals("check", "--as-of", "2024-06-10", "--notify")
    # An earlier day than one checked: replayed, sent, not recorded.
    assert slow.exit_code == NOT_SENT
    assert f"could not send to e-mail through 127.0.0.1:{port} to 2 recipients: no answer" in (
        slow.stderr
    )


# A login over a plain connection is what the test server must allow to refuse it.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_is_said_without_the_password(signals, demo: Path, monkeypatch) -> None:
    from aiosmtpd.smtp import AuthResult

    def refuse(*args: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)

    with smtp_server(authenticate=refuse) as mailbox:
        mail_to(
            monkeypatch,
            mailbox.port,
            SIGNALS_SMTP_USERNAME="watch",
            SIGNALS_SMTP_PASSWORD=PASSWORD,
        )
        result = signals("check", "--as-of", DAY, "--notify", "--json")

    assert result.exit_code == NOT_SENT
    assert "the server refused the login" in result.stderr
    assert mailbox.messages == []
    no_secret_anywhere(result, demo, PASSWORD)


def test_one_channel_failing_does_not_stop_the_other(signals, demo: Path, monkeypatch) -> None:
    with webhook() as hook:
        monkeypatch.setenv("SIGNALS_WEBHOOK_URL", hook.url())
        mail_to(monkeypatch, refusing_port())
        result = signals("check", "--as-of", DAY, "--notify")
    assert result.exit_code == NOT_SENT
    assert len(hook.received) == 1
    assert "Sent to the webhook" in result.stderr
    assert "could not send to e-mail" in result.stderr


def test_a_settings_file_names_the_channels_and_the_environment_overrides_it(
    signals, demo: Path, monkeypatch, tmp_path: Path
) -> None:
    settings = tmp_path / "notify.toml"
    with webhook() as hook, smtp_server() as mailbox:
        settings.write_text(
            f"""
[webhook]
url = "http://127.0.0.1:{refusing_port()}/hooks/{TOKEN}"
timeout = 5

[email]
host = "127.0.0.1"
port = {mailbox.port}
security = "none"
from = "watch@example.org"
to = ["desk@example.org"]
""",
            encoding="utf-8",
        )
        # The file's webhook is down; the environment's wins.
        monkeypatch.setenv("SIGNALS_WEBHOOK_URL", hook.url())
        result = signals("check", "--as-of", DAY, "--notify", "--notify-config", str(settings))

    assert result.exit_code == FIRED, result.stderr
    assert len(hook.received) == 1
    assert len(mailbox.messages) == 1


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ('[webhook]\nurl = "file:///etc/passwd"\n', "must be an http:// or https:// address"),
        ("[webhook\nurl = 1\n", "are not valid UTF-8 TOML"),
        (
            '[email]\nhost = "smtp.example.org"\nfrom = "watch@example.org"\n',
            "email.to: Field required",
        ),
        (
            '[email]\nhost = "smtp.example.org"\nsecurity = "none"\nusername = "watch"\n'
            f'password = "{PASSWORD}"\nfrom = "w@example.org"\nto = ["d@example.org"]\n',
            "would send the password in the clear",
        ),
        ('[sms]\nnumber = "+4400000"\n', "sms: Extra inputs are not permitted"),
    ],
    ids=["not-http", "not-toml", "no-recipient", "clear-password", "unknown-channel"],
)
def test_bad_settings_change_nothing_and_say_why_without_secrets(
    signals, demo: Path, tmp_path: Path, snapshot, setting: str, words: str
) -> None:
    settings = tmp_path / "notify.toml"
    settings.write_text(setting, encoding="utf-8")
    before = snapshot()

    result = signals("check", "--as-of", DAY, "--notify", "--notify-config", str(settings))

    assert result.exit_code == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr and "/etc/passwd" not in result.stderr
    assert snapshot() == before


def test_notify_with_nowhere_to_send_is_bad_usage(signals, demo: Path, snapshot) -> None:
    before = snapshot()
    result = signals("check", "--notify")
    assert result.exit_code == 2
    assert "--notify has nowhere to send" in result.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    ("security", "words"),
    [
        ("starttls", "the server does not offer STARTTLS"),
        ("tls", "the TLS handshake failed"),
    ],
)
def test_tls_asked_of_a_server_without_it_is_said(
    signals, demo: Path, monkeypatch, security: str, words: str
) -> None:
    with smtp_server() as mailbox:
        mail_to(monkeypatch, mailbox.port, SIGNALS_SMTP_SECURITY=security)
        result = signals("check", "--as-of", DAY, "--notify")
    assert result.exit_code == NOT_SENT
    assert words in result.stderr
    assert mailbox.messages == []

"""Notification settings are hostile input: whatever a settings file or the environment
holds, reading it gives settings or one sentence, and the sentence never repeats a value."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.errors import SignalsError
from signals.notify import ENVIRONMENT, load_config

SECRET = "s3cr3t-V4LUE"

# Values as TOML can hold them, the secret among the strings.
scalars = st.one_of(
    st.just(SECRET),
    st.text(max_size=20),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
values = scalars | st.lists(scalars, max_size=3)
keys = st.sampled_from(
    ["url", "timeout", "host", "port", "security", "username", "password", "from", "to", "x"]
)
tables = st.dictionaries(keys, values, max_size=6)
documents = st.dictionaries(st.sampled_from(["webhook", "email", "other"]), tables, max_size=2)


def _toml(document: dict[str, Any]) -> str:
    import json

    def value(item: Any) -> str:
        if isinstance(item, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(v)}" for k, v in item.items()) + " }"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, bool):
            return "true" if item else "false"
        return json.dumps(item)

    lines = []
    for table, entries in document.items():
        lines.append(f"[{table}]")
        lines += [f"{json.dumps(k)} = {value(v)}" for k, v in entries.items()]
    return "\n".join(lines) + "\n"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents)
def test_any_settings_file_reads_or_is_refused_in_one_sentence_without_its_values(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    path = tmp_path / "notify.toml"
    text = _toml(document)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    path.write_text(text, encoding="utf-8")
    try:
        config = load_config(path, {})
    except SignalsError as refused:
        assert SECRET not in str(refused)
        assert "\n" not in str(refused)
        return
    assert config.webhook is not None or config.email is not None
    assert SECRET not in repr(config)


@settings(max_examples=100, deadline=None)
@given(
    environment=st.dictionaries(
        st.sampled_from(sorted(ENVIRONMENT.values())), st.text(max_size=30) | st.just(SECRET)
    )
)
def test_any_environment_reads_or_is_refused_without_its_values(
    environment: dict[str, str],
) -> None:
    try:
        load_config(None, environment)
    except SignalsError as refused:
        assert SECRET not in str(refused)


def test_a_webhook_is_named_without_its_path_query_or_login() -> None:
    config = load_config(
        None,
        {
            "SIGNALS_WEBHOOK_URL": f"https://user:{SECRET}@chat.example.org:8443/hooks/{SECRET}?t={SECRET}"
        },
    )
    assert config.webhook is not None
    assert config.webhook.where == "the webhook at https://chat.example.org:8443"


@pytest.mark.parametrize(
    ("environment", "where"),
    [
        ({"SIGNALS_SMTP_SECURITY": "tls"}, "e-mail through smtp.example.org:465 to 1 recipient"),
        ({"SIGNALS_SMTP_SECURITY": "none"}, "e-mail through smtp.example.org:25 to 1 recipient"),
        ({}, "e-mail through smtp.example.org:587 to 1 recipient"),
    ],
)
def test_the_smtp_port_follows_the_security_unless_given(
    environment: dict[str, str], where: str
) -> None:
    config = load_config(
        None,
        {
            "SIGNALS_SMTP_HOST": "smtp.example.org",
            "SIGNALS_MAIL_FROM": "watch@example.org",
            "SIGNALS_MAIL_TO": "desk@example.org",
            **environment,
        },
    )
    assert config.email is not None and config.email.where == where

"""The README's crontab works as written: run by /bin/sh as cron runs it, quiet when the
check fires and sends, failing with the reason on stderr when a notification cannot go."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_CSV
from tests.servers import refusing_port, webhook

pytestmark = pytest.mark.slow

README = Path(__file__).parents[1] / "README.md"


def crontab() -> tuple[dict[str, str], str]:
    """The README's crontab block: its variable settings, and the command of its one job."""
    (block,) = re.findall(
        r"^```crontab\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M
    )
    settings: dict[str, str] = {}
    jobs = []
    for line in block.splitlines():
        if re.fullmatch(r"[A-Z_]+=\S+", line):
            name, value = line.split("=", 1)
            settings[name] = value
        elif line.strip():
            jobs.append(line)
    (job,) = jobs
    fields = job.split(maxsplit=5)
    assert all(re.fullmatch(r"[0-9*/,-]+", field) for field in fields[:5]), job
    return settings, fields[5]


def run_as_cron(command: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", command],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def environment(tmp_path: Path, catalogue_cache: Path) -> dict[str, str]:
    """What cron gives a job: the crontab's variables, here pointed at the test's files."""
    settings, _ = crontab()
    assert set(settings) == {"PATH", "SIGNALS_DB", "SIGNALS_NOTIFY_CONFIG"}
    database = tmp_path / "watch.db"
    bin_directory = Path(sys.executable).parent
    imported = subprocess.run(
        [str(bin_directory / "signals"), "--db", str(database), "-q", "import", str(DEMO_CSV)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    return {
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PATH": f"{bin_directory}:/usr/bin:/bin",
        "SIGNALS_DB": str(database),
        "SIGNALS_NOTIFY_CONFIG": str(tmp_path / "notify.toml"),
        "SIGNALS_CACHE": str(catalogue_cache),
    }


def settings_file(environment: dict[str, str], url: str) -> None:
    Path(environment["SIGNALS_NOTIFY_CONFIG"]).write_text(
        f'[webhook]\nurl = "{url}"\ntimeout = 5\n', encoding="utf-8"
    )


def test_the_cron_line_is_quiet_when_it_fires_and_sends(environment: dict[str, str]) -> None:
    _, command = crontab()
    with webhook() as hook:
        settings_file(environment, hook.url())
        fired = run_as_cron(command, environment)
        quiet = run_as_cron(command, environment)

    assert (fired.returncode, fired.stdout, fired.stderr) == (0, "", "")
    assert len(hook.received) == 1
    assert hook.received[0].body["fired"]
    # The next morning nothing new crossed a line: nothing is sent, nothing said.
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert len(hook.received) == 1


def test_the_cron_line_fails_with_the_reason_when_it_cannot_send(
    environment: dict[str, str],
) -> None:
    _, command = crontab()
    settings_file(environment, f"http://127.0.0.1:{refusing_port()}/hooks/T000")

    result = run_as_cron(command, environment)

    assert result.returncode != 0
    assert result.stdout == ""
    assert "could not send to the webhook at http://127.0.0.1:" in result.stderr
    assert "T000" not in result.stderr
    listed = subprocess.run(
        ["signals", "alerts", "list", "--open", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"tripwire"' in listed.stdout


def test_the_cron_line_fails_on_bad_settings(environment: dict[str, str]) -> None:
    _, command = crontab()
    Path(environment["SIGNALS_NOTIFY_CONFIG"]).write_text("[webhook\n", encoding="utf-8")

    result = run_as_cron(command, environment)

    assert result.returncode != 0
    assert "are not valid UTF-8 TOML" in result.stderr
    assert os.path.exists(environment["SIGNALS_DB"])


def test_the_guide_schedules_the_same_job() -> None:
    _, command = crontab()
    guide = (README.parent / "docs" / "guide.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"^```crontab\n(.*?)^```", guide, re.S | re.M)
    (job,) = [line for line in block.splitlines() if line.strip()]
    assert job.split(maxsplit=5)[5] == command

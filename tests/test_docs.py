"""Documentation that cannot rot: the README's worked example is the tool's own output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"


def test_readme_worked_example_matches_explain(signals, monkeypatch):
    """Run from the repository root, as the README's commands are; an `export` line sets
    what it says (the example selects the first-edition catalogue it was written for)."""
    monkeypatch.chdir(ROOT)
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### A worked example") :]
    commands = re.search(r"```sh\n(.*?)```", section, re.S)
    assert commands is not None
    script = commands.group(1).replace("\\\n", " ")
    output = ""
    for line in script.strip().splitlines():
        args = shlex.split(line)
        if args[0] == "export":
            for assignment in args[1:]:
                name, value = assignment.split("=", 1)
                monkeypatch.setenv(name, value)
            continue
        assert args[0] == "signals"
        result = signals(*args[1:])
        assert result.exit_code == 0, result.stderr
        output = result.stdout
    expected = re.search(
        r"<!-- worked-example:start -->\n```\n(.*?)```\n<!-- worked-example:end -->", section, re.S
    )
    assert expected is not None
    printed = [line.rstrip() for line in output.splitlines()]
    for line in expected.group(1).rstrip().splitlines():
        assert line.rstrip() in printed, line

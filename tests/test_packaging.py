"""The dependency versions signals declares are the ones it is tested with."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
LOWEST = ROOT / ".ci" / "lowest.txt"


def declared_lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        assert found, f"{requirement} declares no lower bound of its own"
        bounds[found[1].lower()] = found[2]
    return bounds


def pinned_lowest() -> dict[str, str]:
    pins = {}
    for line in LOWEST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_every_lower_bound_is_the_version_the_smoke_tests_run_on() -> None:
    assert declared_lower_bounds() == pinned_lowest()


def test_typer_is_bounded_where_it_imports() -> None:
    """Typer 0.12.5 to 0.27.1 lack typer.exceptions, which the command line imports."""
    major, minor, patch = (int(part) for part in declared_lower_bounds()["typer"].split("."))
    assert (major, minor, patch) >= (0, 27, 2)


def test_ci_runs_the_smoke_tests_on_the_lowest_versions_after_the_main_tests() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c .ci/lowest.txt" in makefile
    recipe = makefile[makefile.index("\ntest-lowest:") :].split("\n\n", 1)[0]
    assert "pytest" in recipe
    for test_file in re.findall(r"tests/\S+\.py", makefile[makefile.index("SMOKE :=") :]):
        assert (ROOT / test_file).is_file(), test_file
    steps = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert steps.index("make test-lowest") > steps.index("make test-all")

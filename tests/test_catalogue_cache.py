"""The catalogue cache: a shortcut that never changes what a catalogue is, or whether it loads."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import signals.catalogue_cache
import signals.catalogue_loader
from signals.catalogue_loader import load_catalogue
from signals.errors import CatalogueError
from signals.paths import cache_dir, default_catalogue_path


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALS_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    copy = tmp_path / "catalogue.toml"
    shutil.copyfile(default_catalogue_path(), copy)
    return copy


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("catalogue-*.pickle")) if directory.exists() else []


def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: object) -> None:
        raise AssertionError("validated although the cache holds this catalogue")

    monkeypatch.setattr(signals.catalogue_loader, "validate_catalogue", refuse)


def counting_validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    validated: list[int] = []
    validate = signals.catalogue_loader.validate_catalogue
    monkeypatch.setattr(
        signals.catalogue_loader,
        "validate_catalogue",
        lambda raw: validated.append(1) or validate(raw),
    )
    return validated


def test_a_validated_catalogue_is_read_back_from_the_cache_unchanged(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = cache_dir()
    assert directory is not None
    first = load_catalogue(catalogue_file)
    assert len(entries(directory)) == 1
    no_validation(monkeypatch)
    second = load_catalogue(catalogue_file)
    assert second == first
    assert second.by_id.keys() == first.by_id.keys()
    assert second.scoring.credibility["1"].weight == first.scoring.credibility["1"].weight


def test_an_edited_catalogue_is_validated_again_and_replaces_its_entry(
    catalogue_file: Path,
) -> None:
    directory = cache_dir()
    assert directory is not None
    load_catalogue(catalogue_file)
    text = catalogue_file.read_text(encoding="utf-8")
    shipped = re.search(r"\nversion = (\d+)\n", text)
    assert shipped is not None and shipped[1] != "9"
    catalogue_file.write_text(text.replace(shipped[0], "\nversion = 9\n", 1))
    edited = load_catalogue(catalogue_file)
    assert edited.catalogue.version == 9
    assert len(entries(directory)) == 1
    catalogue_file.write_text(text.replace("half_life_days = ", "half_life_days = -", 1))
    with pytest.raises(CatalogueError):
        load_catalogue(catalogue_file)


def test_a_damaged_entry_is_passed_over_and_rewritten(catalogue_file: Path) -> None:
    directory = cache_dir()
    assert directory is not None
    expected = load_catalogue(catalogue_file)
    [entry] = entries(directory)
    key = entry.read_bytes().split(b"\n", 1)[0]
    for damage in (b"", b"not a key\n", key + b"\nnot a pickle", key + b"\n\x80\x05N."):
        entry.write_bytes(damage)
        assert load_catalogue(catalogue_file) == expected
        assert entry.read_bytes().startswith(key + b"\n\x80")


def test_a_cache_that_cannot_be_written_changes_nothing(
    catalogue_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("SIGNALS_CACHE", str(blocked / "signals"))
    assert load_catalogue(catalogue_file) == load_catalogue(default_catalogue_path())


def test_an_entry_that_fails_half_written_leaves_nothing_behind(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = cache_dir()
    assert directory is not None

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(signals.catalogue_cache.pickle, "dump", disk_full)
    assert load_catalogue(catalogue_file).catalogue.id == "kremlin-peace-signals"
    assert list(directory.iterdir()) == []


def test_an_empty_signals_cache_keeps_nothing(
    catalogue_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALS_CACHE", "")
    assert cache_dir() is None
    validated = counting_validations(monkeypatch)
    load_catalogue(catalogue_file)
    load_catalogue(catalogue_file)
    assert len(validated) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["catalogue.toml"]


def test_an_entry_others_could_have_written_is_not_read(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "getuid"):
        pytest.skip("POSIX owners and modes")
    directory = cache_dir()
    assert directory is not None
    expected = load_catalogue(catalogue_file)
    [entry] = entries(directory)
    validated = counting_validations(monkeypatch)
    entry.chmod(0o666)
    assert load_catalogue(catalogue_file) == expected
    assert len(validated) == 1
    assert entry.stat().st_mode & 0o077 == 0  # replaced by a private one
    directory.chmod(0o777)
    assert load_catalogue(catalogue_file) == expected
    assert len(validated) == 2
    directory.chmod(0o700)
    assert load_catalogue(catalogue_file) == expected
    assert len(validated) == 2


def test_old_entries_are_forgotten(tmp_path: Path) -> None:
    directory = cache_dir()
    assert directory is not None
    for number in range(signals.catalogue_cache.MAX_ENTRIES + 3):
        copy = tmp_path / f"catalogue-{number}.toml"
        shutil.copyfile(default_catalogue_path(), copy)
        load_catalogue(copy)
    assert len(entries(directory)) == signals.catalogue_cache.MAX_ENTRIES


def test_without_a_home_directory_nothing_is_cached(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIGNALS_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # as with no HOME, no passwd
    assert cache_dir() is None
    assert load_catalogue(catalogue_file).catalogue.id == "kremlin-peace-signals"


def test_old_mac_line_endings_still_load(catalogue_file: Path) -> None:
    text = catalogue_file.read_text(encoding="utf-8")
    catalogue_file.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    assert load_catalogue(catalogue_file) == load_catalogue(default_catalogue_path())


def test_the_cache_directory_follows_the_platform_convention(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SIGNALS_CACHE")
    if os.name == "nt":
        pytest.skip("the XDG convention is for POSIX systems")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "signals"
    assert cache_dir() in (expected, Path.home() / "Library" / "Caches" / "signals")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/paths/are/ignored")
    assert cache_dir() in (
        Path.home() / ".cache" / "signals",
        Path.home() / "Library" / "Caches" / "signals",
    )


def test_the_cache_directory_is_private(catalogue_file: Path) -> None:
    directory = cache_dir()
    assert directory is not None
    load_catalogue(catalogue_file)
    if os.name != "nt":
        assert directory.stat().st_mode & 0o077 == 0


def test_the_cli_reads_its_catalogue_from_the_cache_the_second_time(
    signals, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    first = signals("indicators", "--json")
    assert first.exit_code == 0
    no_validation(monkeypatch)
    second = signals("indicators", "--json")
    assert second.exit_code == 0
    assert second.stdout == first.stdout

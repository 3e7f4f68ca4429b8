"""`[tool.generator]` takes every build setting the command line takes, under the flag's name; the
command line wins; an unknown key or a wrong value is an error located in pyproject.toml, with a
did-you-mean for a misspelt key."""

from __future__ import annotations

import argparse
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

from generator.cli import SETTING_HELP, parser
from generator.config import FLAGS, SETTINGS, load_config
from generator.errors import SpecError

# Flags of `build` that are no setting: what to do with the settings, not how to build.
MODES = {"--help", "--check", "--debug", "--isolated", "--verbose"}
# A value of each kind for the table, and another for the command line.
SAMPLES = {
    "path": ('"from-table"', "from-flag"),
    "paths": ('["from-table"]', ["from-flag"]),
    "name": ('"tablepkg"', "flagpkg"),
    "bool": ("true", False),
    "version": ('"1.2.3"', "4.5.6"),
    "class": ('"TableClient"', "FlagClient"),
}


def build_flags() -> set[str]:
    (commands,) = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    build = commands.choices["build"]
    flags = {flag for action in build._actions for flag in action.option_strings if flag.startswith("--")}
    return {flag for flag in flags - MODES if not flag.startswith("--no-")}


def test_every_flag_of_build_is_a_setting_and_every_setting_a_flag() -> None:
    assert {flag.removeprefix("--") for flag in build_flags()} == {FLAGS.get(key, key) for key in SETTINGS}
    assert {"strict", "overlays", "allow-remote-refs", "package-version", "client-class", "templates"} <= set(SETTINGS)
    assert set(SETTING_HELP) == set(SETTINGS)


def write_table(folder: Path, body: str) -> Path:
    pyproject = folder / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "someone"\n\n[tool.generator]\n{body}', encoding="utf-8")
    return pyproject


def expected(kind: str, value: object, base: Path) -> object:
    if kind == "paths":
        assert isinstance(value, list)
        return tuple((base / str(v)).resolve() for v in value)
    return (base / str(value)).resolve() if kind == "path" else value


def attribute(key: str) -> str:
    return key.replace("-", "_")


def test_each_setting_is_read_from_the_table_and_the_flag_wins(tmp_path: Path) -> None:
    table = "".join(f"{key} = {SAMPLES[kind][0]}\n" for key, kind in SETTINGS.items())
    write_table(tmp_path, table)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    from_table = load_config(cwd, {})
    from_flags = load_config(cwd, {key: SAMPLES[kind][1] for key, kind in SETTINGS.items()})
    for key, kind in SETTINGS.items():
        table_value = tomllib.loads(f"v = {SAMPLES[kind][0]}")["v"]
        assert getattr(from_table, attribute(key)) == expected(kind, table_value, tmp_path), key  # beside pyproject
        assert getattr(from_flags, attribute(key)) == expected(kind, SAMPLES[kind][1], cwd), key  # beside the cwd


def test_settings_from_the_table_reach_the_build(tmp_path: Path) -> None:
    shutil.copytree(
        goldens.FIXTURES_DIR / "custom_code", tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected")
    )
    write_table(
        tmp_path,
        'spec = "spec.yaml"\nout = "out"\npackage = "acme"\npackage-version = "3.1.4"\n'
        'client-class = "Acme"\ncustom = "custom"\ntemplates = "templates"\n',
    )
    done = goldens.run(goldens.project_build_command(), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    package = tmp_path / "out" / "acme"
    assert '__version__ = "3.1.4"' in (package / "_version.py").read_text(encoding="utf-8")
    assert "class Acme(_Settings, ClientMixin, SyncAPIClient):" in (package / "_client.py").read_text(encoding="utf-8")
    assert "our own README" in (package / "README.md").read_text(encoding="utf-8")
    done = goldens.run(goldens.project_build_command("--package-version", "3.2.0", "--check"), cwd=tmp_path)
    assert done.returncode == 1 and "stale: out/acme/_version.py" in done.stderr.splitlines()


def cli_error(tmp_path: Path, body: str) -> list[str]:
    write_table(tmp_path, body)
    done = goldens.run(goldens.project_build_command(), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    return done.stderr.splitlines()


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("pakage", "did you mean `package`?"),
        ("allow_remote_refs", "did you mean `allow-remote-refs`?"),
        ("client_class", "did you mean `client-class`?"),
        ("template", "did you mean `templates`?"),
        ("colour", "the settings are `spec`, `out`, `package`"),
    ],
)
def test_an_unknown_key_is_a_located_error_with_a_did_you_mean(tmp_path: Path, key: str, hint: str) -> None:
    lines = cli_error(tmp_path, f'spec = "spec/openapi.yaml"\n{key} = "x"\n')
    assert lines[0] == f"error: pyproject.toml:6:1 #/tool/generator/{key}: unknown setting `{key}`"
    assert lines[1].startswith(f"  hint: {hint}")
    assert lines[2] == "1 error; nothing was written."


def test_every_unknown_key_is_reported_at_once(tmp_path: Path) -> None:
    lines = cli_error(tmp_path, 'outt = "a"\n  "pakage" = "b"\n')
    assert [line.split(": ", 2)[1] for line in lines if line.startswith("error")] == [
        "pyproject.toml:5:1 #/tool/generator/outt",
        "pyproject.toml:6:3 #/tool/generator/pakage",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("package-version = 3\n", "[tool.generator] package-version must be a version string"),
        ('package-version = "three"\n', "'three' is not a version pip accepts"),
        ('allow-remote-refs = "yes"\n', "[tool.generator] allow-remote-refs must be true or false"),
        ('client-class = "my client"\n', "'my client' is not a class name"),
        ('package = "json"\n', "package name 'json' is the name of a module"),
    ],
)
def test_a_wrong_value_is_located_at_its_key(tmp_path: Path, body: str, message: str) -> None:
    lines = cli_error(tmp_path, body)
    key = body.split(" ", 1)[0]
    assert lines[0].startswith(f"error: pyproject.toml:5:1 #/tool/generator/{key}: "), lines
    assert message in lines[0]
    assert lines[1].startswith("  hint: ")


def test_a_flag_with_a_wrong_value_is_an_error_too(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as raised:
        load_config(tmp_path, {"client-class": "1st"})
    (diagnostic,) = raised.value.diagnostics
    assert re.match(r"--client-class '1st' is not a class name", diagnostic.message)
    assert diagnostic.hint


def test_isolated_reads_no_table(tmp_path: Path) -> None:
    """`--isolated`: a build of another spec inside a project inherits none of the project's settings."""
    write_table(tmp_path, 'custom = "no-such-folder"\ntemplates = "nor-this"\noverlays = ["missing.yaml"]\n')
    spec = goldens.fixture_spec("minimal")
    done = goldens.run(goldens.build_command("--spec", spec, "--out", "out", "--package", "alone"), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert not (tmp_path / "out" / "alone" / "_custom").exists()
    done = goldens.run(
        goldens.project_build_command("--spec", spec, "--out", "out2", "--package", "alone"), cwd=tmp_path
    )
    assert done.returncode == 2 and "missing.yaml" in done.stderr  # the same table, read

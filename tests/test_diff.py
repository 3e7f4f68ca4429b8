"""`python -m generator diff`: what a regeneration changes in the generated Python surface.

Each folder of tests/diff_fixtures/ is one kind of change (old.yaml -> new.yaml) with its report in
the three formats as goldens (refreshed by `python tests/update_goldens.py`); together they hold every
kind of change the comparison knows. Besides: the rule relating two annotations, `--against` a git
revision of a spec split over several files, a bad spec (exit 2), and the README's CI recipe.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

from generator.diff.compare import KINDS
from generator.diff.rules import RULES
from generator.diff.types import relation

REFRESH = "run `python tests/update_goldens.py --diffs-only` and review the reports"


def test_there_are_fixtures_and_each_has_its_three_reports() -> None:
    assert len(goldens.diff_fixtures()) >= 10
    for name in goldens.diff_fixtures():
        folder = goldens.DIFF_FIXTURES_DIR / name
        wanted = {"old.yaml", "new.yaml", *(f"expected.{suffix}" for suffix in goldens.DIFF_FORMATS.values())}
        assert {p.name for p in folder.iterdir()} == wanted, f"{folder}; {REFRESH}"


@pytest.mark.parametrize("form", sorted(goldens.DIFF_FORMATS))
@pytest.mark.parametrize("name", goldens.diff_fixtures())
def test_the_report_equals_its_golden(name: str, form: str) -> None:
    done = goldens.diff_report(name, form)
    expected = (goldens.DIFF_FIXTURES_DIR / name / f"expected.{goldens.DIFF_FORMATS[form]}").read_text(encoding="utf-8")
    assert done.stderr == ""
    assert done.stdout == expected, REFRESH
    breaking = json.loads((goldens.DIFF_FIXTURES_DIR / name / "expected.json").read_text(encoding="utf-8"))["breaking"]
    assert done.returncode == (1 if breaking else 0)


def reported() -> list[dict[str, str]]:
    found = []
    for name in goldens.diff_fixtures():
        report = json.loads((goldens.DIFF_FIXTURES_DIR / name / "expected.json").read_text(encoding="utf-8"))
        found += report["breaking"] + report["non_breaking"]
    return found


def test_the_fixtures_hold_every_kind_of_change_and_no_other() -> None:
    kinds = {entry["kind"] for entry in reported()}
    assert kinds <= set(KINDS)
    assert sorted(set(KINDS) - kinds) == []


def test_every_change_has_its_rule_level_and_the_readme_lists_every_rule() -> None:
    for entry in reported():
        rule = RULES[entry["kind"]]
        assert entry["level"] in ("breaking", rule.level), entry
    readme = (goldens.REPO / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z-]+)` \| (warning|info) \| ", readme, re.M))
    assert listed == {name: rule.level for name, rule in RULES.items()}


def test_each_change_is_located_in_the_spec_that_has_it() -> None:
    for entry in reported():
        file, line = entry["location"].rsplit(":", 1)
        assert file in ("old.yaml", "new.yaml") and int(line) > 1, entry
        gone = entry["kind"].endswith("-removed") and entry["kind"] != "enum-member-removed"
        assert (file == "old.yaml") == (gone or entry["kind"] == "error-removed"), entry


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("str | None", "str", "narrower"),
        ("str", "str | None", "wider"),
        ("int", "float", "wider"),
        ("bool", "int", "wider"),
        ("Literal['a', 'b']", "str", "wider"),
        ("Literal['a', 'b']", "Literal['a']", "narrower"),
        ("Literal[1]", "int", "wider"),
        ("list[str]", "list[str | int]", "wider"),
        ("dict[str, _models.Job]", "dict[str, _models.Job | None]", "wider"),
        ("_models.Status", "str", "wider"),  # an open str enum
        ("str", "Any", "wider"),
        ("str", "int", "different"),
        ("list[str]", "dict[str, str]", "different"),
        ("_models.Job", "_models.Job", "same"),
        ("str | int", "int | str", "same"),
        ("Literal['a,b', 'c']", "Literal['c', 'a,b']", "same"),
    ],
)
def test_the_rule_relating_two_annotations(old: str, new: str, expected: str) -> None:
    assert relation(old, new, lambda name: name == "Status") == expected


def test_a_spec_compared_with_itself_has_no_change() -> None:
    spec = goldens.REPO / "spec" / "openapi.yaml"
    done = goldens.run([sys.executable, "-m", "generator", "diff", str(spec), str(spec)])
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "No change to the generated Python surface.\n\nSuggested version bump: none\n"


def test_a_bad_spec_exits_2_with_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", encoding="utf-8")
    (tmp_path / "new.yaml").write_text("openapi: 3.1.0\ninfo: {title: t\npaths: {}\n", encoding="utf-8")
    done = goldens.run([sys.executable, "-m", "generator", "diff", "old.yaml", "new.yaml"], cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: new.yaml:2:7: invalid YAML")
    assert done.stderr.endswith("1 error.\n")


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


def test_against_a_revision_reads_every_file_of_the_spec_as_it_was(tmp_path: Path) -> None:
    """spec/ (three files) committed, then a query parameter removed from paths/batch.yaml and a new
    operation added there: the removal is located in the committed file, the addition in the new one."""
    repo = tmp_path / "repo"
    shutil.copytree(goldens.REPO / "spec", repo / "spec")
    (repo / "pyproject.toml").write_text('[tool.generator]\nspec = "spec/openapi.yaml"\n', encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "spec")
    paths = repo / "spec" / "paths" / "batch.yaml"
    committed = paths.read_text(encoding="utf-8")
    gone = "      - name: directory_id\n"
    line = committed[: committed.index(gone)].count("\n") + 1
    edited = re.sub(r"      - name: directory_id\n(        .*\n)+", "", committed, count=1)
    spec_text = "".join(p.read_text(encoding="utf-8") for p in (repo / "spec").rglob("*.yaml"))
    name = next(f"halt{n}" for n in range(100) if f"halt{n}" not in spec_text)  # one no maintainer added
    edited += f"{name}:\n  post:\n    operationId: {name}\n    x-resource: beta.batch\n    x-method: {name}\n"
    edited += "    responses:\n      '204':\n        description: Cancelled\n"
    paths.write_text(edited, encoding="utf-8")
    root = repo / "spec" / "openapi.yaml"
    root.write_text(
        root.read_text(encoding="utf-8").replace(
            "    $ref: paths/batch.yaml#/job\n",
            f"    $ref: paths/batch.yaml#/job\n  /{name}:\n    $ref: paths/batch.yaml#/{name}\n",
        ),
        encoding="utf-8",
    )
    done = goldens.run([sys.executable, "-m", "generator", "diff", "--against", "HEAD", "--format", "json"], cwd=repo)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["bump"] == "major"
    (removed,) = report["breaking"]
    assert (removed["subject"], removed["kind"]) == ("beta.batch.list", "parameter-removed")
    assert removed["location"] == f"HEAD:spec/paths/batch.yaml:{line}"
    (added,) = report["non_breaking"]
    assert (added["subject"], added["kind"]) == (f"beta.batch.{name}", "method-added")
    # An operation is located at its first key, like every mapping.
    assert added["location"] == f"spec/paths/batch.yaml:{edited.splitlines().index(f'    operationId: {name}') + 1}"


def test_against_an_unknown_revision_exits_2(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(goldens.REPO / "spec", repo / "spec")
    git(repo, "init", "-q")
    done = goldens.run(
        [sys.executable, "-m", "generator", "diff", "--against", "v9", "--spec", "spec/openapi.yaml"], cwd=repo
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "hint: --against takes a revision" in done.stderr


def test_the_readme_documents_diff_beside_check_with_a_ci_recipe() -> None:
    readme = (goldens.REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The generator\n", 1)[1].split("\n## ", 1)[0]
    assert "python -m generator build --check" in section and "python -m generator diff" in section
    recipe = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert recipe is not None and "--against" in recipe.group(1) and "fetch-depth: 0" in recipe.group(1)

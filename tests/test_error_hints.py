"""Errors a maintainer can act on: every error the generator can raise carries a `hint:`, a hint that
shows YAML shows YAML that parses (and, pasted where it says, fixes the spec), and a YAML syntax error
points at the line to fix, not at the line where the parser gave up; a mistake on the command line is
an error with a hint too (the nearest flag, or where `--help` lists them), exit 2.

The call sites are read with `ast` from the generator's source, so a new error without a hint fails
here before any spec reaches it; the runtime side (every `error:` line followed by its `hint:`) is
checked on every failed build of the fuzz run (tests/fuzz/harness.py).
"""

from __future__ import annotations

import ast
import re
import shutil
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml

GENERATOR = goldens.REPO / "generator"
SPEC_DIR = goldens.REPO / "spec"
# The sample a formatted value of an f-string hint stands for, when the hint is checked as YAML.
SAMPLE = "job_id"


def hint_defaults(tree: ast.Module) -> dict[str, ast.expr]:
    """Function name -> the default of its `hint` parameter, for the functions of a module that have one
    (a helper's `error(key, message, hint=_HINT)`)."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            positional = node.args.posonlyargs + node.args.args
            pairs = [*zip(positional[len(positional) - len(node.args.defaults) :], node.args.defaults, strict=True)]
            pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d is not None]
            for arg, default in pairs:
                if arg.arg == "hint":
                    found[node.name] = default
    return found


def call_sites(
    paths: Iterable[Path] | None = None,
) -> Iterator[tuple[str, ast.Call, ast.expr | None, dict[str, ast.expr]]]:
    """Every `Diagnostic(...)` and `<collector>.error(...)` of the generator: where, the call, its hint
    argument (None when not given; the default of a module's own helper) and the string constants its
    module and function assign to names."""
    for path in sorted(GENERATOR.rglob("*.py")) if paths is None else paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defaults = hint_defaults(tree)
        constants = {
            target.id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant | ast.JoinedStr | ast.IfExp)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "Diagnostic" or (name == "error" and isinstance(func, ast.Attribute)):
                keyword = next((k.value for k in node.keywords if k.arg == "hint"), None)
                hint = node.args[2] if len(node.args) > 2 else keyword
                collector = isinstance(func, ast.Attribute) and ast.unparse(func.value).endswith("problems")
                if hint is None and not collector and name != "Diagnostic":
                    hint = defaults.get(name)
                where = path.relative_to(goldens.REPO) if path.is_relative_to(goldens.REPO) else path
                yield f"{where}:{node.lineno}", node, hint, constants


def test_the_walk_finds_the_call_sites() -> None:
    sites = list(call_sites())
    assert len(sites) > 50
    assert {where.split(":")[0] for where, *_ in sites} >= {"generator/loader.py", "generator/lower/validate.py"}


def test_a_helper_whose_hint_has_a_default_gives_it(tmp_path: Path) -> None:
    module = tmp_path / "helper.py"
    module.write_text(
        textwrap.dedent(
            """\
            HINT = "name a key"

            class Declaration:
                def error(self, key, message, hint=HINT):
                    self.ctx.problems.error(message, key, hint)

            def read(declaration, problems):
                declaration.error("a", "bad a")
                problems.error("bad b", None)
            """
        ),
        encoding="utf-8",
    )
    hints = {ast.unparse(call.func): hint for _, call, hint, _ in call_sites([module])}
    assert isinstance(hints["declaration.error"], ast.Name) and hints["declaration.error"].id == "HINT"
    assert hints["problems.error"] is None  # a collector's error gives none by itself


def test_every_error_gives_a_hint() -> None:
    missing = [
        f"{where}: {ast.unparse(call)[:100]}"
        for where, call, hint, _ in call_sites()
        if hint is None or (isinstance(hint, ast.Constant) and not hint.value)
    ]
    assert missing == []


def texts(hint: ast.expr, constants: dict[str, ast.expr]) -> list[str]:
    """The text(s) a hint expression can give: f-string values as SAMPLE; a name, its assigned constant."""
    if isinstance(hint, ast.Name) and hint.id in constants:
        return texts(constants[hint.id], constants)
    if isinstance(hint, ast.Constant) and isinstance(hint.value, str):
        return [hint.value]
    if isinstance(hint, ast.JoinedStr):
        parts = [str(v.value) if isinstance(v, ast.Constant) else SAMPLE for v in hint.values]
        return ["".join(parts)]
    if isinstance(hint, ast.IfExp):
        return texts(hint.body, constants) + texts(hint.orelse, constants)
    if isinstance(hint, ast.BinOp) and isinstance(hint.op, ast.Add):
        return [a + b for a in texts(hint.left, constants) for b in texts(hint.right, constants)]
    return []


def yaml_snippets(text: str) -> list[str]:
    """The `code` spans of a hint that are YAML: a `key: value` or a `- item`."""
    return [span for span in re.findall(r"`([^`]+)`", text) if ": " in span or span.startswith("- ")]


def test_the_yaml_of_every_hint_parses_to_a_mapping_or_a_list() -> None:
    checked, broken = 0, []
    for where, _, hint, constants in call_sites():
        for text in texts(hint, constants) if hint is not None else []:
            for snippet in yaml_snippets(text):
                checked += 1
                try:
                    value = yaml.safe_load(snippet)
                except yaml.YAMLError as exc:
                    broken.append(f"{where}: {snippet!r}: {str(exc).splitlines()[0]}")
                    continue
                if not isinstance(value, dict | list):
                    broken.append(f"{where}: {snippet!r} reads as {value!r}")
    assert checked >= 10  # the walk reaches the hints that show YAML
    assert broken == []


def build(spec: Path, out: Path) -> tuple[int, str]:
    done = goldens.run(goldens.build_command("--spec", spec, "--out", out, "--package", "pasted"))
    return done.returncode, done.stderr


def test_the_missing_path_parameter_hint_fixes_the_spec_when_pasted(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /jobs/{job_id}:\n    get:\n"
    tail = "      responses: {'200': {description: OK}}\n"
    spec.write_text(head + tail, encoding="utf-8")
    code, err = build(spec, tmp_path / "out")
    assert code == 2
    (snippet,) = re.findall(r"hint: add `([^`]+)`", err)
    assert yaml.safe_load(snippet)[0]["name"] == "job_id"
    spec.write_text(head + "      parameters:\n" + textwrap.indent(snippet, "        ") + "\n" + tail, encoding="utf-8")
    assert build(spec, tmp_path / "out") == (0, "")


# -- YAML syntax errors point at the line to fix ----------------------------------------------------


def broken_copy(tmp_path: Path, before: str, after: str) -> tuple[Path, int]:
    """A copy of spec/ whose paths/batch.yaml has `before` (a run of whole lines, found once) replaced by
    `after`; the line number of the first line of `after` that differs is returned too."""
    shutil.copytree(SPEC_DIR, tmp_path / "spec")
    path = tmp_path / "spec" / "paths" / "batch.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(before) == 1, before
    start = text[: text.index(before)].count("\n") + 1
    changed = next(i for i, (a, b) in enumerate(zip(before.splitlines(), after.splitlines(), strict=True)) if a != b)
    path.write_text(text.replace(before, after), encoding="utf-8")
    return path, start + changed


LIST_HEAD = "    operationId: list_batch_jobs\n    x-resource: beta.batch\n    x-method: list\n"
MISTAKES = {
    # `x-method` lost two spaces: valid YAML by itself; the parser stops at the next, well indented line.
    "under-indented": (LIST_HEAD, LIST_HEAD.replace("    x-method", "  x-method"), "indented 2 spaces, less"),
    "over-indented": (LIST_HEAD, LIST_HEAD.replace("    x-method", "      x-method"), "deeper than the line above"),
    "missing colon": (LIST_HEAD, LIST_HEAD.replace("x-resource:", "x-resource"), "a key without its `:`"),
    "unclosed flow": (
        "    tags: [beta.batch]\n    summary: List Batch Jobs\n",
        "    tags: [beta.batch\n    summary: List Batch Jobs\n",
        "the `[` opened here is never closed",
    ),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_yaml_error_points_at_the_line_of_the_mistake(tmp_path: Path, mistake: str) -> None:
    before, after, message = MISTAKES[mistake]
    path, line = broken_copy(tmp_path, before, after)
    code, err = build(tmp_path / "spec" / "openapi.yaml", tmp_path / "out")
    assert code == 2
    first, hint = err.splitlines()[:2]
    assert first.startswith(f"error: {path}:{line}:"), (line, err)
    assert message in first
    assert hint.startswith("  hint: ") and hint != "  hint: fix the YAML syntax there"
    assert not (tmp_path / "out").exists()


# A mistake on the command line -> (what the error says, what its hint says).
COMMAND_LINE = {
    "unknown flag": (["build", "--strickt"], "unrecognized arguments: --strickt", "did you mean `--strict`?"),
    "unknown flag, nothing near": (
        ["build", "--zzz"],
        "unrecognized arguments: --zzz",
        "`python -m generator build --help`",
    ),
    "plural of a flag": (
        ["build", "--overlays=o.yaml"],
        "unrecognized arguments: --overlays",
        "did you mean `--overlay`?",
    ),
    "flag of diff": (["diff", "--againts", "v1"], "unrecognized arguments: --againts", "did you mean `--against`?"),
    "not a choice": (
        ["diff", "--format", "xml", "a", "b"],
        "invalid choice: 'xml'",
        "`python -m generator diff --help`",
    ),
    "missing value": (["build", "--package"], "expected one argument", "`python -m generator build --help`"),
    "unknown command": (["biuld"], "invalid choice: 'biuld'", "`python -m generator --help`"),
    "no command": ([], "required: command", "`python -m generator --help`"),
}


@pytest.mark.parametrize("mistake", sorted(COMMAND_LINE))
def test_a_command_line_mistake_is_an_error_with_a_hint(mistake: str, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    argv, message, hint = COMMAND_LINE[mistake]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    error, hinted, summary = captured.err.splitlines()
    assert (captured.out, summary) == ("", "1 error.")
    assert error.startswith("error: ") and message in error
    assert hinted.startswith("  hint: ") and hint in hinted
